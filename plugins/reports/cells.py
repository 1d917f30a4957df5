"""How a report's values read as text, shared by the CSV export, the PDF and the charts.

One place decides that a rate of 0.425 prints "42.5%" and that an amount keeps its currency's
minor digits, so the spreadsheet, the printed table and the chart labels never disagree.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.documents.filters import money
from core.money import minor_unit, round_money
from plugins.reports.table import Column, Kind, ReportTable

TOTAL_LABEL = "Total"
_ONE_DECIMAL = Decimal("0.1")
# ISO 4217's code for "no currency": amounts of a table without one (which should have no
# MONEY column) keep two decimals, like most currencies.
_NO_CURRENCY = "XXX"


def cell_text(value: Any, kind: Kind, currency: str | None, *, grouped: bool = False) -> str:
    """`value` of a column of `kind` as text; "" for None (nothing to show).

    `grouped` adds thousands separators ("12,345.60"), for people; without them the text is a
    plain number a spreadsheet reads ("12345.60").
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if kind is Kind.TEXT:
        return str(value)
    if kind is Kind.MONEY:
        return _money_text(value, currency, grouped)
    if kind is Kind.COUNT:
        return f"{int(value):,}" if grouped else str(int(value))
    if kind is Kind.RATE:
        return f"{_one_decimal(Decimal(str(value)) * 100)}%"
    return str(_one_decimal(Decimal(str(value))))  # DAYS


def is_numeric(column: Column) -> bool:
    """Whether the column holds numbers, which read right-aligned."""
    return column.kind is not Kind.TEXT


def totals_row(table: ReportTable) -> dict[str, Any] | None:
    """The totals row with "Total" in its first text cell when the report left it empty, so a
    reader knows what the last line is; None when the report has no totals."""
    if table.totals is None:
        return None
    totals = dict(table.totals)
    label = next((c.key for c in table.columns if c.kind is Kind.TEXT), None)
    if label is not None and totals.get(label) in (None, ""):
        totals[label] = TOTAL_LABEL
    return totals


def column_of(table: ReportTable, key: str) -> Column:
    """The column `key` names; ValueError when the table has none (a report's own mistake)."""
    for column in table.columns:
        if column.key == key:
            return column
    raise ValueError(f"report '{table.name}' has no column '{key}'")


def _money_text(value: Any, currency: str | None, grouped: bool) -> str:
    code = currency or _NO_CURRENCY
    amount = round_money(Decimal(str(value)), code)
    if amount == 0:
        amount = abs(amount)  # -0.004 rounds to -0.00: print the zero it is
    # The documents' own `money` filter, so report amounts print like quotes' and contracts'.
    return money(amount, code) if grouped else f"{amount:.{minor_unit(code)}f}"


def _one_decimal(value: Decimal) -> Decimal:
    # Through Decimal, from the float's shortest repr: 0.0125 prints 1.3%, not binary's 1.2%.
    rounded = value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded
