"""The GraphQL shapes of the reports. Amounts are in the report's currency (one per report:
deals in other currencies count in counts but add no amount, nothing is converted); rates
are fractions (0.25 is 25%), null where their base is zero."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from core.graphql.money import Money
from core.graphql.schema_registry import owned_by


@strawberry.enum(description="How salesFunnel groups leads: by month created, source or owner.")
class FunnelGroupBy(Enum):
    PERIOD = "PERIOD"
    SOURCE = "SOURCE"
    OWNER = "OWNER"


@strawberry.enum
class FunnelStepName(Enum):
    LEADS_CREATED = "LEADS_CREATED"
    QUALIFIED = "QUALIFIED"
    CONVERTED = "CONVERTED"
    OPPORTUNITIES = "OPPORTUNITIES"
    WON = "WON"


@strawberry.type
class FunnelStep:
    step: FunnelStepName
    label: str
    count: int
    amount: Money | None = strawberry.field(
        description="The deals' amount (opportunity steps only)."
    )
    conversion_rate: float | None = strawberry.field(
        description="count / the previous step's count; null for the first step."
    )


@strawberry.type
class FunnelGroup:
    key: str
    label: str
    steps: list[FunnelStep]


@strawberry.type(
    description="Leads created in the period and how far they went: qualified (or beyond), "
    "converted, with an opportunity, won."
)
class SalesFunnel:
    currency: str
    group_by: FunnelGroupBy
    groups: list[FunnelGroup]
    total: FunnelGroup


@strawberry.type
class StageFigures:
    stage_id: strawberry.ID
    name: str
    probability: int
    count: int
    amount: Money
    weighted_amount: Money


@strawberry.type(description="Open deals per open stage of the pipeline, in pipeline order.")
class PipelineReport:
    currency: str
    stages: list[StageFigures]
    count: int
    amount: Money
    weighted_amount: Money


@strawberry.enum
class WinRateGroupBy(Enum):
    OWNER = "OWNER"
    TEAM = "TEAM"
    PRODUCT = "PRODUCT"
    SOURCE = "SOURCE"


@strawberry.type
class WinRateRow:
    key: str
    label: str
    won: int
    lost: int
    win_rate_by_count: float | None
    win_rate_by_amount: float | None
    won_amount: Money
    lost_amount: Money
    average_won_deal: Money | None


@strawberry.type(description="Deals closed in the period, won against lost.")
class WinRateReport:
    currency: str
    group_by: WinRateGroupBy
    rows: list[WinRateRow]
    total: WinRateRow


@strawberry.type
class ForecastMonth:
    month: str = strawberry.field(description="YYYY-MM")
    closed_won: Money
    commit: Money = strawberry.field(description="Open deals forecast as COMMIT.")
    best_case: Money = strawberry.field(description="Open deals forecast COMMIT or BEST_CASE.")
    pipeline: Money = strawberry.field(description="Every open deal expected to close.")
    weighted_pipeline: Money = strawberry.field(description="Open deals x probability.")
    open_deals: int
    quota: Money | None
    attainment: float | None = strawberry.field(description="closedWon / quota.")


@strawberry.type(description="Per month of expected close, from this month on.")
class SalesForecast:
    currency: str
    months: list[ForecastMonth]


@strawberry.type
class CycleFigures:
    count: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None


@strawberry.type
class CycleRow:
    owner_id: strawberry.ID | None
    owner_name: str
    lead_to_won: CycleFigures = strawberry.field(
        metadata=owned_by("leads"),
        description="From the lead's creation to the won close, deals won in the period.",
    )
    created_to_close: CycleFigures = strawberry.field(
        description="From the deal's creation to its close (won or lost) in the period."
    )


@strawberry.type(description="How long deals take, by owner (percentiles interpolate).")
class SalesCycle:
    rows: list[CycleRow]
    total: CycleRow


@strawberry.type
class MetricValue:
    name: str
    value: Decimal


@strawberry.type(description="A figure a plugin contributes to the leaderboard.")
class MetricInfo:
    name: str
    title: str
    money: bool


@strawberry.type
class LeaderboardRow:
    rank: int
    user_id: strawberry.ID
    name: str
    team: str | None
    won_amount: Money
    won_count: int
    activities_logged: int | None = strawberry.field(
        metadata=owned_by("activities"),
        description="Calls, meetings and notes logged and tasks completed in the period.",
    )
    quota: Money | None
    attainment: float | None
    metrics: list[MetricValue] = strawberry.field(
        description="Every contributed metric, in Leaderboard.metrics order."
    )


@strawberry.type(description="Salespeople you may see, ranked by won amount in the period.")
class Leaderboard:
    currency: str
    metrics: list[MetricInfo]
    rows: list[LeaderboardRow]


@strawberry.type
class RevenueMonth:
    month: str
    orders: int = strawberry.field(description="Orders confirmed in the month (not cancelled).")
    ordered_amount: Money
    collected_amount: Money = strawberry.field(description="Paid on orders fully paid then.")


@strawberry.type
class OrderRevenue:
    currency: str
    months: list[RevenueMonth]
    orders: int
    ordered_amount: Money
    collected_amount: Money


@strawberry.type
class RenewalMonth:
    month: str
    contracts: int
    value: Money
    auto_renew: int


@strawberry.type(description="Active contracts ending per month, from this month on.")
class RenewalsDue:
    currency: str
    months: list[RenewalMonth]
    contracts: int
    value: Money
