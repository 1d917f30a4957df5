"""Every built-in report in one place: which plugins and permissions it needs, how it reads
its export arguments, how it is computed and how it becomes a table. GraphQL fields and the
CSV/PDF exports both run reports through `run_report`, so both check the same things."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.graphql.context import RequestContext
from core.graphql.errors import ApiError, Code
from core.manifest import ReportMetric
from plugins.reports import arguments as a
from plugins.reports import tables
from plugins.reports.cycle import sales_cycle
from plugins.reports.forecast import sales_forecast
from plugins.reports.funnel import sales_funnel
from plugins.reports.leaderboard import leaderboard
from plugins.reports.pipeline import pipeline_by_stage
from plugins.reports.revenue import order_revenue, renewals_due
from plugins.reports.scope import report_scope
from plugins.reports.sql import ReportScope
from plugins.reports.table import ReportTable
from plugins.reports.types import FunnelGroupBy, WinRateGroupBy
from plugins.reports.win_rate import GROUPING_NEEDS, win_rate

Compute = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    needs: tuple[str, ...]  # plugins the tenant must have enabled
    permissions: tuple[str, ...]  # besides report.read: the right to read the data
    parse: Callable[[Mapping[str, str]], dict[str, Any]]  # export query string -> arguments
    compute: Compute  # (ctx, scope, **arguments) -> result
    table: Callable[[Any, dict[str, Any]], ReportTable]  # (result, arguments) -> table


def _period_words(args: Mapping[str, Any]) -> str:
    return f"{args['start']:%Y-%m-%d} to {args['end']:%Y-%m-%d}"


def _by(args: Mapping[str, Any]) -> str:
    return f"{_period_words(args)}, by {args['group_by'].value.lower()}"


async def _funnel(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await sales_funnel(scope, k["start"], k["end"], k["group_by"])


async def _pipeline(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await pipeline_by_stage(scope)


async def _win_rate(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    group_by = k["group_by"]
    for plugin in GROUPING_NEEDS.get(group_by, ()):
        if plugin not in ctx.enabled:
            raise a.ReportArgumentError(
                "groupBy", f"Grouping by {group_by.value} needs the {plugin} module."
            )
    return await win_rate(scope, group_by, k["start"], k["end"])


def with_leads(ctx: RequestContext) -> bool:
    return "leads" in ctx.enabled and ctx.can("lead.read")


async def _cycle(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await sales_cycle(scope, k["start"], k["end"], with_leads(ctx))


def visible_metrics(ctx: RequestContext) -> list[ReportMetric]:
    """Metrics of the tenant's enabled plugins that the caller's role may read."""
    return [
        metric
        for _, metric in ctx.runtime.host.collect_list("register_report_metrics", only=ctx.enabled)
        if ctx.can(metric.permission)
    ]


async def _leaderboard(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await leaderboard(scope, k["start"], k["end"], visible_metrics(ctx))


async def _forecast(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await sales_forecast(scope, k["months"])


async def _order_revenue(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await order_revenue(scope, k["start"], k["end"])


async def _renewals(ctx: RequestContext, scope: ReportScope, **k: Any) -> Any:
    return await renewals_due(scope, k["months"])


def _months(query: Mapping[str, str]) -> dict[str, Any]:
    return {"months": a.month_count(a.query_int(query, "months", 6))}


def _grouped(enum: type, default: Any) -> Callable[[Mapping[str, str]], dict[str, Any]]:
    def parse(query: Mapping[str, str]) -> dict[str, Any]:
        return {
            **a.query_period(query),
            "group_by": a.query_choice(query, "groupBy", enum, default),
        }

    return parse


OPPORTUNITY = ("opportunity.read",)
REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "salesFunnel",
            ("leads", "opportunities"),
            ("lead.read", "opportunity.read"),
            _grouped(FunnelGroupBy, FunnelGroupBy.PERIOD),
            _funnel,
            lambda r, k: tables.funnel_table(r, _by(k)),
        ),
        ReportSpec(
            "pipelineByStage",
            ("opportunities",),
            OPPORTUNITY,
            lambda query: {},
            _pipeline,
            lambda r, k: tables.pipeline_table(r, "Open deals now"),
        ),
        ReportSpec(
            "winRate",
            ("opportunities",),
            OPPORTUNITY,
            _grouped(WinRateGroupBy, WinRateGroupBy.OWNER),
            _win_rate,
            lambda r, k: tables.win_rate_table(r, _by(k)),
        ),
        ReportSpec(
            "salesForecast",
            ("opportunities",),
            OPPORTUNITY,
            _months,
            _forecast,
            lambda r, k: tables.forecast_table(r, f"The next {k['months']} months"),
        ),
        ReportSpec(
            "salesCycle",
            ("opportunities",),
            OPPORTUNITY,
            a.query_period,
            _cycle,
            lambda r, k: tables.cycle_table(r, _period_words(k), k["with_leads"]),
        ),
        ReportSpec(
            "leaderboard",
            ("opportunities",),
            OPPORTUNITY,
            a.query_period,
            _leaderboard,
            lambda r, k: tables.leaderboard_table(r, _period_words(k)),
        ),
        ReportSpec(
            "orderRevenue",
            ("orders",),
            ("order.read",),
            a.query_period,
            _order_revenue,
            lambda r, k: tables.order_revenue_table(r, _period_words(k)),
        ),
        ReportSpec(
            "renewalsDue",
            ("contracts",),
            ("contract.read",),
            _months,
            _renewals,
            lambda r, k: tables.renewals_table(r, f"The next {k['months']} months"),
        ),
    )
}


def check_access(ctx: RequestContext, spec: ReportSpec) -> None:
    """The tenant runs the plugins the report reads and the caller may read their data."""
    missing = [p for p in spec.needs if p not in ctx.enabled]
    if missing:
        raise ApiError(
            Code.MODULE_DISABLED,
            f"The report '{spec.name}' needs the module(s) {', '.join(missing)}.",
        )
    ctx.require("report.read")
    for permission in spec.permissions:
        ctx.require(permission)


async def run_report(
    ctx: RequestContext, name: str, currency: str | None = None, **arguments: Any
) -> Any:
    """The report's result for the caller; ReportArgumentError for a bad argument."""
    spec = REPORTS[name]
    check_access(ctx, spec)
    return await _compute(ctx, spec, currency, arguments)


async def report_table(ctx: RequestContext, name: str, query: Mapping[str, str]) -> ReportTable:
    """The report named in an export URL, computed from its query string, as a table.

    Access is checked before the arguments, so a caller who may not see the report learns
    nothing from how its arguments are judged."""
    spec = REPORTS[name]
    check_access(ctx, spec)
    arguments = spec.parse(query)
    result = await _compute(ctx, spec, query.get("currency"), arguments)
    return spec.table(result, {**arguments, "with_leads": with_leads(ctx)})


async def _compute(
    ctx: RequestContext, spec: ReportSpec, currency: str | None, arguments: dict[str, Any]
) -> Any:
    scope = await report_scope(ctx, a.currency(currency))
    return await spec.compute(ctx, scope, **arguments)
