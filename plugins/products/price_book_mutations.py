"""Write side for price books: create and update them (one default per currency), and set the
prices they hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from core import validation as v
from core.events import CREATED, UPDATED, UnitOfWork
from core.graphql.context import RequestContext, mutation_payload
from core.graphql.money import CURRENCY, exact_money_errors
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.permissions import requires
from core.graphql.relay import maybe_pk
from core.graphql.updates import bump_version, given
from plugins.products import models
from plugins.products.inputs import (
    CreatePriceBookInput,
    PriceBookPayload,
    SetPriceBookEntriesInput,
    UpdatePriceBookInput,
)
from plugins.products.models import text_key
from plugins.products.service import (
    MAX_BULK,
    PLUGIN,
    PRICE_BOOK_LOCK,
    find_price_book,
)
from plugins.products.types import PriceBook

WRITE = "pricebook.write"


def _input_errors(data: Any, creating: bool) -> list[UserError]:
    errors: list[UserError] = []
    if creating or given(data.name):
        errors += v.text(data.name, ["name"], 100, required=True)
    if given(data.description):
        errors += v.text(data.description, ["description"], 500)
    if creating and not CURRENCY.match(data.currency or ""):
        errors.append(
            user_error("currency", "Use a three-letter currency code such as CNY.", "INVALID")
        )
    if not creating and given(data.is_default) and data.is_default is None:
        errors.append(user_error("isDefault", "This field is required.", "REQUIRED"))
    return errors


async def _name_errors(name: str, currency: str, except_id: int | None = None) -> list[UserError]:
    """DUPLICATE when another book in the currency has the name, ignoring case."""
    others = models.PriceBook.filter(currency=currency, name_key=text_key(name))
    if except_id is not None:
        others = others.exclude(id=except_id)
    existing = await others.first()
    if existing is None:
        return []
    message = f"Price book '{existing.name}' in {currency} has this name."
    return [user_error("name", message, "DUPLICATE")]


async def _retire_default(work: UnitOfWork, currency: str) -> None:
    """Take the default role from the currency's current default book, if any. The database
    allows one default per currency, so this runs before another book takes the role."""
    previous = await models.PriceBook.filter(default_for=currency).first()
    if previous is not None:
        await bump_version(models.PriceBook, previous, None, {"default_for": None}, "price book")
        await work.record(PLUGIN, UPDATED, previous, "PriceBook", {"fields": ["default_for"]})


async def create_price_book(ctx: RequestContext, data: CreatePriceBookInput) -> models.PriceBook:
    """Name uniqueness and the default role are settled under a tenant lock: two concurrent
    creates of a default for one currency leave exactly one default."""
    async with ctx.write() as work:
        await work.lock(PRICE_BOOK_LOCK)
        errors = _input_errors(data, creating=True)
        if not errors:
            errors += await _name_errors(data.name, data.currency)
        if errors:
            raise UserInputError(errors)
        if data.is_default:
            await _retire_default(work, data.currency)
        row = models.PriceBook(
            name=v.clean(data.name),
            name_key=text_key(data.name),
            currency=data.currency,
            description=v.clean(data.description),
            default_for=data.currency if data.is_default else None,
        )
        await row.save()
        await work.record(PLUGIN, CREATED, row, "PriceBook")
    return row


async def update_price_book(ctx: RequestContext, data: UpdatePriceBookInput) -> models.PriceBook:
    async with ctx.write() as work:
        await work.lock(PRICE_BOOK_LOCK)
        row = await find_price_book(data.id)
        if row is None:
            raise fail("id", "No such price book.", "NOT_FOUND")
        errors = _input_errors(data, creating=False)
        if given(data.name) and not errors:
            errors += await _name_errors(data.name, row.currency, except_id=row.id)
        if errors:
            raise UserInputError(errors)
        changes: dict[str, Any] = {}
        if given(data.name):
            changes.update(name=v.clean(data.name), name_key=text_key(data.name))
        if given(data.description):
            changes["description"] = v.clean(data.description)
        if given(data.is_default) and data.is_default != row.is_default:
            if data.is_default:
                # Should this row's version turn out stale below, the CONFLICT rolls this back.
                await _retire_default(work, row.currency)
            changes["default_for"] = row.currency if data.is_default else None
        await bump_version(models.PriceBook, row, data.version, changes, "price book")
        await work.record(PLUGIN, UPDATED, row, "PriceBook", {"fields": sorted(changes)})
    return row


# -- prices --------------------------------------------------------------------------------------


def _wanted_prices(
    book: models.PriceBook, data: SetPriceBookEntriesInput, known: set[int]
) -> tuple[dict[int, Decimal], list[int], list[UserError]]:
    """Product id -> price to set, product ids to remove, and what is wrong."""
    errors: list[UserError] = []
    prices: dict[int, Decimal] = {}
    first_item: dict[int, int] = {}
    for i, item in enumerate(data.prices):
        path = ["prices", str(i)]
        pk = maybe_pk(item.product_id, "Product")
        if pk not in known:
            errors.append(user_error([*path, "productId"], "No such product.", "NOT_FOUND"))
        elif pk in first_item:
            message = f"Item {first_item[pk]} prices this product already."
            errors.append(user_error([*path, "productId"], message, "DUPLICATE"))
        mistakes = exact_money_errors(item.unit_price, [*path, "unitPrice"])
        if not mistakes and item.unit_price.currency != book.currency:
            message = f"This book's prices are in {book.currency}."
            mistakes.append(
                user_error([*path, "unitPrice", "currency"], message, "CURRENCY_MISMATCH")
            )
        errors += mistakes
        if pk in known and pk not in first_item:
            first_item[pk] = i
            if not mistakes:
                prices[pk] = item.unit_price.amount
    removed: list[int] = []
    for i, gid in enumerate(data.remove_product_ids):
        pk = maybe_pk(gid, "Product")
        path = ["removeProductIds", str(i)]
        if pk not in known:
            errors.append(user_error(path, "No such product.", "NOT_FOUND"))
        elif pk in first_item:
            errors.append(user_error(path, "This product is priced in `prices` too.", "INVALID"))
        else:
            removed.append(pk)
    return prices, removed, errors


async def _upsert_entries(book: models.PriceBook, prices: dict[int, Decimal]) -> None:
    """Add or replace prices: one query to read, at most one to insert, one to update."""
    existing = {
        e.product_id: e
        for e in await models.PriceBookEntry.filter(
            price_book_id=book.id, product_id__in=list(prices)
        )
    }
    now = dt.datetime.now(dt.UTC)
    changed = []
    for pk, entry in existing.items():
        if entry.unit_price != prices[pk]:
            entry.unit_price, entry.updated_at = prices[pk], now
            changed.append(entry)
    if changed:
        await models.PriceBookEntry.bulk_update(changed, fields=["unit_price", "updated_at"])
    new = [
        models.PriceBookEntry(price_book_id=book.id, product_id=pk, unit_price=value)
        for pk, value in prices.items()
        if pk not in existing
    ]
    if new:
        await models.PriceBookEntry.bulk_create(new)


async def set_price_book_entries(
    ctx: RequestContext, data: SetPriceBookEntriesInput
) -> models.PriceBook:
    """All or nothing; prices must be in the book's currency."""
    count = len(data.prices) + len(data.remove_product_ids)
    if count == 0:
        raise fail("prices", "Give prices to set or products to remove.", "REQUIRED")
    if count > MAX_BULK:
        raise fail("input", f"Set and remove at most {MAX_BULK} prices at once.", "TOO_MANY")
    async with ctx.write() as work:
        book = await find_price_book(data.price_book_id)
        if book is None:
            raise fail("priceBookId", "No such price book.", "NOT_FOUND")
        # Two writers of one book's prices take turns; other books are not held up.
        await work.lock(f"products.price_book_entries.{book.id}")
        gids = [item.product_id for item in data.prices] + list(data.remove_product_ids)
        pks = {pk for pk in (maybe_pk(gid, "Product") for gid in gids) if pk is not None}
        known = set(await models.Product.filter(id__in=list(pks)).values_list("id", flat=True))
        prices, removed, errors = _wanted_prices(book, data, known)
        if errors:
            raise UserInputError(errors)
        await _upsert_entries(book, prices)
        if removed:
            await models.PriceBookEntry.filter(
                price_book_id=book.id, product_id__in=removed
            ).delete()
        await work.record(
            PLUGIN,
            UPDATED,
            book,
            "PriceBook",
            {
                "fields": ["entries"],
                "pricedProductIds": sorted(prices),
                "removedProductIds": removed,
            },
        )
    return book


@strawberry.type
class PriceBookMutations:
    @strawberry.mutation(permission_classes=requires(WRITE))
    async def create_price_book(self, info: Info, input: CreatePriceBookInput) -> PriceBookPayload:
        return await mutation_payload(
            PriceBookPayload,
            "price_book",
            PriceBook.from_row,
            create_price_book(info.context, input),
        )

    @strawberry.mutation(permission_classes=requires(WRITE))
    async def update_price_book(self, info: Info, input: UpdatePriceBookInput) -> PriceBookPayload:
        return await mutation_payload(
            PriceBookPayload,
            "price_book",
            PriceBook.from_row,
            update_price_book(info.context, input),
        )

    @strawberry.mutation(
        permission_classes=requires(WRITE),
        description="Sets and removes a book's prices, all or nothing; at most 500 at once.",
    )
    async def set_price_book_entries(
        self, info: Info, input: SetPriceBookEntriesInput
    ) -> PriceBookPayload:
        return await mutation_payload(
            PriceBookPayload,
            "price_book",
            PriceBook.from_row,
            set_price_book_entries(info.context, input),
        )
