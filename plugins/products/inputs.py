"""Inputs, filters, orderings and payloads of the products plugin's API."""

from __future__ import annotations

from enum import Enum

import strawberry

from core.graphql.filters import BooleanFilter, DateTimeFilter, DecimalFilter, StringFilter
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserError
from core.graphql.relay import OrderDirection
from plugins.products.types import PriceBook, Product

# -- filters and ordering ------------------------------------------------------------------------


@strawberry.input
class ProductFilter:
    sku: StringFilter | None = strawberry.field(default=None, description="Ignores case.")
    name: StringFilter | None = None
    text: str | None = strawberry.field(
        default=None, description="The name, SKU or description contains this, ignoring case."
    )
    unit: StringFilter | None = None
    active: BooleanFilter | None = None
    tax_category: StringFilter | None = None
    list_price: DecimalFilter | None = strawberry.field(
        default=None,
        description="The list price's amount, whatever its currency: pair it with `currency`.",
    )
    currency: StringFilter | None = strawberry.field(
        default=None, description="The list price's currency."
    )
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    and_: list[ProductFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ProductFilter] | None = strawberry.field(name="or", default=None)
    not_: ProductFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class ProductOrderField(Enum):
    NAME = "name"
    SKU = "sku_key"  # case-insensitive, as SKUs compare
    LIST_PRICE = "list_price"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input
class ProductOrder:
    field: ProductOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class PriceBookFilter:
    name: StringFilter | None = None
    currency: StringFilter | None = None
    is_default: BooleanFilter | None = None
    created_at: DateTimeFilter | None = None
    and_: list[PriceBookFilter] | None = strawberry.field(name="and", default=None)
    or_: list[PriceBookFilter] | None = strawberry.field(name="or", default=None)
    not_: PriceBookFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class PriceBookOrderField(Enum):
    NAME = "name"
    CURRENCY = "currency"
    CREATED_AT = "created_at"


@strawberry.input
class PriceBookOrder:
    field: PriceBookOrderField
    direction: OrderDirection = OrderDirection.ASC


# -- products ------------------------------------------------------------------------------------


@strawberry.input
class CreateProductInput:
    sku: str = strawberry.field(description="Trimmed; unique in the tenant, ignoring case.")
    name: str
    list_price: MoneyInput = strawberry.field(
        description="At most as many decimals as the currency has (JPY none, KWD three)."
    )
    unit: str = "each"
    description: str | None = None
    tax_category: str | None = strawberry.field(
        default=None, description="A code quotes map to a tax rate, such as STANDARD or EXEMPT."
    )
    active: bool = True


@strawberry.input
class UpdateProductInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    list_price: MoneyInput | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    tax_category: str | None = strawberry.UNSET
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="false retires the product: it stays on record but is no longer priced.",
    )


@strawberry.type
class ProductPayload:
    product: Product | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductsPayload:
    products: list[Product] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


# -- price books ---------------------------------------------------------------------------------


@strawberry.input
class CreatePriceBookInput:
    name: str = strawberry.field(description="Unique among the tenant's books in its currency.")
    currency: str = strawberry.field(description="ISO 4217 code; every price in it uses it.")
    description: str | None = None
    is_default: bool = strawberry.field(
        default=False,
        description="Make it its currency's default, in place of the current default.",
    )


@strawberry.input
class UpdatePriceBookInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    is_default: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="true takes the role from the current default of the currency; false "
        "leaves the currency without a default (list prices apply).",
    )


@strawberry.input
class PriceBookPriceInput:
    product_id: strawberry.ID
    unit_price: MoneyInput = strawberry.field(description="In the book's currency.")


@strawberry.input(description="Sets and removes prices of one book; at most 500 in all.")
class SetPriceBookEntriesInput:
    price_book_id: strawberry.ID
    prices: list[PriceBookPriceInput] = strawberry.field(
        default_factory=list, description="Adds these products' prices, or replaces them."
    )
    remove_product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Takes these products out of the book."
    )


@strawberry.type
class PriceBookPayload:
    price_book: PriceBook | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
