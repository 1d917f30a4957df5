"""Quote queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.filters import Column, to_q
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from plugins.quotes import models
from plugins.quotes.inputs import QuoteFilter, QuoteOrder
from plugins.quotes.service import quote_settings
from plugins.quotes.types import Quote, QuoteSettings

COLUMNS = {
    "customer": Column("customer_id", "Customer"),
    "opportunity": Column("opportunity_id", "Opportunity"),
    "owner": Column("owner_id", "User"),
}


@strawberry.type
class QuoteQueries:
    @strawberry.field(
        permission_classes=requires("quote.read"),
        description="Quotes you may see, newest first; replaced revisions only on request.",
    )
    async def quotes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: QuoteFilter | None = None,
        order_by: list[QuoteOrder] | None = None,
    ) -> Connection[Quote]:
        queryset = models.Quote.all()
        if filter is None or not filter.include_superseded:
            queryset = queryset.exclude(status=models.SUPERSEDED)
        if filter is not None:
            queryset = queryset.filter(to_q(filter, COLUMNS, {"include_superseded": _no_filter}))
        queryset = await info.context.visible(queryset)
        return await paginate(
            queryset,
            order_spec(order_by, [("created_at", True)]),
            Quote.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires("quote.read"))
    async def quote(self, info: Info, id: strawberry.ID) -> Quote | None:
        pk = maybe_pk(id, "Quote")
        if pk is None:
            return None
        row = await (await info.context.visible(models.Quote.filter(id=pk))).first()
        return Quote.from_row(row) if row else None

    @strawberry.field(permission_classes=requires("quote.read"))
    async def quote_settings(self) -> QuoteSettings:
        return QuoteSettings.from_row(await quote_settings())


def _no_filter(_: object) -> object:
    from tortoise.expressions import Q

    return Q()
