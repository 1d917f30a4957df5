"""Read side of the leads plugin: the list with filters and ordering, single leads."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from core.graphql.filters import Column, to_q
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from plugins.leads import models
from plugins.leads.inputs import LeadFilter, LeadOrder, LeadTagFilter
from plugins.leads.service import visible_leads
from plugins.leads.types import Lead

LEAD_COLUMNS = {"owner": Column("owner_id", "User")}


def _tags_q(tags: LeadTagFilter) -> Q:
    parts = []
    if tags.has_any:
        parts.append(
            Q(*(Q(tags_text__contains=f",{t.strip()},") for t in tags.has_any), join_type="OR")
        )
    for tag in tags.has_all or []:
        parts.append(Q(tags_text__contains=f",{tag.strip()},"))
    return Q(*parts)


def _pool_q(in_pool: bool) -> Q:
    return Q(owner_id__isnull=in_pool)


@strawberry.type
class LeadQueries:
    @strawberry.field(
        permission_classes=requires("lead.read"),
        description="Leads you may see (yours, your team's or all, by role) and the pool; "
        "newest first unless ordered.",
    )
    async def leads(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: LeadFilter | None = None,
        order_by: list[LeadOrder] | None = None,
    ) -> Connection[Lead]:
        queryset = models.Lead.all()
        if filter is not None:
            queryset = queryset.filter(
                to_q(filter, LEAD_COLUMNS, {"tags": _tags_q, "in_pool": _pool_q})
            )
        queryset = await visible_leads(info.context, queryset)
        return await paginate(
            queryset,
            order_spec(order_by, [("created_at", True)]),
            Lead.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires("lead.read"))
    async def lead(self, info: Info, id: strawberry.ID) -> Lead | None:
        pk = maybe_pk(id, "Lead")
        if pk is None:
            return None
        return (await Lead.load_nodes(info, [pk])).get(pk)
