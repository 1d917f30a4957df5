"""The reports as GraphQL fields. Each is visible only to tenants that enabled the plugins it
reads (`owned_by`), requires `report.read` plus the right to read that data, and covers the
records the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from core.graphql.errors import bad_input
from core.graphql.permissions import requires
from core.graphql.schema_registry import owned_by
from plugins.reports import arguments as a
from plugins.reports.catalog import run_report
from plugins.reports.types import (
    FunnelGroupBy,
    Leaderboard,
    OrderRevenue,
    PipelineReport,
    RenewalsDue,
    SalesCycle,
    SalesForecast,
    SalesFunnel,
    WinRateGroupBy,
    WinRateReport,
)

From = Annotated[dt.date, strawberry.argument(name="from", description="First day, inclusive.")]
To = Annotated[dt.date, strawberry.argument(description="Last day, inclusive.")]
Currency = Annotated[
    str | None,
    strawberry.argument(description="Sum amounts in this currency (default: the tenant's)."),
]
READ = requires("report.read")


async def _run(info: Info, name: str, currency: str | None, **arguments: Any) -> Any:
    try:
        return await run_report(info.context, name, currency, **arguments)
    except a.ReportArgumentError as exc:
        raise bad_input(exc.message) from exc


def _period(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    try:
        first, last = a.period(start, end)
    except a.ReportArgumentError as exc:
        raise bad_input(exc.message) from exc
    return {"start": first, "end": last}


def _months(months: int) -> int:
    try:
        return a.month_count(months)
    except a.ReportArgumentError as exc:
        raise bad_input(exc.message) from exc


@strawberry.type
class ReportQueries:
    @strawberry.field(permission_classes=READ, metadata=owned_by("leads", "opportunities"))
    async def sales_funnel(
        self,
        info: Info,
        from_: From,
        to: To,
        group_by: FunnelGroupBy = FunnelGroupBy.PERIOD,
        currency: Currency = None,
    ) -> SalesFunnel:
        return await _run(info, "salesFunnel", currency, **_period(from_, to), group_by=group_by)

    @strawberry.field(permission_classes=READ, metadata=owned_by("opportunities"))
    async def pipeline_by_stage(self, info: Info, currency: Currency = None) -> PipelineReport:
        return await _run(info, "pipelineByStage", currency)

    @strawberry.field(permission_classes=READ, metadata=owned_by("opportunities"))
    async def win_rate(
        self,
        info: Info,
        group_by: WinRateGroupBy,
        from_: From,
        to: To,
        currency: Currency = None,
    ) -> WinRateReport:
        return await _run(info, "winRate", currency, **_period(from_, to), group_by=group_by)

    @strawberry.field(
        permission_classes=READ,
        metadata=owned_by("opportunities"),
        description=f"This month and the next ones, {a.MAX_MONTHS} at most.",
    )
    async def sales_forecast(
        self, info: Info, months: int = 6, currency: Currency = None
    ) -> SalesForecast:
        return await _run(info, "salesForecast", currency, months=_months(months))

    @strawberry.field(permission_classes=READ, metadata=owned_by("opportunities"))
    async def sales_cycle(self, info: Info, from_: From, to: To) -> SalesCycle:
        return await _run(info, "salesCycle", None, **_period(from_, to))

    @strawberry.field(permission_classes=READ, metadata=owned_by("opportunities"))
    async def leaderboard(
        self, info: Info, from_: From, to: To, currency: Currency = None
    ) -> Leaderboard:
        return await _run(info, "leaderboard", currency, **_period(from_, to))

    @strawberry.field(
        permission_classes=READ,
        metadata=owned_by("orders"),
        description="Orders booked (by confirmation) and collected (by payment) per month.",
    )
    async def order_revenue(
        self, info: Info, from_: From, to: To, currency: Currency = None
    ) -> OrderRevenue:
        return await _run(info, "orderRevenue", currency, **_period(from_, to))

    @strawberry.field(permission_classes=READ, metadata=owned_by("contracts"))
    async def renewals_due(
        self, info: Info, months: int = 12, currency: Currency = None
    ) -> RenewalsDue:
        return await _run(info, "renewalsDue", currency, months=_months(months))
