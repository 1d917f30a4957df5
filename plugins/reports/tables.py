"""Each report's result as a ReportTable (the rows of its CSV and PDF) with its charts."""

from __future__ import annotations

from typing import Any

from plugins.reports import types as t
from plugins.reports.table import Chart, ChartKind, Column, Kind, ReportTable

TEXT, COUNT, MONEY, RATE, DAYS = Kind.TEXT, Kind.COUNT, Kind.MONEY, Kind.RATE, Kind.DAYS


def _amount(value: t.Money | None) -> Any:
    return value.amount if value is not None else None


def funnel_table(result: t.SalesFunnel, subtitle: str) -> ReportTable:
    columns = [Column("group", "Group", TEXT), Column("step", "Step", TEXT)]
    columns += [
        Column("count", "Count", COUNT),
        Column("amount", "Amount", MONEY),
        Column("conversion", "Step conversion", RATE),
    ]

    def rows_of(group: t.FunnelGroup) -> list[dict[str, Any]]:
        return [
            {
                "group": group.label,
                "step": step.label,
                "count": step.count,
                "amount": _amount(step.amount),
                "conversion": step.conversion_rate,
            }
            for step in group.steps
        ]

    rows = [row for group in result.groups for row in rows_of(group)]
    funnel_rows = [{"step": s.label, "count": s.count} for s in result.total.steps]
    # The total is a row like the groups' (every step of it), not a one-line footer.
    return ReportTable(
        name="salesFunnel",
        title="Sales funnel",
        subtitle=subtitle,
        currency=result.currency,
        columns=columns,
        rows=rows + rows_of(result.total),
        charts=[
            Chart(ChartKind.FUNNEL, "Funnel, all groups", "step", ("count",), rows=funnel_rows)
        ],
    )


def pipeline_table(result: t.PipelineReport, subtitle: str) -> ReportTable:
    return ReportTable(
        name="pipelineByStage",
        title="Pipeline by stage",
        subtitle=subtitle,
        currency=result.currency,
        columns=[
            Column("stage", "Stage", TEXT),
            Column("probability", "Probability %", COUNT),
            Column("count", "Open deals", COUNT),
            Column("amount", "Amount", MONEY),
            Column("weighted", "Weighted amount", MONEY),
        ],
        rows=[
            {
                "stage": s.name,
                "probability": s.probability,
                "count": s.count,
                "amount": s.amount.amount,
                "weighted": s.weighted_amount.amount,
            }
            for s in result.stages
        ],
        totals={
            "stage": "Total",
            "count": result.count,
            "amount": result.amount.amount,
            "weighted": result.weighted_amount.amount,
        },
        charts=[Chart(ChartKind.BARS, "Amount per stage", "stage", ("amount", "weighted"))],
    )


def win_rate_table(result: t.WinRateReport, subtitle: str) -> ReportTable:
    def row(r: t.WinRateRow) -> dict[str, Any]:
        return {
            "label": r.label,
            "won": r.won,
            "lost": r.lost,
            "rate_count": r.win_rate_by_count,
            "rate_amount": r.win_rate_by_amount,
            "won_amount": r.won_amount.amount,
            "lost_amount": r.lost_amount.amount,
            "average": _amount(r.average_won_deal),
        }

    return ReportTable(
        name="winRate",
        title="Win rate",
        subtitle=subtitle,
        currency=result.currency,
        columns=[
            Column("label", result.group_by.value.title(), TEXT),
            Column("won", "Won", COUNT),
            Column("lost", "Lost", COUNT),
            Column("rate_count", "Win rate (count)", RATE),
            Column("rate_amount", "Win rate (amount)", RATE),
            Column("won_amount", "Won amount", MONEY),
            Column("lost_amount", "Lost amount", MONEY),
            Column("average", "Average won deal", MONEY),
        ],
        rows=[row(r) for r in result.rows],
        totals=row(result.total),
        charts=[
            Chart(ChartKind.BARS, "Won and lost amount", "label", ("won_amount", "lost_amount"))
        ],
    )


def forecast_table(result: t.SalesForecast, subtitle: str) -> ReportTable:
    return ReportTable(
        name="salesForecast",
        title="Sales forecast",
        subtitle=subtitle,
        currency=result.currency,
        columns=[
            Column("month", "Month", TEXT),
            Column("closed_won", "Closed won", MONEY),
            Column("commit", "Commit", MONEY),
            Column("best_case", "Best case", MONEY),
            Column("pipeline", "Pipeline", MONEY),
            Column("weighted", "Weighted pipeline", MONEY),
            Column("open_deals", "Open deals", COUNT),
            Column("quota", "Quota", MONEY),
            Column("attainment", "Attainment", RATE),
        ],
        rows=[
            {
                "month": m.month,
                "closed_won": m.closed_won.amount,
                "commit": m.commit.amount,
                "best_case": m.best_case.amount,
                "pipeline": m.pipeline.amount,
                "weighted": m.weighted_pipeline.amount,
                "open_deals": m.open_deals,
                "quota": _amount(m.quota),
                "attainment": m.attainment,
            }
            for m in result.months
        ],
        charts=[
            Chart(
                ChartKind.LINES,
                "Forecast per month",
                "month",
                ("closed_won", "commit", "best_case", "weighted", "quota"),
            )
        ],
    )


