"""Small arithmetic shared by the reports: rates, money from stored sums, percentiles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.graphql.money import Money, money_in
from core.money import from_stored


def rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part / whole as a fraction with four decimals; None when there is no base."""
    if not whole:
        return None
    return round(float(Decimal(part) / Decimal(whole)), 4)


def money(stored: Any, currency: str) -> Money:
    """A SUM over an AmountField column (thousandths) as Money of the report's currency."""
    return money_in(from_stored(stored or 0), currency)


def days(value: Any) -> float | None:
    """Averages and percentiles of day counts, to one decimal (Decimal on PostgreSQL, float
    on SQLite: rounding the same way makes both databases give the same figure)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1")))
