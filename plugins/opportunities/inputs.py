"""Inputs, filters, orderings and payloads of the opportunities plugin's API."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from core.graphql.filters import (
    DateFilter,
    DateTimeFilter,
    DecimalFilter,
    IDFilter,
    IntFilter,
    StringFilter,
    enum_filter,
)
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserError
from core.graphql.relay import OrderDirection
from plugins.opportunities.types import (
    ForecastCategory,
    Opportunity,
    OpportunityStatus,
    PipelineStage,
    StageKind,
)


@strawberry.input
class OpportunityFilter:
    name: StringFilter | None = None
    stage: IDFilter | None = None
    owner: IDFilter | None = None
    customer: IDFilter | None = None
    amount: DecimalFilter | None = strawberry.field(
        default=None, description="Opportunities without an amount count as 0."
    )
    currency: StringFilter | None = None
    expected_close_date: DateFilter | None = None
    closed_date: DateFilter | None = None
    forecast_category: enum_filter(ForecastCategory) | None = None  # type: ignore[valid-type]
    status: enum_filter(OpportunityStatus) | None = None  # type: ignore[valid-type]
    source_lead_id: IntFilter | None = None
    created_at: DateTimeFilter | None = None
    and_: list[OpportunityFilter] | None = strawberry.field(name="and", default=None)
    or_: list[OpportunityFilter] | None = strawberry.field(name="or", default=None)
    not_: OpportunityFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class OpportunityOrderField(Enum):
    NAME = "name"
    AMOUNT = "amount"
    EXPECTED_CLOSE_DATE = "expected_close_date"
    CREATED_AT = "created_at"


@strawberry.input
class OpportunityOrder:
    field: OpportunityOrderField
    direction: OrderDirection = OrderDirection.ASC


# -- pipeline ------------------------------------------------------------------------------------


@strawberry.input
class PipelineStageInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing stage to keep (renamed or changed); omit for new."
    )
    name: str
    probability: int = strawberry.field(description="0-100; a WON stage is 100, a LOST one 0.")
    kind: StageKind = StageKind.OPEN


@strawberry.input(
    description="The whole pipeline, in order. Rules: 1 to 20 open stages, exactly one WON "
    "and one LOST stage, names unique (ignoring case); a stage left out is removed, which is "
    "refused while opportunities sit in it, and so is changing the kind of such a stage."
)
class UpdatePipelineStagesInput:
    stages: list[PipelineStageInput]


@strawberry.type
class PipelineStagesPayload:
    stages: list[PipelineStage] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


# -- opportunities -------------------------------------------------------------------------------


@strawberry.input
class CreateOpportunityInput:
    name: str
    customer_id: strawberry.ID
    contact_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Contacts of that customer."
    )
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to you.")
    amount: MoneyInput | None = None
    expected_close_date: dt.date | None = strawberry.field(
        default=None, description="Defaults to 90 days from today."
    )
    stage: strawberry.ID | None = strawberry.field(
        default=None, description="An open stage; defaults to the first one."
    )
    probability: int | None = strawberry.field(
        default=None, description="0-100, overriding the stage's probability."
    )
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    next_step: str | None = None


@strawberry.input
class UpdateOpportunityInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    name: str | None = strawberry.UNSET
    customer_id: strawberry.ID | None = strawberry.UNSET
    contact_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the contacts."
    )
    owner_id: strawberry.ID | None = strawberry.UNSET
    amount: MoneyInput | None = strawberry.UNSET
    expected_close_date: dt.date | None = strawberry.UNSET
    probability: int | None = strawberry.field(
        default=strawberry.UNSET, description="null goes back to the stage's probability."
    )
    forecast_category: ForecastCategory | None = strawberry.UNSET
    next_step: str | None = strawberry.UNSET


@strawberry.input
class MoveOpportunityInput:
    id: strawberry.ID
    stage: strawberry.ID = strawberry.field(
        description="An open stage; use closeOpportunity to win or lose."
    )
    version: int | None = None


@strawberry.input
class CloseOpportunityInput:
    id: strawberry.ID
    won: bool
    reason: str | None = strawberry.field(default=None, description="Required when lost.")
    close_date: dt.date | None = strawberry.field(default=None, description="Defaults to today.")
    amount: MoneyInput | None = strawberry.field(default=None, description="The final amount.")
    version: int | None = None


@strawberry.input
class ReopenOpportunityInput:
    id: strawberry.ID
    stage: strawberry.ID | None = strawberry.field(
        default=None, description="An open stage; defaults to the last open stage it was in."
    )
    version: int | None = None


@strawberry.input
class DeleteOpportunityInput:
    id: strawberry.ID


@strawberry.type
class OpportunityPayload:
    opportunity: Opportunity | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OpportunitiesPayload:
    opportunities: list[Opportunity] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteOpportunityPayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