def cycle_table(result: t.SalesCycle, subtitle: str, with_leads: bool) -> ReportTable:
    measures = [("close", "Creation to close", lambda r: r.created_to_close)]
    if with_leads:
        measures.insert(0, ("lead", "Lead to won", lambda r: r.lead_to_won))
    columns = [Column("owner", "Owner", TEXT)]
    for key, title, _ in measures:
        columns += [
            Column(f"{key}_count", f"{title}: deals", COUNT),
            Column(f"{key}_mean", f"{title}: mean days", DAYS),
            Column(f"{key}_median", f"{title}: median days", DAYS),
            Column(f"{key}_p90", f"{title}: p90 days", DAYS),
        ]

    def row(r: t.CycleRow) -> dict[str, Any]:
        out: dict[str, Any] = {"owner": r.owner_name}
        for key, _, pick in measures:
            figures = pick(r)
            out.update(
                {
                    f"{key}_count": figures.count,
                    f"{key}_mean": figures.mean_days,
                    f"{key}_median": figures.median_days,
                    f"{key}_p90": figures.p90_days,
                }
            )
        return out

    key = measures[0][0]
    return ReportTable(
        name="salesCycle",
        title="Sales cycle",
        subtitle=subtitle,
        currency=None,
        columns=columns,
        rows=[row(r) for r in result.rows],
        totals=row(result.total),
        charts=[Chart(ChartKind.BARS, "Days per owner", "owner", (f"{key}_median", f"{key}_p90"))],
    )


def leaderboard_table(result: t.Leaderboard, subtitle: str) -> ReportTable:
    columns = [
        Column("rank", "Rank", COUNT),
        Column("name", "Salesperson", TEXT),
        Column("team", "Team", TEXT),
        Column("won_amount", "Won amount", MONEY),
        Column("won_count", "Won deals", COUNT),
        Column("quota", "Quota", MONEY),
        Column("attainment", "Attainment", RATE),
    ]
    columns += [
        Column(f"metric:{m.name}", m.title, MONEY if m.money else COUNT) for m in result.metrics
    ]
    rows = []
    for r in result.rows:
        row: dict[str, Any] = {
            "rank": r.rank,
            "name": r.name,
            "team": r.team or "",
            "won_amount": r.won_amount.amount,
            "won_count": r.won_count,
            "quota": _amount(r.quota),
            "attainment": r.attainment,
        }
        for m, value in zip(result.metrics, r.metrics, strict=True):
            row[f"metric:{m.name}"] = value.value if m.money else int(value.value)
        rows.append(row)
    return ReportTable(
        name="leaderboard",
        title="Leaderboard",
        subtitle=subtitle,
        currency=result.currency,
        columns=columns,
        rows=rows,
        charts=[Chart(ChartKind.BARS, "Won amount and quota", "name", ("won_amount", "quota"))],
    )


def order_revenue_table(result: t.OrderRevenue, subtitle: str) -> ReportTable:
    return ReportTable(
        name="orderRevenue",
        title="Order revenue by month",
        subtitle=subtitle,
        currency=result.currency,
        columns=[
            Column("month", "Month", TEXT),
            Column("orders", "Orders", COUNT),
            Column("ordered", "Ordered", MONEY),
            Column("collected", "Collected", MONEY),
        ],
        rows=[
            {
                "month": m.month,
                "orders": m.orders,
                "ordered": m.ordered_amount.amount,
                "collected": m.collected_amount.amount,
            }
            for m in result.months
        ],
        totals={
            "month": "Total",
            "orders": result.orders,
            "ordered": result.ordered_amount.amount,
            "collected": result.collected_amount.amount,
        },
        charts=[Chart(ChartKind.LINES, "Ordered and collected", "month", ("ordered", "collected"))],
    )


def renewals_table(result: t.RenewalsDue, subtitle: str) -> ReportTable:
    return ReportTable(
        name="renewalsDue",
        title="Contracts due for renewal",
        subtitle=subtitle,
        currency=result.currency,
        columns=[
            Column("month", "Month", TEXT),
            Column("contracts", "Contracts ending", COUNT),
            Column("auto_renew", "Auto-renewing", COUNT),
            Column("value", "Value", MONEY),
        ],
        rows=[
            {
                "month": m.month,
                "contracts": m.contracts,
                "auto_renew": m.auto_renew,
                "value": m.value.amount,
            }
            for m in result.months
        ],
        totals={"month": "Total", "contracts": result.contracts, "value": result.value.amount},
        charts=[Chart(ChartKind.BARS, "Value ending per month", "month", ("value",))],
    )
