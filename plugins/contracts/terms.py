"""A contract's term: checking the days people enter, and the term a renewal continues with.
Both days of a term are in force, so 2026-01-01 to 2026-12-31 is one year."""

from __future__ import annotations

import calendar
import datetime as dt

from core.graphql.payloads import UserError, user_error

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
MAX_TERM_YEARS = 100
ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (Jan 31 + 1
    month is Feb 28 or 29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """N when the term `start`..`end` is exactly N calendar months, else None."""
    after = end + ONE_DAY
    months = (after.year - start.year) * 12 + after.month - start.month
    return months if months > 0 and add_months(start, months) == after else None


def term_end(start: dt.date, end: dt.date, new_start: dt.date) -> dt.date:
    """The last day of a term from `new_start` as long as `start`..`end`. Whole months stay
    whole months, so a calendar year is followed by the next calendar year whether or not
    either has a leap day; any other term keeps its number of days."""
    months = whole_months(start, end)
    if months is None:
        return new_start + (end - start)
    return add_months(new_start, months) - ONE_DAY


def next_term(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The term that continues `start`..`end`: from the day after it, as long."""
    new_start = end + ONE_DAY
    return new_start, term_end(start, end, new_start)


def range_errors(days: dict[str, dt.date | None]) -> list[UserError]:
    """OUT_OF_RANGE for days (by field name) outside 1900-2999."""
    return [
        user_error(name, "Use a date between 1900 and 2999.", "OUT_OF_RANGE")
        for name, day in days.items()
        if day is not None and not EARLIEST <= day <= LATEST
    ]


def term_errors(start: dt.date | None, end: dt.date | None) -> list[UserError]:
    """userErrors for a term whose days are out of range, reversed or over 100 years."""
    errors = range_errors({"startDate": start, "endDate": end})
    if errors or start is None or end is None:
        return errors
    if end <= start:
        return [user_error("endDate", "The end date must follow the start date.", "INVALID")]
    if end > add_months(start, 12 * MAX_TERM_YEARS):
        return [user_error("endDate", f"A term lasts at most {MAX_TERM_YEARS} years.", "TOO_LONG")]
    return []
