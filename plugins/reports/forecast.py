"""salesForecast: per month of expected close, from this month on: what is already won, what
is committed, the best case, the (weighted) pipeline, and the quota it is measured against."""

from __future__ import annotations

import datetime as dt

from plugins.reports.figures import money, rate
from plugins.reports.sql import ReportScope, Statement, add_months, months_between
from plugins.reports.types import ForecastMonth, SalesForecast


async def sales_forecast(scope: ReportScope, months: int) -> SalesForecast:
    first = add_months(scope.today, 0)
    end = add_months(first, months)  # exclusive
    open_rows = await _open_deals(scope, first, end)
    won_rows = await _won(scope, first, end)
    quota_rows = await _quotas(scope, first, end)
    c = scope.currency
    result = []
    for key in months_between(first, add_months(first, months - 1)):
        deals = open_rows.get(key, {})
        won = won_rows.get(key, 0)
        quota = quota_rows.get(key)
        result.append(
            ForecastMonth(
                month=key,
                closed_won=money(won, c),
                commit=money(deals.get("committed"), c),
                best_case=money(deals.get("best_case"), c),
                pipeline=money(deals.get("pipeline"), c),
                weighted_pipeline=money(deals.get("weighted"), c),
                open_deals=int(deals.get("open_deals") or 0),
                quota=money(quota, c) if quota is not None else None,
                attainment=rate(won, quota) if quota is not None else None,
            )
        )
    return SalesForecast(currency=c, months=result)


async def _open_deals(scope: ReportScope, first: dt.date, end: dt.date) -> dict[str, dict]:
    s = Statement(scope)
    c = s.currency()
    month = s.month_of_date("o.expected_close_date")
    rows = await s.rows(
        f"""
        SELECT {month} AS month, COUNT(*) AS open_deals,
          SUM(CASE WHEN o.currency = {c} AND o.forecast_category = 'COMMIT'
              THEN o.amount ELSE 0 END) AS committed,
          SUM(CASE WHEN o.currency = {c} AND o.forecast_category IN ('COMMIT', 'BEST_CASE')
              THEN o.amount ELSE 0 END) AS best_case,
          SUM(CASE WHEN o.currency = {c} THEN o.amount ELSE 0 END) AS pipeline,
          SUM(CASE WHEN o.currency = {c} THEN o.weighted_amount ELSE 0 END) AS weighted
        FROM opportunities_opportunity o
        WHERE {s.scope("o")} AND o.status = 'OPEN'
          AND o.expected_close_date >= {s.param(first)} AND o.expected_close_date < {s.param(end)}
        GROUP BY {month}
        """
    )
    return {r["month"]: r for r in rows}


async def _won(scope: ReportScope, first: dt.date, end: dt.date) -> dict[str, int]:
    s = Statement(scope)
    month = s.month_of_date("o.closed_date")
    rows = await s.rows(
        f"""
        SELECT {month} AS month, SUM(o.amount) AS won
        FROM opportunities_opportunity o
        WHERE {s.scope("o")} AND o.status = 'WON' AND o.currency = {s.currency()}
          AND o.closed_date >= {s.param(first)} AND o.closed_date < {s.param(end)}
        GROUP BY {month}
        """
    )
    return {r["month"]: r["won"] for r in rows}


async def _quotas(scope: ReportScope, first: dt.date, end: dt.date) -> dict[str, int]:
    s = Statement(scope)
    month = s.month_of_date("q.month")
    rows = await s.rows(
        f"""
        SELECT {month} AS month, SUM(q.amount) AS quota
        FROM reports_sales_quota q
        WHERE {s.scope("q", "user_id")} AND q.currency = {s.currency()}
          AND q.month >= {s.param(first)} AND q.month < {s.param(end)}
        GROUP BY {month}
        """
    )
    return {r["month"]: r["quota"] for r in rows}
