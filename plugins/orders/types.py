"""GraphQL types of the orders plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.api.types import User
from core.graphql.loaders import grouped_by, load_user
from core.graphql.money import Money, money_in
from core.graphql.relay import Node, to_global_id
from core.graphql.schema_registry import owned_by
from plugins.customers.types import Customer, load_customer
from plugins.orders import models
from plugins.products.line_types import PricedLineFields


@strawberry.enum
class OrderStatus(Enum):
    DRAFT = "DRAFT"
    CONFIRMED = "CONFIRMED"
    FULFILLED = "FULFILLED"
    INVOICED = "INVOICED"
    PAID = "PAID"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


@strawberry.enum
class PaymentStatus(Enum):
    UNPAID = "UNPAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"


@strawberry.type(description="One line; amounts rounded to the currency's minor unit.")
class OrderLine(PricedLineFields):
    """A line of an order, as copied from its quote or priced when entered."""


@strawberry.type
class Order(Node):
    node_model: ClassVar = models.Order
    node_permission: ClassVar = "order.read"
    row: strawberry.Private[models.Order]
    number: str
    status: OrderStatus
    payment_status: PaymentStatus
    paid_amount: Money
    currency: str
    subtotal: Money
    discount_total: Money
    tax_total: Money
    grand_total: Money
    delivery_date: dt.date | None
    notes: str | None
    cancel_reason: str | None
    source_quote_id: strawberry.ID | None = strawberry.field(
        description="The accepted quote it was made from.", metadata=owned_by("quotes")
    )
    source_quote_number: str | None = strawberry.field(metadata=owned_by("quotes"))
    confirmed_at: dt.datetime | None
    fulfilled_at: dt.datetime | None
    invoiced_at: dt.datetime | None
    paid_at: dt.datetime | None
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Order) -> Order:
        c = row.currency
        return cls(
            id=strawberry.ID(to_global_id("Order", row.id)),
            row=row,
            number=row.number,
            status=OrderStatus(row.status),
            payment_status=PaymentStatus(row.payment_status),
            paid_amount=money_in(row.paid_amount, c),
            currency=c,
            subtotal=money_in(row.subtotal, c),
            discount_total=money_in(row.discount_total, c),
            tax_total=money_in(row.tax_total, c),
            grand_total=money_in(row.grand_total, c),
            delivery_date=row.delivery_date,
            notes=row.notes,
            cancel_reason=row.cancel_reason,
            source_quote_id=(
                strawberry.ID(to_global_id("Quote", row.source_quote_id))
                if row.source_quote_id
                else None
            ),
            source_quote_number=row.source_quote_number,
            confirmed_at=row.confirmed_at,
            fulfilled_at=row.fulfilled_at,
            invoiced_at=row.invoiced_at,
            paid_at=row.paid_at,
            closed_at=row.closed_at,
            cancelled_at=row.cancelled_at,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.customer_id)

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        async def batch(ids: list[int]) -> list[list[models.OrderLine]]:
            rows = await models.OrderLine.filter(order_id__in=ids).order_by("position")
            return grouped_by(rows, "order_id", ids)

        rows = await info.context.loader("orders.lines", batch).load(self.row.id)
        return [OrderLine.from_row(r, self.row.currency) for r in rows]
