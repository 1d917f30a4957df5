"""Fields the opportunities plugin adds to the customers plugin's Customer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.loaders import grouped_by
from plugins.opportunities import models
from plugins.opportunities.types import Opportunity, OpportunityStatus


@strawberry.type
class CustomerOpportunities:
    @strawberry.field(
        description="Opportunities with this customer you may see, newest first "
        "(added by opportunities)."
    )
    async def opportunities(
        self, info: Info, status: OpportunityStatus | None = None
    ) -> list[Opportunity]:
        ctx = info.context
        if not ctx.can("opportunity.read"):
            return []

        async def batch(ids: list[int]) -> list[list[Opportunity]]:
            queryset = models.Opportunity.filter(customer_id__in=ids)
            if status is not None:
                queryset = queryset.filter(status=status.value)
            rows = await (await ctx.visible(queryset)).order_by("-created_at", "-id")
            return [
                [Opportunity.from_row(r) for r in g] for g in grouped_by(rows, "customer_id", ids)
            ]

        key = ("opportunities.by_customer", status)
        return await ctx.loader(key, batch).load(self.row.id)  # type: ignore[attr-defined]
