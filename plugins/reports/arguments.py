"""Report arguments, checked the same way whether they come from GraphQL or a query string."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from core.graphql.money import CURRENCY

MAX_PERIOD_DAYS = 366 * 5
MAX_MONTHS = 24
E = TypeVar("E", bound=Enum)


class ReportArgumentError(Exception):
    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message


def period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """An inclusive date range of at most five years."""
    if end < start:
        raise ReportArgumentError("to", "The end of the period is before its start.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportArgumentError("to", "Ask for at most five years at once.")
    return start, end


def month_count(months: int) -> int:
    if not 1 <= months <= MAX_MONTHS:
        raise ReportArgumentError("months", f"Ask for 1 to {MAX_MONTHS} months.")
    return months


def currency(code: str | None) -> str | None:
    if code is not None and not CURRENCY.match(code):
        raise ReportArgumentError("currency", "Use a three-letter currency code such as CNY.")
    return code


# -- from a query string (the exports) ----------------------------------------------------------


def query_date(query: Mapping[str, str], name: str) -> dt.date:
    raw = query.get(name)
    if not raw:
        raise ReportArgumentError(name, "This parameter is required (YYYY-MM-DD).")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ReportArgumentError(name, "Use a date such as 2026-01-31.") from None


def query_int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ReportArgumentError(name, "Use a whole number.") from None


def query_choice(query: Mapping[str, str], name: str, enum: type[E], default: E | None) -> E:
    raw = query.get(name)
    if raw is None and default is not None:
        return default
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ReportArgumentError(name, f"Use one of {allowed}.") from None


def query_period(query: Mapping[str, str]) -> dict[str, Any]:
    start, end = period(query_date(query, "from"), query_date(query, "to"))
    return {"start": start, "end": end}
