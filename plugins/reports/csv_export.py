"""A report as CSV (RFC 4180): the download people open in Excel, WPS or LibreOffice.

Labels are user data (a customer may be called "=HYPERLINK(...)"), and spreadsheets run a
cell that starts like a formula, so every cell, headers included, is neutralised first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from plugins.reports.cells import cell_text, totals_row
from plugins.reports.table import ReportTable

# OWASP's list (CSV Injection): a spreadsheet may read a cell starting with one of these as
# a formula. Tab and carriage return count because some programs strip them and read on.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Negative numbers are quoted too, as OWASP advises (and our contract says: every cell
# starting with one of these): built-in reports have none, and a "-" cell that looks numeric
# to us may not to every spreadsheet's parser.
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")


def table_csv(table: ReportTable) -> str:
    """The header row of column titles, every row, then the totals row if there is one."""
    buffer = io.StringIO()
    # The csv module's default dialect is RFC 4180's: comma, CRLF, quotes doubled inside
    # quoted fields, fields quoted when they hold a comma, quote or line break.
    writer = csv.writer(buffer)
    writer.writerow(neutralised(c.title) for c in table.columns)
    totals = totals_row(table)
    for row in [*table.rows, *([totals] if totals is not None else [])]:
        writer.writerow(_cells(table, row))
    return buffer.getvalue()


def csv_filename(table: ReportTable) -> str:
    """The download's name, "salesFunnel.csv": the report's name in characters safe in a
    Content-Disposition header."""
    stem = _SAFE_FILENAME.sub("-", table.name).strip("-.") or "report"
    return f"{stem}.csv"


def neutralised(text: str) -> str:
    """`text`, with a leading quote when a spreadsheet could take it for a formula."""
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _cells(table: ReportTable, row: dict[str, Any]) -> Iterable[str]:
    for column in table.columns:
        yield neutralised(cell_text(row.get(column.key), column.kind, table.currency))
