"""Write side for products: create (one or many) and update, retiring included.

Products are not deleted: quotes and orders keep pointing at them. `active: false` retires
one instead; pricing then skips it.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from core import validation as v
from core.bulk import reserve_ids
from core.events import CREATED, UPDATED
from core.graphql.context import RequestContext, mutation_payload, run_mutation
from core.graphql.money import exact_money_errors
from core.graphql.payloads import UserError, UserInputError, fail, prefixed, user_error
from core.graphql.permissions import requires
from core.graphql.updates import bump_version, given
from plugins.products import models
from plugins.products.inputs import (
    CreateProductInput,
    ProductPayload,
    ProductsPayload,
    UpdateProductInput,
)
from plugins.products.models import text_key
from plugins.products.service import (
    MAX_BULK,
    PLUGIN,
    SKU_LOCK,
    find_product,
    product_label,
)
from plugins.products.types import Product

WRITE = "product.write"


def _sku_errors(sku: str | None, path: list[str]) -> list[UserError]:
    errors = v.text(sku, path, 64, required=True)
    # v.text lets tabs and line breaks through (fine in a description, not in a code).
    if not errors and any(c.isspace() and c != " " for c in (sku or "")):
        errors.append(user_error(path, "Use no tabs or line breaks in a SKU.", "INVALID"))
    return errors


def _input_errors(data: Any, path: list[str], creating: bool) -> list[UserError]:
    """What is wrong with the given fields of a create or update input (duplicates aside)."""
    errors: list[UserError] = []
    if creating or given(data.sku):
        errors += _sku_errors(data.sku, [*path, "sku"])
    if creating or given(data.name):
        errors += v.text(data.name, [*path, "name"], 200, required=True)
    if creating or given(data.unit):
        errors += v.text(data.unit, [*path, "unit"], 20, required=True)
    if given(data.description):
        errors += v.text(data.description, [*path, "description"], 4000)
    if given(data.tax_category):
        errors += v.text(data.tax_category, [*path, "taxCategory"], 50)
    if creating or given(data.list_price):
        if data.list_price is None:
            errors.append(user_error([*path, "listPrice"], "This field is required.", "REQUIRED"))
        else:
            errors += exact_money_errors(data.list_price, [*path, "listPrice"])
    if given(data.active) and data.active is None:
        errors.append(user_error([*path, "active"], "This field is required.", "REQUIRED"))
    return errors


def _new_row(data: CreateProductInput, pk: int) -> models.Product:
    return models.Product(
        id=pk,
        sku=v.clean(data.sku),
        sku_key=text_key(data.sku),
        name=v.clean(data.name),
        description=v.clean(data.description),
        unit=v.clean(data.unit),
        list_price=data.list_price.amount,
        currency=data.list_price.currency,
        active=data.active,
        tax_category=v.clean(data.tax_category),
    )


async def _duplicate_skus(
    keys: list[str | None], except_id: int | None = None
) -> list[list[UserError]]:
    """Per key (None for items already refused): DUPLICATE when another product of the
    tenant, or an earlier item, has that SKU. Run under SKU_LOCK."""
    others = models.Product.filter(sku_key__in=[k for k in keys if k])
    if except_id is not None:
        others = others.exclude(id=except_id)
    existing = {row.sku_key: row for row in await others}
    errors: list[list[UserError]] = [[] for _ in keys]
    earlier: dict[str, int] = {}
    for i, key in enumerate(keys):
        if not key:
            continue
        if key in existing:
            which = product_label(existing[key])
            errors[i].append(user_error("sku", f"{which} has this SKU.", "DUPLICATE"))
        elif key in earlier:
            errors[i].append(
                user_error("sku", f"Item {earlier[key]} has the same SKU.", "DUPLICATE")
            )
        earlier.setdefault(key, i)
    return errors


async def create_products(
    ctx: RequestContext, items: list[CreateProductInput], bulk: bool
) -> list[models.Product]:
    """All or nothing. SKUs are checked under a tenant lock inside the write transaction,
    so two concurrent creates of one SKU cannot both pass."""
    if bulk and not 1 <= len(items) <= MAX_BULK:
        raise fail("input", f"Send between 1 and {MAX_BULK} products.", "TOO_MANY")
    async with ctx.write() as work:
        await work.lock(SKU_LOCK)
        item_errors = [_input_errors(item, [], creating=True) for item in items]
        keys = [None if _sku_errors(item.sku, []) else text_key(item.sku) for item in items]
        duplicates = await _duplicate_skus(keys)
        errors: list[UserError] = []
        for i, (mistakes, duplicate) in enumerate(zip(item_errors, duplicates, strict=True)):
            errors += prefixed(i, mistakes + duplicate) if bulk else mistakes + duplicate
        if errors:
            raise UserInputError(errors)
        ids = await reserve_ids(models.Product, len(items))
        rows = [_new_row(item, pk) for item, pk in zip(items, ids, strict=True)]
        await models.Product.bulk_create(rows)
        await work.record_many(PLUGIN, CREATED, rows, "Product")
    return rows


async def update_product(ctx: RequestContext, data: UpdateProductInput) -> models.Product:
    async with ctx.write() as work:
        if given(data.sku):
            await work.lock(SKU_LOCK)
        row = await find_product(data.id)
        if row is None:
            raise fail("id", "No such product.", "NOT_FOUND")
        errors = _input_errors(data, [], creating=False)
        if given(data.sku) and not _sku_errors(data.sku, []):
            errors += (await _duplicate_skus([text_key(data.sku)], except_id=row.id))[0]
        if errors:
            raise UserInputError(errors)
        changes: dict[str, Any] = {}
        if given(data.sku):
            changes.update(sku=v.clean(data.sku), sku_key=text_key(data.sku))
        for name in ("name", "unit", "description", "tax_category"):
            if given(getattr(data, name)):
                changes[name] = v.clean(getattr(data, name))
        if given(data.list_price):
            changes["list_price"] = data.list_price.amount
            changes["currency"] = data.list_price.currency
        if given(data.active):
            changes["active"] = data.active
        await bump_version(models.Product, row, data.version, changes, "product")
        await work.record(PLUGIN, UPDATED, row, "Product", {"fields": sorted(changes)})
    return row


@strawberry.type
class ProductMutations:
    @strawberry.mutation(permission_classes=requires(WRITE))
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        async def body() -> ProductPayload:
            rows = await create_products(info.context, [input], bulk=False)
            return ProductPayload(product=Product.from_row(rows[0]))

        return await run_mutation(ProductPayload, body)

    @strawberry.mutation(
        permission_classes=requires(WRITE), description="All or nothing; at most 500."
    )
    async def create_products(self, info: Info, input: list[CreateProductInput]) -> ProductsPayload:
        async def body() -> ProductsPayload:
            rows = await create_products(info.context, input, bulk=True)
            return ProductsPayload(products=[Product.from_row(r) for r in rows])

        return await run_mutation(ProductsPayload, body)

    @strawberry.mutation(permission_classes=requires(WRITE))
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        return await mutation_payload(
            ProductPayload, "product", Product.from_row, update_product(info.context, input)
        )
