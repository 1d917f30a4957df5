"""A computed report as a plain table: what the CSV and PDF exports are made from.

Every report, built-in or contributed, ends as a ReportTable: titled columns, one dict per
row keyed by column key, the totals row when the report has one, and the charts the PDF
draws from those same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Kind(Enum):
    """How a column's values read: they decide CSV formatting and PDF alignment."""

    TEXT = "text"  # str
    COUNT = "count"  # int
    MONEY = "money"  # Decimal, in the table's currency
    RATE = "rate"  # float in 0..1 (or None when the base is zero), shown as a percentage
    DAYS = "days"  # float (or None when there is nothing to measure)


class ChartKind(Enum):
    FUNNEL = "funnel"  # one bar per row, centred, narrowing: the first series only
    BARS = "bars"  # grouped vertical bars: one group per row, one bar per series
    LINES = "lines"  # one line per series across the rows (the rows are periods)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: Kind


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    title: str
    label: str  # the key of the column naming each row (the category axis)
    series: tuple[str, ...]  # keys of the numeric columns drawn
    # The rows to draw when they are not the table's own (the funnel draws its total steps
    # while the table lists every group's); same keys as the table's rows.
    rows: list[dict[str, Any]] | None = None


@dataclass
class ReportTable:
    name: str  # "salesFunnel": the URL and file name
    title: str
    subtitle: str  # the parameters in words: "2026-01-01 to 2026-03-31, by owner"
    currency: str | None
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    charts: list[Chart] = field(default_factory=list)
