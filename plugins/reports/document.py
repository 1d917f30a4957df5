"""A report as a PDF: the document template reports contributes, the plain context a
ReportTable becomes for it (cells formatted, charts drawn as SVG data: URIs), and rendering.

The template sees formatted text, not raw values, so a tenant's override prints amounts,
rates and days exactly as the CSV export and the default template do.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.documents.render import render_document
from core.manifest import DocumentTemplate
from plugins.reports.cells import cell_text, is_numeric, totals_row
from plugins.reports.charts import chart_data_uri, chart_svg
from plugins.reports.table import Chart, ChartKind, Column, Kind, ReportTable

if TYPE_CHECKING:
    from core.runtime import Runtime

NAME = "reports.report"
SOURCE = (Path(__file__).parent / "report.html").read_text(encoding="utf-8")


def report_context(table: ReportTable) -> dict[str, Any]:
    """What the template sees of a report: plain dicts, lists and strings."""
    totals = totals_row(table)
    return {
        "report": {
            "name": table.name,
            "title": table.title,
            "subtitle": table.subtitle,
            "currency": table.currency,
        },
        "columns": [{"title": c.title, "numeric": is_numeric(c)} for c in table.columns],
        "rows": [_cells(table, row) for row in table.rows],
        "totals": _cells(table, totals) if totals is not None else None,
        "charts": [
            {"title": chart.title, "src": chart_data_uri(chart_svg(chart, table))}
            for chart in table.charts
        ],
    }


async def render_report_pdf(runtime: Runtime, table: ReportTable) -> bytes:
    """The PDF of `table` for the tenant in scope, in its version of the template.
    Raises core.documents.DocumentError (see render_document)."""
    return await render_document(runtime, NAME, report_context(table))


def report_template() -> DocumentTemplate:
    return DocumentTemplate(name=NAME, title="Sales report", source=SOURCE, sample=SAMPLE)


def _cells(table: ReportTable, row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "text": cell_text(row.get(c.key), c.kind, table.currency, grouped=True),
            "numeric": is_numeric(c),
        }
        for c in table.columns
    ]


# A report of every column kind and chart kind, made into a context the way a real one is:
# a tenant's override is saved only once it renders this, so it holds every key and shape.
_SAMPLE_TABLE = ReportTable(
    name="salesFunnel",
    title="销售漏斗 Sales funnel",
    subtitle=f"{dt.date(2026, 1, 1)} to {dt.date(2026, 3, 31)}, by stage",
    currency="CNY",
    columns=[
        Column("stage", "阶段 Stage", Kind.TEXT),
        Column("deals", "商机 Deals", Kind.COUNT),
        Column("amount", "金额 Amount", Kind.MONEY),
        Column("conversion", "转化率 Conversion", Kind.RATE),
        Column("days", "平均天数 Avg. days", Kind.DAYS),
    ],
    rows=[
        {"stage": "初步接洽 Qualify", "deals": 40, "amount": Decimal("1200000.00"),
         "conversion": None, "days": 6.5},
        {"stage": "方案报价 Proposal", "deals": 22, "amount": Decimal("810000.00"),
         "conversion": 0.55, "days": 11.0},
        {"stage": "赢单 Won", "deals": 9, "amount": Decimal("356400.50"),
         "conversion": 0.409, "days": None},
    ],
    totals={"stage": None, "deals": 71, "amount": Decimal("2366400.50"),
            "conversion": None, "days": 8.2},
    charts=[
        Chart(ChartKind.FUNNEL, "商机漏斗 Deals by stage", "stage", ("deals",)),
        Chart(ChartKind.BARS, "金额 Amount by stage", "stage", ("amount",)),
    ],
)  # fmt: skip
SAMPLE: dict[str, Any] = report_context(_SAMPLE_TABLE)
