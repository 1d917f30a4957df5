"""Read side of the products plugin: the catalogue, price books, and resolved unit prices."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from core.graphql.amount_filter import amount_q
from core.graphql.errors import ApiError, Code, bad_input
from core.graphql.filters import BooleanFilter, StringFilter, to_q
from core.graphql.money import CURRENCY
from core.graphql.permissions import requires
from core.graphql.relay import MAX_PAGE, Connection, maybe_pk, order_spec, paginate
from plugins.products import models
from plugins.products.inputs import PriceBookFilter, PriceBookOrder, ProductFilter, ProductOrder
from plugins.products.models import text_key
from plugins.products.pricing import PriceBookError, unit_prices
from plugins.products.types import (
    READ,
    PriceBook,
    Product,
    ProductPrice,
    load_price_book,
    load_product,
)


def _sku_q(condition: StringFilter) -> Q:
    """SKUs compare ignoring case: the filter runs on the case-folded key."""
    parts = []
    if condition.eq is not None:
        parts.append(Q(sku_key=text_key(condition.eq)))
    if condition.ne is not None:
        parts.append(~Q(sku_key=text_key(condition.ne)))
    if condition.in_ is not None:
        parts.append(Q(sku_key__in=[text_key(s) for s in condition.in_]))
    if condition.contains is not None:
        parts.append(Q(sku_key__contains=text_key(condition.contains)))
    if condition.is_null is not None:
        parts.append(Q(sku__isnull=condition.is_null))
    return Q(*parts)


def _text_q(text: str) -> Q:
    text = text.strip()
    return Q(
        Q(name__icontains=text),
        Q(sku_key__contains=text_key(text)),
        Q(description__icontains=text),
        join_type="OR",
    )


PRODUCT_FILTERS = {
    "sku": _sku_q,
    "text": _text_q,
    "list_price": lambda f: amount_q("list_price", f),
}


def _is_default_q(condition: BooleanFilter) -> Q:
    parts = []
    if condition.eq is not None:
        parts.append(Q(default_for__isnull=not condition.eq))
    if condition.is_null is True:
        parts.append(Q(id__in=[]))  # every book is either default or not
    return Q(*parts)


@strawberry.type
class ProductQueries:
    @strawberry.field(permission_classes=requires(READ))
    async def products(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ProductFilter | None = None,
        order_by: list[ProductOrder] | None = None,
    ) -> Connection[Product]:
        queryset = models.Product.all()
        if filter is not None:
            queryset = queryset.filter(to_q(filter, custom=PRODUCT_FILTERS))
        return await paginate(
            queryset,
            order_spec(order_by, [("name", False)]),
            Product.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires(READ))
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return await load_product(info, maybe_pk(id, "Product"))

    @strawberry.field(permission_classes=requires(READ))
    async def price_books(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PriceBookFilter | None = None,
        order_by: list[PriceBookOrder] | None = None,
    ) -> Connection[PriceBook]:
        queryset = models.PriceBook.all()
        if filter is not None:
            queryset = queryset.filter(to_q(filter, custom={"is_default": _is_default_q}))
        return await paginate(
            queryset,
            order_spec(order_by, [("name", False)]),
            PriceBook.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires(READ))
    async def price_book(self, info: Info, id: strawberry.ID) -> PriceBook | None:
        return await load_price_book(info, maybe_pk(id, "PriceBook"))

    @strawberry.field(
        permission_classes=requires(READ),
        description="Unit prices in a currency, in the order asked: from the price book "
        "given, else the currency's default book, else the list price in that currency. "
        "Inactive and unpriced products are left out.",
    )
    async def product_prices(
        self,
        product_ids: list[strawberry.ID],
        currency: str,
        price_book_id: strawberry.ID | None = None,
    ) -> list[ProductPrice]:
        if len(product_ids) > MAX_PAGE:
            raise bad_input(f"Ask for at most {MAX_PAGE} products at once.")
        if not CURRENCY.match(currency):
            raise bad_input("Use a three-letter currency code such as CNY.")
        book_pk = maybe_pk(price_book_id, "PriceBook")
        if price_book_id is not None and book_pk is None:
            raise ApiError(Code.NOT_FOUND, "No such price book.")
        wanted = [pk for pk in (maybe_pk(gid, "Product") for gid in product_ids) if pk]
        try:
            prices = await unit_prices(wanted, currency, book_pk)
        except PriceBookError as exc:
            raise (
                ApiError(Code.NOT_FOUND, exc.message)
                if exc.code == "NOT_FOUND"
                else bad_input(exc.message)
            ) from exc
        return [ProductPrice.of(prices[pk]) for pk in dict.fromkeys(wanted) if pk in prices]
