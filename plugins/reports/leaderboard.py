"""leaderboard: salespeople the caller may see, ranked by what they won in the period, with
their quota attainment and every metric plugins contribute (`register_report_metrics`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.graphql.relay import to_global_id
from core.manifest import ReportMetric
from core.money import from_stored
from plugins.reports.figures import money, rate
from plugins.reports.sql import ReportScope, Statement, add_months, start_of_day
from plugins.reports.types import Leaderboard, LeaderboardRow, MetricInfo, MetricValue

ACTIVITIES_LOGGED = "activitiesLogged"


async def _people(scope: ReportScope) -> list[dict[str, Any]]:
    s = Statement(scope)
    return await s.rows(
        f"""
        SELECT u.id, u.name, m.team FROM core_membership m
        JOIN core_user u ON u.id = m.user_id
        WHERE {s.scope("m", "user_id")} AND m.is_active = {s.param(True)}
        """
    )


async def _won(scope: ReportScope, start: dt.date, end: dt.date) -> dict[int, dict]:
    s = Statement(scope)
    rows = await s.rows(
        f"""
        SELECT o.owner_id, COUNT(*) AS won_count,
          SUM(CASE WHEN o.currency = {s.currency()} THEN o.amount ELSE 0 END) AS won_amount
        FROM opportunities_opportunity o
        WHERE {s.scope("o")} AND o.status = 'WON'
          AND o.closed_date >= {s.param(start)} AND o.closed_date <= {s.param(end)}
        GROUP BY o.owner_id
        """
    )
    return {r["owner_id"]: r for r in rows}


async def _quotas(scope: ReportScope, start: dt.date, end: dt.date) -> dict[int, Any]:
    """Quotas of the months the period touches."""
    s = Statement(scope)
    rows = await s.rows(
        f"""
        SELECT q.user_id, SUM(q.amount) AS quota FROM reports_sales_quota q
        WHERE {s.scope("q", "user_id")} AND q.currency = {s.currency()}
          AND q.month >= {s.param(add_months(start, 0))} AND q.month <= {s.param(end)}
        GROUP BY q.user_id
        """
    )
    return {r["user_id"]: r["quota"] for r in rows}


async def _metric(
    metric: ReportMetric, scope: ReportScope, start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """One contributed metric per owner: the plugin's rows, narrowed to the caller's owners,
    aggregated by the database."""
    queryset = metric.rows(start_of_day(start), start_of_day(end + dt.timedelta(1)), scope.currency)
    if scope.owner_ids is not None:
        queryset = queryset.filter(**{f"{metric.owner_field}__in": sorted(scope.owner_ids)})
    rows = (
        await queryset.annotate(metric_value=metric.value())
        .group_by(metric.owner_field)
        .values(metric.owner_field, "metric_value")
    )
    convert = from_stored if metric.money else Decimal
    return {r[metric.owner_field]: convert(r["metric_value"] or 0) for r in rows}


async def leaderboard(
    scope: ReportScope, start: dt.date, end: dt.date, metrics: list[ReportMetric]
) -> Leaderboard:
    people = await _people(scope)
    won = await _won(scope, start, end)
    quotas = await _quotas(scope, start, end)
    values = {m.name: await _metric(m, scope, start, end) for m in metrics}
    c = scope.currency
    rows = []
    for person in people:
        uid = person["id"]
        mine = won.get(uid, {})
        won_stored = mine.get("won_amount") or 0
        quota = quotas.get(uid)
        activities = values.get(ACTIVITIES_LOGGED)
        rows.append(
            LeaderboardRow(
                rank=0,
                user_id=to_global_id("User", uid),
                name=person["name"],
                team=person["team"],
                won_amount=money(won_stored, c),
                won_count=int(mine.get("won_count") or 0),
                activities_logged=int(activities.get(uid, 0)) if activities is not None else None,
                quota=money(quota, c) if quota is not None else None,
                attainment=rate(won_stored, quota) if quota else None,
                metrics=[
                    MetricValue(name=m.name, value=values[m.name].get(uid, Decimal(0)))
                    for m in metrics
                ],
            )
        )
    rows.sort(key=lambda r: (-r.won_amount.amount, -r.won_count, r.name))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return Leaderboard(
        currency=c,
        metrics=[MetricInfo(name=m.name, title=m.title, money=m.money) for m in metrics],
        rows=rows,
    )
