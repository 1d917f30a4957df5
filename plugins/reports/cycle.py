"""salesCycle: how many days deals take, by owner and overall: from the lead's creation to
the won close, and from the deal's creation to its close.

Median and 90th percentile interpolate between ranks (PostgreSQL's percentile_cont), written
with window functions both databases share, so SQLite and PostgreSQL give the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.graphql.relay import to_global_id
from plugins.reports.figures import days
from plugins.reports.sql import ReportScope, Statement
from plugins.reports.types import CycleFigures, CycleRow, SalesCycle


def _percentile(tenths: int) -> str:
    """The `tenths`/10 percentile over ranks rn 1..n of `days`: rank 1 + q(n-1), split into
    a whole part and a fraction in integer arithmetic, so no float decides which rank."""
    position = f"({tenths} * (n - 1))"
    low = f"(1 + {position} / 10)"
    fraction = f"(({position} % 10) / 10.0)"
    return (
        f"SUM(CASE WHEN rn = {low} THEN days * (1 - {fraction})"
        f" WHEN rn = {low} + 1 THEN days * {fraction} ELSE 0 END)"
    )


def _figures_sql(durations: str) -> str:
    """Count, mean, median and p90 of `durations` (owner_id, days) per owner and overall
    (owner_id NULL)."""
    return f"""
        WITH d AS ({durations}),
        r AS (
          SELECT owner_id, days,
            ROW_NUMBER() OVER (PARTITION BY owner_id ORDER BY days) AS rn,
            COUNT(*) OVER (PARTITION BY owner_id) AS n
          FROM d
          UNION ALL
          SELECT NULL, days, ROW_NUMBER() OVER (ORDER BY days), COUNT(*) OVER () FROM d
        )
        SELECT owner_id, COUNT(*) AS count, AVG(CAST(days AS DOUBLE PRECISION)) AS mean,
          {_percentile(5)} AS median, {_percentile(9)} AS p90
        FROM r GROUP BY owner_id
        """


async def _lead_to_won(scope: ReportScope, start: dt.date, end: dt.date) -> list[dict]:
    s = Statement(scope)
    span = s.days_from_timestamp_to_date("l.created_at", "o.closed_date")
    return await s.rows(
        _figures_sql(
            f"""
            SELECT o.owner_id AS owner_id, {span} AS days
            FROM opportunities_opportunity o
            JOIN leads_lead l ON l.id = o.source_lead_id AND l.tenant_id = o.tenant_id
            WHERE {s.scope("o")} AND o.status = 'WON'
              AND o.closed_date >= {s.param(start)} AND o.closed_date <= {s.param(end)}
            """
        )
    )


async def _created_to_close(scope: ReportScope, start: dt.date, end: dt.date) -> list[dict]:
    s = Statement(scope)
    span = s.days_from_timestamp_to_date("o.created_at", "o.closed_date")
    return await s.rows(
        _figures_sql(
            f"""
            SELECT o.owner_id AS owner_id, {span} AS days
            FROM opportunities_opportunity o
            WHERE {s.scope("o")} AND o.status IN ('WON', 'LOST')
              AND o.closed_date >= {s.param(start)} AND o.closed_date <= {s.param(end)}
            """
        )
    )


async def _names(scope: ReportScope, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    s = Statement(scope)
    rows = await s.rows(
        f"SELECT id, name FROM core_user WHERE id IN ({s.params_in(sorted(user_ids))})"
    )
    return {r["id"]: r["name"] for r in rows}


async def sales_cycle(
    scope: ReportScope, start: dt.date, end: dt.date, with_leads: bool
) -> SalesCycle:
    lead_rows = await _lead_to_won(scope, start, end) if with_leads else []
    close_rows = await _created_to_close(scope, start, end)
    leads = {r["owner_id"]: r for r in lead_rows}
    closes = {r["owner_id"]: r for r in close_rows}
    owners = {o for o in (*leads, *closes) if o is not None}
    names = await _names(scope, owners)
    rows = [
        _row(owner, names.get(owner, ""), leads.get(owner), closes.get(owner))
        for owner in sorted(owners, key=lambda o: (names.get(o, ""), o))
    ]
    return SalesCycle(rows=rows, total=_row(None, "Total", leads.get(None), closes.get(None)))


def _row(owner: int | None, name: str, lead: Any, close: Any) -> CycleRow:
    return CycleRow(
        owner_id=to_global_id("User", owner) if owner is not None else None,
        owner_name=name,
        lead_to_won=_figures(lead),
        created_to_close=_figures(close),
    )


def _figures(row: dict | None) -> CycleFigures:
    if row is None:
        return CycleFigures(count=0, mean_days=None, median_days=None, p90_days=None)
    return CycleFigures(
        count=int(row["count"]),
        mean_days=days(row["mean"]),
        median_days=days(row["median"]),
        p90_days=days(row["p90"]),
    )
