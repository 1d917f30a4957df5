"""Read side of the opportunities plugin: the pipeline, lists, single records, the board."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from core.graphql.amount_filter import amount_q
from core.graphql.filters import Column, to_q
from core.graphql.loaders import USERS
from core.graphql.money import Money, money_in
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from core.graphql.selection import selected_below
from core.money import StoredSum, from_stored
from plugins.customers.types import CUSTOMERS
from plugins.opportunities import models
from plugins.opportunities.inputs import OpportunityFilter, OpportunityOrder
from plugins.opportunities.models import OPEN
from plugins.opportunities.service import stage_by_gid, stages
from plugins.opportunities.types import STAGES, Opportunity, PipelineStage

COLUMNS = {
    "owner": Column("owner_id", "User"),
    "customer": Column("customer_id", "Customer"),
    "stage": Column("stage_id", "PipelineStage"),
}
# Amount bounds between two storable amounts (9.9995) must not reach AmountField raw.
AMOUNTS = {"amount": lambda condition: amount_q("amount", condition)}


async def visible_opportunities(info: Info, filter: OpportunityFilter | None) -> QuerySet:
    queryset = models.Opportunity.all()
    if filter is not None:
        queryset = queryset.filter(to_q(filter, COLUMNS, AMOUNTS))
    return await info.context.visible(queryset)


async def prefetch_related(info: Info, rows: list[models.Opportunity]) -> None:
    """Load the stages, customers and owners a page of deals shows in one query each, before
    its nodes are resolved, so those fields answer without waiting (see BatchLoad)."""
    wanted = selected_below(info, ("edges", "node"))
    for field, load, column in (
        ("stage", STAGES, "stage_id"),
        ("customer", CUSTOMERS, "customer_id"),
        ("owner", USERS, "owner_id"),
    ):
        if field in wanted:
            await load.prefetch(info, [getattr(row, column) for row in rows])


async def load_opportunity(info: Info, pk: int | None) -> Opportunity | None:
    if pk is None:
        return None
    row = await (await info.context.visible(models.Opportunity.filter(id=pk))).first()
    return Opportunity.from_row(row) if row else None


@strawberry.type(description="Sums of one currency in a board column.")
class ColumnTotal:
    amount: Money
    weighted_amount: Money = strawberry.field(description="Sum of amount x probability / 100.")


@strawberry.type(description="One stage of the board with its deals.")
class PipelineColumn:
    stage: PipelineStage
    count: int = strawberry.field(description="Deals in this stage (with or without an amount).")
    totals: list[ColumnTotal] = strawberry.field(
        description="Per currency, by currency code; deals without an amount add nothing."
    )
    queryset: strawberry.Private[QuerySet]

    @strawberry.field(description="The deals in this stage, by expected close date.")
    async def opportunities(
        self, first: int | None = None, after: str | None = None
    ) -> Connection[Opportunity]:
        return await paginate(
            self.queryset,
            [("expected_close_date", False), ("id", False)],
            Opportunity.from_row,
            first,
            after,
        )


@strawberry.type(description="The kanban view of the pipeline.")
class PipelineBoard:
    columns: list[PipelineColumn]


@strawberry.type
class OpportunityQueries:
    @strawberry.field(
        permission_classes=requires("opportunity.read"),
        description="The tenant's pipeline in order (a default one until an admin changes it).",
    )
    async def pipeline_stages(self, info: Info) -> list[PipelineStage]:
        return [PipelineStage.from_row(r) for r in await stages(info.context)]

    @strawberry.field(permission_classes=requires("opportunity.read"))
    async def opportunities(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OpportunityFilter | None = None,
        order_by: list[OpportunityOrder] | None = None,
    ) -> Connection[Opportunity]:
        queryset = await visible_opportunities(info, filter)
        page = await paginate(
            queryset,
            order_spec(order_by, [("created_at", True)]),
            Opportunity.from_row,
            first,
            after,
            last,
            before,
        )
        await prefetch_related(info, [edge.node.row for edge in page.edges])
        return page

    @strawberry.field(permission_classes=requires("opportunity.read"))
    async def opportunity(self, info: Info, id: strawberry.ID) -> Opportunity | None:
        return await load_opportunity(info, maybe_pk(id, "Opportunity"))

    @strawberry.field(
        permission_classes=requires("opportunity.read"),
        description="Deals you may see grouped by stage: open stages in order, then won and "
        "lost with includeClosed. Totals are computed per currency, never converted.",
    )
    async def pipeline_board(
        self,
        info: Info,
        filter: OpportunityFilter | None = None,
        include_closed: bool = False,
        stages_: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(name="stages", description="Only these columns."),
        ] = None,
    ) -> PipelineBoard:
        pipeline = await stages(info.context)
        shown = [s for s in pipeline if include_closed or s.kind == OPEN]
        if stages_ is not None:
            wanted = {s.id for s in (stage_by_gid(pipeline, g) for g in stages_) if s}
            shown = [s for s in shown if s.id in wanted]
        queryset = await visible_opportunities(info, filter)
        sums = (
            await queryset.filter(stage_id__in=[s.id for s in shown])
            .annotate(
                n=Count("id"), total=StoredSum("amount"), weighted=StoredSum("weighted_amount")
            )
            .group_by("stage_id", "currency")
            .values("stage_id", "currency", "n", "total", "weighted")
        )
        counts: dict[int, int] = defaultdict(int)
        totals: dict[int, list[ColumnTotal]] = defaultdict(list)
        for item in sorted(sums, key=lambda r: r["currency"] or ""):
            counts[item["stage_id"]] += item["n"]
            if item["currency"]:
                totals[item["stage_id"]].append(
                    ColumnTotal(
                        amount=_money(item["total"], item["currency"]),
                        weighted_amount=_money(item["weighted"], item["currency"]),
                    )
                )
        return PipelineBoard(
            columns=[
                PipelineColumn(
                    stage=PipelineStage.from_row(s),
                    count=counts[s.id],
                    totals=totals[s.id],
                    queryset=queryset.filter(stage_id=s.id),
                )
                for s in shown
            ]
        )


def _money(stored: int | Decimal | None, currency: str) -> Money:
    return money_in(from_stored(stored), currency)
