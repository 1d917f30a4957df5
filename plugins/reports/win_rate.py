"""winRate: deals closed in a period, won against lost, by owner, team, product or source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.graphql.money import money_in
from core.graphql.relay import to_global_id
from core.money import from_stored
from plugins.reports.figures import rate
from plugins.reports.sql import ReportScope, Statement
from plugins.reports.types import WinRateGroupBy, WinRateReport, WinRateRow

# What each grouping adds to the query: key and label expressions, joins, and the amount
# summed. PRODUCT counts a deal once per product on its current quote revisions and sums
# those lines' net amounts; the others sum the deal's amount.
GROUPINGS: dict[WinRateGroupBy, tuple[str, str, str, str]] = {
    WinRateGroupBy.OWNER: (
        "CAST(o.owner_id AS VARCHAR(20))",
        "u.name",
        "JOIN core_user u ON u.id = o.owner_id",
        "o.amount",
    ),
    WinRateGroupBy.TEAM: (
        "COALESCE(m.team, '')",
        "COALESCE(m.team, 'No team')",
        "LEFT JOIN core_membership m ON m.user_id = o.owner_id AND m.tenant_id = o.tenant_id",
        "o.amount",
    ),
    WinRateGroupBy.SOURCE: (
        "COALESCE(l.source, 'DIRECT')",
        "COALESCE(l.source, 'DIRECT')",
        "LEFT JOIN leads_lead l ON l.id = o.source_lead_id AND l.tenant_id = o.tenant_id",
        "o.amount",
    ),
    WinRateGroupBy.PRODUCT: (
        "CAST(ql.product_id AS VARCHAR(20))",
        "MAX(ql.name)",
        "JOIN quotes_quote q ON q.opportunity_id = o.id AND q.tenant_id = o.tenant_id"
        " AND q.superseded_by_id IS NULL"
        " JOIN quotes_line ql ON ql.quote_id = q.id AND ql.tenant_id = q.tenant_id",
        "ql.net",
    ),
}
# The plugins each grouping reads besides opportunities.
GROUPING_NEEDS = {WinRateGroupBy.SOURCE: ("leads",), WinRateGroupBy.PRODUCT: ("quotes",)}


async def win_rate(
    scope: ReportScope, group_by: WinRateGroupBy, start: dt.date, end: dt.date
) -> WinRateReport:
    s = Statement(scope)
    key, label, join, amount = GROUPINGS[group_by]
    c = s.currency()
    # Currencies: a PRODUCT line is in its quote's currency, any other amount in the deal's.
    currency_of = "q.currency" if group_by is WinRateGroupBy.PRODUCT else "o.currency"
    group_label = "" if label.startswith("MAX(") else f", {label}"
    # Only product rows can meet a deal twice (two lines, two quotes); elsewhere each row is
    # one deal and a plain sum spares the database a sort per count.
    if group_by is WinRateGroupBy.PRODUCT:

        def deals(condition: str) -> str:
            return f"COUNT(DISTINCT CASE WHEN {condition} THEN o.id END)"
    else:

        def deals(condition: str) -> str:
            return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    rows = await s.rows(
        f"""
        SELECT {key} AS key, {label} AS label,
          {deals("o.status = 'WON'")} AS won,
          {deals("o.status = 'LOST'")} AS lost,
          SUM(CASE WHEN o.status = 'WON' AND {currency_of} = {c} THEN {amount} ELSE 0 END)
            AS won_amount,
          SUM(CASE WHEN o.status = 'LOST' AND {currency_of} = {c} THEN {amount} ELSE 0 END)
            AS lost_amount,
          {deals(f"o.status = 'WON' AND {currency_of} = {c}")} AS won_priced
        FROM opportunities_opportunity o
        {join}
        WHERE {s.scope("o")} AND o.status IN ('WON', 'LOST')
          AND o.closed_date >= {s.param(start)} AND o.closed_date <= {s.param(end)}
        GROUP BY {key}{group_label}
        ORDER BY {key}
        """
    )
    currency = scope.currency
    result = [_row(_key(group_by, r["key"]), str(r["label"]), r, currency) for r in rows]
    if group_by is WinRateGroupBy.PRODUCT:
        totals = await _deal_totals(scope, start, end)
    else:
        totals = {name: sum(r[name] or 0 for r in rows) for name in SUMMED}
    return WinRateReport(
        currency=currency,
        group_by=group_by,
        rows=sorted(result, key=lambda r: (-r.won_amount.amount, r.label)),
        total=_row("total", "Total", totals, currency),
    )


SUMMED = ("won", "lost", "won_amount", "lost_amount", "won_priced")


async def _deal_totals(scope: ReportScope, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The total row when product rows overlap (a deal with two products is in both): each
    deal with a quoted product once, at its own amount."""
    s = Statement(scope)
    c = s.currency()
    rows = await s.rows(
        f"""
        SELECT
          SUM(CASE WHEN o.status = 'WON' THEN 1 ELSE 0 END) AS won,
          SUM(CASE WHEN o.status = 'LOST' THEN 1 ELSE 0 END) AS lost,
          SUM(CASE WHEN o.status = 'WON' AND o.currency = {c} THEN o.amount ELSE 0 END)
            AS won_amount,
          SUM(CASE WHEN o.status = 'LOST' AND o.currency = {c} THEN o.amount ELSE 0 END)
            AS lost_amount,
          SUM(CASE WHEN o.status = 'WON' AND o.currency = {c} THEN 1 ELSE 0 END) AS won_priced
        FROM opportunities_opportunity o
        WHERE {s.scope("o")} AND o.status IN ('WON', 'LOST')
          AND o.closed_date >= {s.param(start)} AND o.closed_date <= {s.param(end)}
          AND EXISTS (
            SELECT 1 FROM quotes_quote q JOIN quotes_line ql ON ql.quote_id = q.id
            WHERE q.opportunity_id = o.id AND q.tenant_id = o.tenant_id
              AND q.superseded_by_id IS NULL
          )
        """
    )
    return {name: rows[0][name] or 0 for name in SUMMED}


def _key(group_by: WinRateGroupBy, key: Any) -> str:
    if group_by is WinRateGroupBy.OWNER:
        return to_global_id("User", int(key))
    if group_by is WinRateGroupBy.PRODUCT:
        return to_global_id("Product", int(key))
    return str(key)


def _row(key: str, label: str, r: dict[str, Any], currency: str) -> WinRateRow:
    won, lost = int(r["won"] or 0), int(r["lost"] or 0)
    won_amount, lost_amount = from_stored(r["won_amount"] or 0), from_stored(r["lost_amount"] or 0)
    priced = int(r["won_priced"] or 0)
    return WinRateRow(
        key=key,
        label=label,
        won=won,
        lost=lost,
        win_rate_by_count=rate(won, won + lost),
        win_rate_by_amount=rate(won_amount, won_amount + lost_amount),
        won_amount=money_in(won_amount, currency),
        lost_amount=money_in(lost_amount, currency),
        average_won_deal=money_in(won_amount / priced, currency) if priced else None,
    )
