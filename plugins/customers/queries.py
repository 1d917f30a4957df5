"""Read side of the customers plugin: lists with filters and ordering, single records."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q, Subquery

from core.graphql.filters import Column, to_q
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from plugins.customers import models
from plugins.customers.inputs import (
    ContactFilter,
    ContactOrder,
    CustomerFilter,
    CustomerOrder,
    TagFilter,
)
from plugins.customers.types import Contact, Customer, load_customer

CUSTOMER_COLUMNS = {"owner": Column("owner_id", "User"), "parent": Column("parent_id", "Customer")}
CONTACT_COLUMNS = {
    "owner": Column("owner_id", "User"),
    "customer": Column("customer_id", "Customer"),
}


def _tags_q(tags: TagFilter) -> Q:
    parts = []
    if tags.has_any:
        parts.append(
            Q(
                id__in=Subquery(
                    models.CustomerTag.filter(tag__in=tags.has_any).values("customer_id")
                )
            )
        )
    for tag in tags.has_all or []:
        parts.append(Q(id__in=Subquery(models.CustomerTag.filter(tag=tag).values("customer_id"))))
    return Q(*parts)


@strawberry.type
class CustomerQueries:
    @strawberry.field(permission_classes=requires("customer.read"))
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: CustomerFilter | None = None,
        order_by: list[CustomerOrder] | None = None,
    ) -> Connection[Customer]:
        queryset = models.Customer.all()
        if filter is not None:
            queryset = queryset.filter(to_q(filter, CUSTOMER_COLUMNS, {"tags": _tags_q}))
        queryset = await info.context.visible(queryset)
        return await paginate(
            queryset,
            order_spec(order_by, [("name", False)]),
            Customer.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires("customer.read"))
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        return await load_customer(info, maybe_pk(id, "Customer"))

    @strawberry.field(permission_classes=requires("contact.read"))
    async def contacts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ContactFilter | None = None,
        order_by: list[ContactOrder] | None = None,
    ) -> Connection[Contact]:
        queryset = models.Contact.all()
        if filter is not None:
            queryset = queryset.filter(to_q(filter, CONTACT_COLUMNS))
        queryset = await info.context.visible(queryset)
        return await paginate(
            queryset,
            order_spec(order_by, [("name", False)]),
            Contact.from_row,
            first,
            after,
            last,
            before,
        )
