"""salesFunnel: the leads created in a period and how far each went, by month, source or
owner. One GROUP BY over leads joined to the deal each converted into."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plugins.reports.figures import money, rate
from plugins.reports.sql import ReportScope, Statement, start_of_day
from plugins.reports.types import (
    FunnelGroup,
    FunnelGroupBy,
    FunnelStep,
    FunnelStepName,
    SalesFunnel,
)

STEPS = (
    (FunnelStepName.LEADS_CREATED, "Leads created", "created", None),
    (FunnelStepName.QUALIFIED, "Qualified", "qualified", None),
    (FunnelStepName.CONVERTED, "Converted", "converted", None),
    (FunnelStepName.OPPORTUNITIES, "Opportunities", "opportunities", "opportunity_amount"),
    (FunnelStepName.WON, "Won", "won", "won_amount"),
)
COUNTED = ("created", "qualified", "converted", "opportunities", "won")
SUMMED = ("opportunity_amount", "won_amount")


def _grouping(statement: Statement, group_by: FunnelGroupBy) -> tuple[str, str, str]:
    """(key expression, label expression, extra join) for the grouping."""
    if group_by is FunnelGroupBy.PERIOD:
        month = statement.month_of_timestamp("l.created_at")
        return month, month, ""
    if group_by is FunnelGroupBy.SOURCE:
        return "l.source", "l.source", ""
    return (
        "COALESCE(CAST(l.owner_id AS VARCHAR(20)), '')",
        "COALESCE(u.name, 'Unassigned')",
        "LEFT JOIN core_user u ON u.id = l.owner_id",
    )


async def sales_funnel(
    scope: ReportScope, start: dt.date, end: dt.date, group_by: FunnelGroupBy
) -> SalesFunnel:
    s = Statement(scope)
    key, label, join = _grouping(s, group_by)
    currency = s.currency()
    won_currency = s.currency()
    where = s.scope("l")
    since, until = s.param(start_of_day(start)), s.param(start_of_day(end + dt.timedelta(1)))
    rows = await s.rows(
        f"""
        SELECT {key} AS key, {label} AS label,
          COUNT(*) AS created,
          SUM(CASE WHEN l.status IN ('QUALIFIED', 'CONVERTED') THEN 1 ELSE 0 END) AS qualified,
          SUM(CASE WHEN l.status = 'CONVERTED' THEN 1 ELSE 0 END) AS converted,
          COUNT(o.id) AS opportunities,
          SUM(CASE WHEN o.currency = {currency} THEN o.amount ELSE 0 END) AS opportunity_amount,
          SUM(CASE WHEN o.status = 'WON' THEN 1 ELSE 0 END) AS won,
          SUM(CASE WHEN o.status = 'WON' AND o.currency = {won_currency}
              THEN o.amount ELSE 0 END) AS won_amount
        FROM leads_lead l
        LEFT JOIN opportunities_opportunity o
          ON o.id = l.opportunity_id AND o.tenant_id = l.tenant_id
        {join}
        WHERE {where} AND l.created_at >= {since} AND l.created_at < {until}
        GROUP BY {key}, {label}
        ORDER BY {key}
        """
    )
    groups = [_group(str(r["key"]), str(r["label"]), r, scope.currency) for r in rows]
    totals = {column: sum(r[column] or 0 for r in rows) for column in COUNTED + SUMMED}
    return SalesFunnel(
        currency=scope.currency,
        group_by=group_by,
        groups=groups,
        total=_group("total", "Total", totals, scope.currency),
    )


def _group(key: str, label: str, row: dict[str, Any], currency: str) -> FunnelGroup:
    steps: list[FunnelStep] = []
    previous: int | None = None
    for step, title, counted, summed in STEPS:
        count = int(row[counted] or 0)
        steps.append(
            FunnelStep(
                step=step,
                label=title,
                count=count,
                amount=money(row[summed], currency) if summed else None,
                conversion_rate=None if previous is None else rate(count, previous),
            )
        )
        previous = count
    return FunnelGroup(key=key, label=label, steps=steps)
