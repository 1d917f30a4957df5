"""Revenue by month: orders booked and collected (orders plugin), and active contracts
coming up for renewal (contracts plugin)."""

from __future__ import annotations

import datetime as dt

from plugins.reports.figures import money
from plugins.reports.sql import (
    ReportScope,
    Statement,
    add_months,
    months_between,
    start_of_day,
)
from plugins.reports.types import OrderRevenue, RenewalMonth, RenewalsDue, RevenueMonth


async def _monthly(
    s: Statement, timestamp: str, amount: str, condition: str, since: dt.date, until: dt.date
) -> dict[str, dict]:
    month = s.month_of_timestamp(timestamp)
    rows = await s.rows(
        f"""
        SELECT {month} AS month, COUNT(*) AS count,
          SUM({amount}) AS amount
        FROM orders_order o
        WHERE {s.scope("o")} AND o.currency = {s.currency()} AND {condition}
          AND {timestamp} >= {s.param(start_of_day(since))}
          AND {timestamp} < {s.param(start_of_day(until + dt.timedelta(1)))}
        GROUP BY {month}
        """
    )
    return {r["month"]: r for r in rows}


async def order_revenue(scope: ReportScope, start: dt.date, end: dt.date) -> OrderRevenue:
    booked = await _monthly(
        Statement(scope), "o.confirmed_at", "o.grand_total", "o.status <> 'CANCELLED'", start, end
    )
    collected = await _monthly(
        Statement(scope), "o.paid_at", "o.paid_amount", "o.status <> 'CANCELLED'", start, end
    )
    c = scope.currency
    months = [
        RevenueMonth(
            month=key,
            orders=int(booked.get(key, {}).get("count") or 0),
            ordered_amount=money(booked.get(key, {}).get("amount"), c),
            collected_amount=money(collected.get(key, {}).get("amount"), c),
        )
        for key in months_between(start, end)
    ]
    return OrderRevenue(
        currency=c,
        months=months,
        orders=sum(m.orders for m in months),
        ordered_amount=money(sum(r["amount"] or 0 for r in booked.values()), c),
        collected_amount=money(sum(r["amount"] or 0 for r in collected.values()), c),
    )


async def renewals_due(scope: ReportScope, months: int) -> RenewalsDue:
    first = add_months(scope.today, 0)
    s = Statement(scope)
    month = s.month_of_date("k.end_date")
    rows = await s.rows(
        f"""
        SELECT {month} AS month, COUNT(*) AS contracts,
          SUM(CASE WHEN k.currency = {s.currency()} THEN k.value ELSE 0 END) AS value,
          SUM(CASE WHEN k.auto_renew THEN 1 ELSE 0 END) AS auto_renew
        FROM contracts_contract k
        WHERE {s.scope("k")} AND k.status = 'ACTIVE'
          AND k.end_date >= {s.param(first)} AND k.end_date < {s.param(add_months(first, months))}
        GROUP BY {month}
        """
    )
    by_month = {r["month"]: r for r in rows}
    c = scope.currency
    result = [
        RenewalMonth(
            month=key,
            contracts=int(by_month.get(key, {}).get("contracts") or 0),
            value=money(by_month.get(key, {}).get("value"), c),
            auto_renew=int(by_month.get(key, {}).get("auto_renew") or 0),
        )
        for key in months_between(first, add_months(first, months - 1))
    ]
    return RenewalsDue(
        currency=c,
        months=result,
        contracts=sum(m.contracts for m in result),
        value=money(sum(r["value"] or 0 for r in rows), c),
    )
