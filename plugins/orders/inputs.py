"""GraphQL inputs of the orders plugin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from core.graphql.filters import DateFilter, IDFilter, StringFilter, enum_filter
from core.graphql.money import MoneyInput
from core.graphql.relay import OrderDirection
from plugins.orders.types import OrderStatus, PaymentStatus


@strawberry.input
class OrderLineInput:
    product_id: strawberry.ID
    quantity: Decimal = strawberry.field(description="At most three decimals.")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="From the price book or list price when omitted."
    )
    discount_percent: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)
    description: str | None = None


@strawberry.input(description="An order entered directly, without a quote.")
class CreateOrderInput:
    customer_id: strawberry.ID
    currency: str
    price_book_id: strawberry.ID | None = None
    delivery_date: dt.date | None = None
    notes: str | None = None
    lines: list[OrderLineInput]


@strawberry.input
class CreateOrderFromQuoteInput:
    quote_id: strawberry.ID
    delivery_date: dt.date | None = None
    notes: str | None = None


@strawberry.input(
    description="DRAFT -> CONFIRMED -> FULFILLED -> INVOICED -> PAID -> CLOSED, one step at "
    "a time; CANCELLED from DRAFT or CONFIRMED only, with a reason."
)
class UpdateOrderStatusInput:
    id: strawberry.ID
    status: OrderStatus
    reason: str | None = strawberry.field(default=None, description="Required to cancel.")
    version: int | None = None


@strawberry.input(description="A payment received; the order is PAID once it is covered.")
class RecordOrderPaymentInput:
    id: strawberry.ID
    amount: MoneyInput
    version: int | None = None


@strawberry.input
class UpdateOrderInput:
    id: strawberry.ID
    delivery_date: dt.date | None = None
    notes: str | None = None
    version: int | None = None


@strawberry.input
class OrderFilter:
    number: StringFilter | None = None
    status: enum_filter(OrderStatus) | None = None  # type: ignore[valid-type]
    payment_status: enum_filter(PaymentStatus) | None = None  # type: ignore[valid-type]
    customer: IDFilter | None = None
    owner: IDFilter | None = None
    delivery_date: DateFilter | None = None


@strawberry.enum
class OrderOrderField(Enum):
    CREATED_AT = "created_at"
    NUMBER = "number"
    DELIVERY_DATE = "delivery_date"


@strawberry.input
class OrderOrder:
    field: OrderOrderField
    direction: OrderDirection = OrderDirection.ASC
