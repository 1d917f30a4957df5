"""GraphQL types of the products plugin, and the request-batched loaders other plugins may use
to show a product or price book (a quote line's product, say)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.graphql.amount_filter import amount_q
from core.graphql.filters import Column, DecimalFilter, IDFilter, to_q
from core.graphql.loaders import grouped_by
from core.graphql.money import Money, money_in
from core.graphql.relay import Connection, Node, paginate, to_global_id
from plugins.products import models, pricing

READ = "product.read"


@strawberry.enum(description="Where a unit price comes from.")
class ProductPriceSource(Enum):
    PRICE_BOOK = "PRICE_BOOK"
    LIST_PRICE = "LIST_PRICE"


@strawberry.type(description="A product or service the tenant sells.")
class Product(Node):
    node_model: ClassVar = models.Product
    node_permission: ClassVar = READ
    node_owner_field: ClassVar = None  # the catalogue is the whole tenant's
    row: strawberry.Private[models.Product]
    sku: str = strawberry.field(description="Stock keeping unit: unique in the tenant, any case.")
    name: str
    description: str | None
    unit: str = strawberry.field(description="What a quantity of one is: each, hour, kg, seat.")
    list_price: Money = strawberry.field(
        description="The catalogue price, used where no price book prices the product."
    )
    active: bool = strawberry.field(description="Inactive products are kept but not priced.")
    tax_category: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Product) -> Product:
        return cls(
            id=strawberry.ID(to_global_id("Product", row.id)),
            row=row,
            sku=row.sku,
            name=row.name,
            description=row.description,
            unit=row.unit,
            list_price=money_in(row.list_price, row.currency),
            active=row.active,
            tax_category=row.tax_category,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Its prices in the price books that price it, by book name.")
    async def prices(self, info: Info) -> list[PriceBookEntry]:
        async def batch(ids: list[int]) -> list[list[PriceBookEntry]]:
            rows = await (
                models.PriceBookEntry.filter(product_id__in=ids)
                .select_related("price_book")
                .order_by("price_book__name", "price_book_id")
            )
            return [
                [PriceBookEntry.from_row(r, r.price_book.currency) for r in group]
                for group in grouped_by(rows, "product_id", ids)
            ]

        return await info.context.loader("products.prices", batch).load(self.row.id)


@strawberry.input(description="Entries of a price book whose product or price matches.")
class PriceBookEntryFilter:
    product: IDFilter | None = None
    unit_price: DecimalFilter | None = None


@strawberry.type(description="Prices for some products in one currency.")
class PriceBook(Node):
    node_model: ClassVar = models.PriceBook
    node_permission: ClassVar = READ
    node_owner_field: ClassVar = None
    row: strawberry.Private[models.PriceBook]
    name: str
    currency: str
    description: str | None
    is_default: bool = strawberry.field(
        description="Prices quotes in this currency when they name no book; one per currency."
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.PriceBook) -> PriceBook:
        return cls(
            id=strawberry.ID(to_global_id("PriceBook", row.id)),
            row=row,
            name=row.name,
            currency=row.currency,
            description=row.description,
            is_default=row.is_default,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The products this book prices, in the order they were added.")
    async def entries(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PriceBookEntryFilter | None = None,
    ) -> Connection[PriceBookEntry]:
        queryset = models.PriceBookEntry.filter(price_book_id=self.row.id)
        if filter is not None:
            queryset = queryset.filter(
                to_q(
                    filter,
                    {"product": Column("product_id", "Product")},
                    {"unit_price": lambda f: amount_q("unit_price", f)},
                )
            )
        currency = self.row.currency
        return await paginate(
            queryset,
            [("id", False)],
            lambda row: PriceBookEntry.from_row(row, currency),
            first,
            after,
            last,
            before,
        )


@strawberry.type(description="A product's price in a price book, in the book's currency.")
class PriceBookEntry:
    row: strawberry.Private[models.PriceBookEntry]
    unit_price: Money
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.PriceBookEntry, currency: str) -> PriceBookEntry:
        return cls(
            row=row,
            unit_price=money_in(row.unit_price, currency),
            updated_at=row.updated_at,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await load_product(info, self.row.product_id)

    @strawberry.field
    async def price_book(self, info: Info) -> PriceBook | None:
        return await load_price_book(info, self.row.price_book_id)


@strawberry.type(description="The unit price a quote or order in this currency would use.")
class ProductPrice:
    price: strawberry.Private[pricing.ProductPrice]
    unit_price: Money
    source: ProductPriceSource

    @classmethod
    def of(cls, price: pricing.ProductPrice) -> ProductPrice:
        return cls(
            price=price,
            unit_price=Money(amount=price.amount, currency=price.currency),
            source=ProductPriceSource(price.source),
        )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await load_product(info, self.price.product_id)

    @strawberry.field(description="The book the price comes from; null for a list price.")
    async def price_book(self, info: Info) -> PriceBook | None:
        return await load_price_book(info, self.price.price_book_id)


async def load_product(info: Info, product_id: int | None) -> Product | None:
    """A product of the tenant, inactive ones included, batched across the request; None to
    callers without product.read."""
    if product_id is None:
        return None
    ctx = info.context

    async def batch(ids: list[int]) -> list[Product | None]:
        if not ctx.can(READ):
            return [None] * len(ids)
        rows = {r.id: Product.from_row(r) for r in await models.Product.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return await ctx.loader("products.product", batch).load(product_id)


async def load_price_book(info: Info, price_book_id: int | None) -> PriceBook | None:
    if price_book_id is None:
        return None
    ctx = info.context

    async def batch(ids: list[int]) -> list[PriceBook | None]:
        if not ctx.can(READ):
            return [None] * len(ids)
        rows = {r.id: PriceBook.from_row(r) for r in await models.PriceBook.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return await ctx.loader("products.price_book", batch).load(price_book_id)
