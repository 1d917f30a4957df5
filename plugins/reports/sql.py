"""Writing and running the reports' SQL: one statement per figure set, aggregated in the
database, the same text on SQLite and PostgreSQL but for a few dialect snippets here.

Reports read tables of several plugins joined on plain ids (a lead's opportunity_id), which
the ORM cannot express, so they are SQL. Tenant and record scope are not left to each
report: `Statement.scope(alias)` writes both, and every table a report reads goes through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise import connections


@dataclass(frozen=True)
class ReportScope:
    """Whose records a report covers and in which currency its amounts are summed."""

    tenant_id: int
    # The owners whose records count (the caller's own, their team's); None for the tenant.
    owner_ids: frozenset[int] | None
    postgres: bool
    currency: str
    today: dt.date


class Statement:
    """One SQL statement being written: placeholders in the connection's style, in order."""

    def __init__(self, scope: ReportScope) -> None:
        self.scope_of = scope
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        # Numbered on both databases (SQLite's ?NNN), so text order need not follow call order.
        self.params.append(value)
        return f"${len(self.params)}" if self.scope_of.postgres else f"?{len(self.params)}"

    def params_in(self, values: list[Any]) -> str:
        return ", ".join(self.param(v) for v in values)

    def scope(self, alias: str, owner_column: str = "owner_id") -> str:
        """`alias` belongs to the caller's tenant and, unless they see it all, to an owner
        they may see. Records without an owner (the lead pool) count only tenant-wide."""
        condition = f"{alias}.tenant_id = {self.param(self.scope_of.tenant_id)}"
        owners = self.scope_of.owner_ids
        if owners is not None:
            condition += f" AND {alias}.{owner_column} IN ({self.params_in(sorted(owners))})"
        return condition

    def tenant(self, alias: str) -> str:
        """`alias` belongs to the caller's tenant (tables without an owner: stages)."""
        return f"{alias}.tenant_id = {self.param(self.scope_of.tenant_id)}"

    def currency(self) -> str:
        return self.param(self.scope_of.currency)

    # -- dialect ---------------------------------------------------------------------------------

    def month_of_timestamp(self, column: str) -> str:
        """'YYYY-MM' of a UTC timestamp (SQLite keeps ISO text with a +00:00 offset)."""
        if self.scope_of.postgres:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
        return f"substr({column}, 1, 7)"

    def month_of_date(self, column: str) -> str:
        if self.scope_of.postgres:
            return f"to_char({column}, 'YYYY-MM')"
        return f"substr({column}, 1, 7)"

    def days_from_timestamp_to_date(self, timestamp: str, date: str) -> str:
        """Whole days from the (UTC) day of `timestamp` to `date`."""
        if self.scope_of.postgres:
            return f"({date} - CAST({timestamp} AT TIME ZONE 'UTC' AS date))"
        return f"CAST(julianday({date}) - julianday(substr({timestamp}, 1, 10)) AS INTEGER)"

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return await connections.get("default").execute_query_dict(sql, self.params)


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight UTC: timestamps compare to it on both databases (ISO text on SQLite)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every 'YYYY-MM' from `first`'s month to `last`'s month, inclusive."""
    keys, day = [], dt.date(first.year, first.month, 1)
    while day <= last:
        keys.append(month_key(day))
        day = add_months(day, 1)
    return keys
