"""Order queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.filters import Column, to_q
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from plugins.orders import models
from plugins.orders.inputs import OrderFilter, OrderOrder
from plugins.orders.types import Order

COLUMNS = {"customer": Column("customer_id", "Customer"), "owner": Column("owner_id", "User")}


@strawberry.type
class OrderQueries:
    @strawberry.field(permission_classes=requires("order.read"), description="Newest first.")
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OrderFilter | None = None,
        order_by: list[OrderOrder] | None = None,
    ) -> Connection[Order]:
        queryset = models.Order.all()
        if filter is not None:
            queryset = queryset.filter(to_q(filter, COLUMNS))
        return await paginate(
            await info.context.visible(queryset),
            order_spec(order_by, [("created_at", True)]),
            Order.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires("order.read"))
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        pk = maybe_pk(id, "Order")
        if pk is None:
            return None
        row = await (await info.context.visible(models.Order.filter(id=pk))).first()
        return Order.from_row(row) if row else None
