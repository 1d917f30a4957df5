"""Fields the quotes plugin adds to the customers plugin's Customer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.loaders import grouped_by
from plugins.quotes import models
from plugins.quotes.types import Quote


@strawberry.type
class CustomerQuotes:
    @strawberry.field(
        description="Current quotes (not replaced revisions) with this customer you may see, "
        "newest first (added by quotes)."
    )
    async def quotes(self, info: Info) -> list[Quote]:
        ctx = info.context
        if not ctx.can("quote.read"):
            return []

        async def batch(ids: list[int]) -> list[list[Quote]]:
            queryset = models.Quote.filter(customer_id__in=ids).exclude(status=models.SUPERSEDED)
            rows = await (await ctx.visible(queryset)).order_by("-created_at", "-id")
            return [[Quote.from_row(r) for r in g] for g in grouped_by(rows, "customer_id", ids)]

        return await ctx.loader("quotes.by_customer", batch).load(self.row.id)  # type: ignore[attr-defined]
