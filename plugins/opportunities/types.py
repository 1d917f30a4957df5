"""GraphQL types of the opportunities plugin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.api.types import User
from core.graphql.loaders import USERS, BatchLoad, grouped_by, load_user
from core.graphql.money import Money, money_in
from core.graphql.relay import Node, to_global_id
from plugins.customers.types import CUSTOMERS, Contact, Customer
from plugins.opportunities import models


@strawberry.enum(description="What reaching a stage means: still open, won or lost.")
class StageKind(Enum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


@strawberry.enum(description="Whether the opportunity is open, won or lost.")
class OpportunityStatus(Enum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


@strawberry.enum(description="The owner's forecast call; CLOSED once won or lost.")
class ForecastCategory(Enum):
    PIPELINE = "PIPELINE"
    BEST_CASE = "BEST_CASE"
    COMMIT = "COMMIT"
    CLOSED = "CLOSED"


@strawberry.type(description="A stage of the tenant's pipeline.")
class PipelineStage:
    id: strawberry.ID
    name: str
    order: int = strawberry.field(description="Position in the pipeline, from 1.")
    probability: int = strawberry.field(description="Chance to win, 0-100, of a deal here.")
    kind: StageKind

    @classmethod
    def from_row(cls, row: models.PipelineStage) -> PipelineStage:
        return cls(
            id=strawberry.ID(to_global_id("PipelineStage", row.id)),
            name=row.name,
            order=row.position,
            probability=row.probability,
            kind=StageKind(row.kind),
        )


async def _fetch_stages(info: Info, ids: list[int]) -> list[PipelineStage | None]:
    rows = {r.id: PipelineStage.from_row(r) for r in await models.PipelineStage.filter(id__in=ids)}
    return [rows.get(i) for i in ids]


# Stages of the tenant by id, batched across the request (None once removed).
STAGES = BatchLoad("opportunities.stage", _fetch_stages)


async def load_stage(info: Info, stage_id: int | None) -> PipelineStage | None:
    return await STAGES.one(info, stage_id)


@strawberry.type(description="The opportunity entering a stage.")
class StageChange:
    row: strawberry.Private[models.StageChange]
    from_stage_name: str | None = strawberry.field(
        description="The stage it left, as it was named then; null when it was created."
    )
    to_stage_name: str
    changed_at: dt.datetime
    days_in_previous_stage: float | None = strawberry.field(
        description="Days spent in the stage it left (two decimals); null when it was created."
    )

    @classmethod
    def from_row(cls, row: models.StageChange) -> StageChange:
        seconds = row.seconds_in_previous
        return cls(
            row=row,
            from_stage_name=row.from_stage_name,
            to_stage_name=row.to_stage_name,
            changed_at=row.changed_at,
            days_in_previous_stage=None if seconds is None else round(seconds / 86400, 2),
        )

    @strawberry.field(description="The stage it left, unless since removed from the pipeline.")
    async def from_stage(self, info: Info) -> PipelineStage | None:
        return await load_stage(info, self.row.from_stage_id)

    @strawberry.field(description="The stage it entered, unless since removed from the pipeline.")
    async def to_stage(self, info: Info) -> PipelineStage | None:
        return await load_stage(info, self.row.to_stage_id)

    @strawberry.field(description="Who moved it.")
    async def changed_by(self, info: Info) -> User | None:
        return await load_user(info, self.row.changed_by_id)


def money(amount: Decimal, currency: str | None) -> Money | None:
    return money_in(amount, currency) if currency else None


@strawberry.type
class Opportunity(Node):
    node_model: ClassVar = models.Opportunity
    node_permission: ClassVar = "opportunity.read"
    row: strawberry.Private[models.Opportunity]
    name: str
    amount: Money | None
    weighted_amount: Money | None = strawberry.field(description="Amount times probability.")
    expected_close_date: dt.date
    status: OpportunityStatus
    probability: int = strawberry.field(
        description="The override when set, else the probability of the stage."
    )
    probability_overridden: bool
    forecast_category: ForecastCategory
    source_lead_id: int | None = strawberry.field(
        description="The lead this opportunity was converted from."
    )
    next_step: str | None
    close_reason: str | None = strawberry.field(description="Why it was won or lost.")
    closed_date: dt.date | None
    stage_entered_at: dt.datetime
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Opportunity) -> Opportunity:
        return cls(
            id=strawberry.ID(to_global_id("Opportunity", row.id)),
            row=row,
            name=row.name,
            amount=money(row.amount, row.currency),
            weighted_amount=money(row.weighted_amount, row.currency),
            expected_close_date=row.expected_close_date,
            status=OpportunityStatus(row.status),
            probability=row.probability,
            probability_overridden=row.probability_override is not None,
            forecast_category=ForecastCategory(row.forecast_category),
            source_lead_id=row.source_lead_id,
            next_step=row.next_step,
            close_reason=row.close_reason,
            closed_date=row.closed_date,
            stage_entered_at=row.stage_entered_at,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    # Plain functions returning the value (prefetched by the page) or an awaitable of it:
    # see core.graphql.loaders.BatchLoad.
    @strawberry.field
    def stage(self, info: Info) -> PipelineStage | None:
        return STAGES.field(info, self.row.stage_id)

    @strawberry.field(description="The customer, when you may see it.")
    def customer(self, info: Info) -> Customer | None:
        return CUSTOMERS.field(info, self.row.customer_id)

    @strawberry.field
    def owner(self, info: Info) -> User | None:
        return USERS.field(info, self.row.owner_id)

    @strawberry.field(description="Contacts involved that you may see, by name.")
    async def contacts(self, info: Info) -> list[Contact]:
        ctx = info.context
        if not ctx.can("contact.read"):
            return []

        async def batch(ids: list[int]) -> list[list[Contact]]:
            from plugins.customers.models import Contact as ContactRow

            links = await models.OpportunityContact.filter(opportunity_id__in=ids)
            visible = await ctx.visible(
                ContactRow.filter(id__in=[link.contact_id for link in links])
            )
            contacts = {c.id: Contact.from_row(c) for c in await visible.order_by("name", "id")}
            return [
                sorted(
                    (contacts[link.contact_id] for link in group if link.contact_id in contacts),
                    key=lambda c: (c.name, c.id),
                )
                for group in grouped_by(links, "opportunity_id", ids)
            ]

        return await ctx.loader("opportunities.contacts", batch).load(self.row.id)

    @strawberry.field(description="Every stage it entered, oldest first.")
    async def stage_history(self, info: Info) -> list[StageChange]:
        async def batch(ids: list[int]) -> list[list[StageChange]]:
            rows = await models.StageChange.filter(opportunity_id__in=ids).order_by(
                "changed_at", "id"
            )
            return [
                [StageChange.from_row(r) for r in g]
                for g in grouped_by(rows, "opportunity_id", ids)
            ]

        return await info.context.loader("opportunities.history", batch).load(self.row.id)
