"""Order mutations."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry
from strawberry.types import Info

from core.graphql.context import mutation_payload
from core.graphql.payloads import UserError
from core.graphql.permissions import requires
from core.graphql.schema_registry import owned_by
from plugins.orders.inputs import (
    CreateOrderFromQuoteInput,
    CreateOrderInput,
    RecordOrderPaymentInput,
    UpdateOrderInput,
    UpdateOrderStatusInput,
)
from plugins.orders.service import create_order, create_order_from_quote
from plugins.orders.types import Order
from plugins.orders.workflow import record_payment, update_order, update_order_status


@strawberry.type
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _order(write: Awaitable[Any]) -> Awaitable[OrderPayload]:
    return mutation_payload(OrderPayload, "order", Order.from_row, write)


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        permission_classes=requires("order.write"),
        description="An order copying an accepted quote's lines and totals exactly; one "
        "order per quote.",
        metadata=owned_by("quotes"),
    )
    async def create_order_from_quote(
        self, info: Info, input: CreateOrderFromQuoteInput
    ) -> OrderPayload:
        return await _order(create_order_from_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("order.write"))
    async def create_order(self, info: Info, input: CreateOrderInput) -> OrderPayload:
        return await _order(create_order(info.context, input))

    @strawberry.mutation(permission_classes=requires("order.write"))
    async def update_order(self, info: Info, input: UpdateOrderInput) -> OrderPayload:
        return await _order(update_order(info.context, input))

    @strawberry.mutation(permission_classes=requires("order.write"))
    async def update_order_status(self, info: Info, input: UpdateOrderStatusInput) -> OrderPayload:
        return await _order(update_order_status(info.context, input))

    @strawberry.mutation(permission_classes=requires("order.write"))
    async def record_order_payment(
        self, info: Info, input: RecordOrderPaymentInput
    ) -> OrderPayload:
        return await _order(record_payment(info.context, input))
