"""A report's charts as standalone SVG, drawn in plain Python from the report's own rows.

The PDF shows each chart as an <img> with a data: URI (the only kind of URL documents may
fetch, see core.documents.fetcher); WeasyPrint draws its text in the documents' bundled
fonts, so Chinese labels print. Labels are user data: every text is XML-escaped, and
characters XML cannot hold are dropped, so a name never breaks the drawing.

Layout is estimated, not measured (no font metrics here): widths assume full-width CJK
characters and generous Latin ones, so labels err towards more room, never overlap.
"""

from __future__ import annotations

import base64
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from plugins.reports.cells import cell_text, column_of
from plugins.reports.table import Chart, ChartKind, Kind, ReportTable

WIDTH = 680  # px: a little over A4's text width at 96 dpi (673), so PDFs print it full width
PLOT_HEIGHT = 200
FONT = "Tessera Sans, Tessera Sans Extended, sans-serif"
FONT_SIZE = 11
NO_DATA = "No data"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
# Series colours, chosen for lightness as much as hue (luma about 50, 150, 100, 210, 65, 185)
# so that the first four stay apart on a greyscale printer; lines add a dash pattern per
# series as well. Past six series the styles repeat: such a report reads better as a table.
PALETTE = ("#1d3557", "#e07a5f", "#2a7f62", "#f2cc8f", "#7b2d26", "#9cc3e6")
DASHES = ("", "7 3", "2 3", "9 3 2 3", "4 2", "12 4")

_PAD = 8
_TICK_COUNT = 4  # about this many gridline steps on a value axis
_ROTATED_MAX = 110.0  # px: the longest a rotated category label may run before "…"
_ROTATION = 40  # degrees
_BAR_MAX = 56  # px: the widest a bar is drawn
_MARKER_WIDTH = 24  # px of a legend's colour sample
_FUNNEL_ROW = 30
_FUNNEL_BAR = 22
# Characters XML 1.0 cannot contain, even escaped: C0 controls but tab and line breaks.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class _Series:
    title: str
    kind: Kind
    values: list[float | None]


def chart_svg(chart: Chart, table: ReportTable) -> str:
    """The SVG document of `chart`, drawn from its own rows if it has them, else from
    `table`'s (never the totals); `table` tells the columns' titles and kinds."""
    rows = chart.rows if chart.rows is not None else table.rows
    labels = _labels(table, chart.label, rows)
    series = [_series(table, key, rows) for key in chart.series]
    if chart.kind is ChartKind.FUNNEL:
        series = series[:1]
    if not any(v for s in series for v in s.values):  # no rows, or nothing but zeros
        return _no_data(chart.title)
    return _DRAWERS[chart.kind](chart.title, labels, series, table.currency)


def chart_data_uri(svg: str) -> str:
    """`data:image/svg+xml;base64,...` for an <img src>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# -- reading the table --------------------------------------------------------------------------


def _labels(table: ReportTable, key: str, rows: list[dict[str, Any]]) -> list[str]:
    column = column_of(table, key)
    return [cell_text(row.get(key), column.kind, table.currency) for row in rows]


def _series(table: ReportTable, key: str, rows: list[dict[str, Any]]) -> _Series:
    column = column_of(table, key)
    return _Series(column.title, column.kind, [_number(row.get(key)) for row in rows])


def _number(value: Any) -> float | None:
    """A value as a float to draw with; None for a missing or non-finite one."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


# -- the three kinds ----------------------------------------------------------------------------


def _funnel(title: str, labels: list[str], series: list[_Series], currency: str | None) -> str:
    """Centred bars, one per row, as wide as the row's share of the largest value; the label
    on the left, the value inside the bar or, when it does not fit, beside it."""
    (stages,) = series
    values = [max(v or 0.0, 0.0) for v in stages.values]
    texts = [cell_text(v, stages.kind, currency, grouped=True) for v in stages.values]
    label_width = min(max(_text_width(label) for label in labels), WIDTH * 0.3)
    value_width = max(_text_width(text) for text in texts)
    left = _PAD + label_width + _PAD
    span = WIDTH - left - _PAD - value_width - _PAD  # room for the widest bar
    centre = left + span / 2
    largest = max(values)
    body: list[str] = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        top = _PAD + index * _FUNNEL_ROW
        middle = top + _FUNNEL_BAR / 2
        width = max(span * value / largest, 1.5) if value else 0.0
        body.append(_rect(centre - width / 2, top, width, _FUNNEL_BAR, PALETTE[0]))
        body.append(_text(left - _PAD, _baseline(middle), _fit(label, label_width), "end"))
        if _text_width(text) + 2 * _PAD <= width:
            body.append(_text(centre, _baseline(middle), text, "middle", fill="#ffffff"))
        else:
            body.append(_text(centre + width / 2 + _PAD / 2, _baseline(middle), text))
    height = _PAD + (len(values) - 1) * _FUNNEL_ROW + _FUNNEL_BAR + _PAD
    return _document(title, height, body)


def _bars(title: str, labels: list[str], series: list[_Series], currency: str | None) -> str:
    """A group per row, a bar per series in it, from the zero line up (or down)."""
    frame = _Frame.around(labels, series, marker=_swatch)
    group = min(frame.slot * 0.7, _BAR_MAX * len(series))  # a lone row gets bars, not a wall
    bar = group / len(series)
    body = frame.draw(labels)
    for index, values in enumerate(s.values for s in series):
        colour = PALETTE[index % len(PALETTE)]
        for row, value in enumerate(values):
            if not value:
                continue
            x = frame.centre(row) - group / 2 + index * bar
            top, bottom = sorted((frame.y(value), frame.y(0)))
            body.append(_rect(x, top, bar, bottom - top, colour, stroke=INK))
    return _document(title, frame.height, body)


def _lines(title: str, labels: list[str], series: list[_Series], currency: str | None) -> str:
    """A line per series across the rows, broken where a value is missing."""
    frame = _Frame.around(labels, series, marker=_line_sample)
    body = frame.draw(labels)
    markers = frame.slot >= 8  # a dot per point only where the points are not a blur
    for index, values in enumerate(s.values for s in series):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        for run in _runs(values):
            points = [(frame.centre(row), frame.y(value)) for row, value in run]
            body.append(_polyline(points, colour, dash))
            if markers:
                body.extend(_circle(x, y, colour) for x, y in points)
    return _document(title, frame.height, body)


def _no_data(title: str) -> str:
    height = 80
    return _document(
        title,
        height,
        [
            _rect(0.5, 0.5, WIDTH - 1, height - 1, "none", stroke=GRID),
            _text(WIDTH / 2, _baseline(height / 2), NO_DATA, "middle", fill=MUTED),
        ],
    )


def _runs(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """(row, value) of each stretch of present values: a missing value is a gap in the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for row, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((row, value))
    return [run for run in runs if run]


# -- the frame of bars and lines: legend, value axis, category labels ---------------------------


@dataclass(frozen=True)
class _Frame:
    legend: list[str]
    ticks: list[float]
    tick_kind: Kind
    left: float
    top: float
    right: float
    bottom: float
    slot: float  # px per row along the category axis
    rotated: bool
    every: int  # label every n-th row, when rows are too dense to label each
    label_room: float  # px a category label may take

    @classmethod
    def around(
        cls, labels: list[str], series: list[_Series], marker: Callable[[int, float, float], str]
    ) -> _Frame:
        legend, legend_height = _legend(series, marker)
        ticks = _ticks([v for s in series for v in s.values if v is not None])
        tick_kind = Kind.RATE if all(s.kind is Kind.RATE for s in series) else series[0].kind
        left = _PAD + max(_text_width(_tick_text(t, tick_kind)) for t in ticks) + _PAD
        right = WIDTH - _PAD
        rows = len(labels)
        widest = max(_text_width(label) for label in labels)
        rotated = widest > (right - left) / rows - 4
        label_room = min(widest, _ROTATED_MAX) if rotated else (right - left) / rows - 4
        if rotated:
            # The first label slants down to the left from its row's centre: move the plot
            # right until that centre is far enough from the edge for the whole label.
            reach = _text_width(_fit(labels[0], label_room)) * math.cos(math.radians(_ROTATION))
            half = 1 / (2 * rows)
            left = max(left, (_PAD + reach - right * half) / (1 - half))
        slot = (right - left) / rows
        every = math.ceil(FONT_SIZE * 1.5 / slot) if rotated else 1
        top = legend_height + FONT_SIZE  # the top tick's label needs half a line above
        bottom = top + PLOT_HEIGHT
        return cls(
            legend, ticks, tick_kind, left, top, right, bottom, slot, rotated, every, label_room
        )

    @property
    def height(self) -> float:
        sin = math.sin(math.radians(_ROTATION))
        band = self.label_room * sin + FONT_SIZE if self.rotated else FONT_SIZE
        return self.bottom + _PAD + band + _PAD

    def centre(self, row: int) -> float:
        return self.left + (row + 0.5) * self.slot

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def draw(self, labels: list[str]) -> list[str]:
        """Legend, gridlines with their values, the zero line and the category labels."""
        body = list(self.legend)
        for tick in self.ticks:
            y = self.y(tick)
            body.append(_line(self.left, y, self.right, y, INK if tick == 0 else GRID))
            text = _tick_text(tick, self.tick_kind)
            body.append(_text(self.left - _PAD, _baseline(y), text, "end", fill=MUTED))
        for row, label in enumerate(labels):
            if row % self.every == 0:
                body.append(self._category(row, label))
        return body

    def _category(self, row: int, label: str) -> str:
        x, y = self.centre(row), self.bottom + _PAD + FONT_SIZE
        text = _fit(label, self.label_room)
        if not self.rotated:
            return _text(x, y, text, "middle")
        return _text(x, y, text, "end", rotate=(-_ROTATION, x, y))


def _legend(
    series: Sequence[_Series], marker: Callable[[int, float, float], str]
) -> tuple[list[str], float]:
    """A marker and title per series, in rows across the top; and the height they take."""
    body: list[str] = []
    x, y = _PAD, _PAD
    for index, item in enumerate(series):
        title = _fit(item.title, WIDTH / 2)
        width = _MARKER_WIDTH + 6 + _text_width(title) + 16
        if x > _PAD and x + width > WIDTH - _PAD:
            x, y = _PAD, y + FONT_SIZE * 1.8
        body.append(marker(index, x, y + FONT_SIZE / 2))
        body.append(_text(x + _MARKER_WIDTH + 6, _baseline(y + FONT_SIZE / 2), title))
        x += width
    return body, y + FONT_SIZE + _PAD


def _swatch(index: int, x: float, middle: float) -> str:
    return _rect(x, middle - 5, 16, 10, PALETTE[index % len(PALETTE)], stroke=INK)


def _line_sample(index: int, x: float, middle: float) -> str:
    colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
    # Long enough to show the series' dash pattern on both sides of its dot.
    line = _polyline([(x, middle), (x + _MARKER_WIDTH, middle)], colour, dash)
    return line + _circle(x + _MARKER_WIDTH / 2, middle, colour)


# -- value axis ---------------------------------------------------------------------------------


def _ticks(values: list[float]) -> list[float]:
    """Round gridline values from at or below the lowest value (or zero) to at or above the
    highest (or zero): 0, 2.5k, 5k, 7.5k, 10k."""
    low, high = min(0.0, *values), max(0.0, *values)
    step = _nice_step((high - low) / _TICK_COUNT)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [n * step for n in range(first, last + 1)]


def _nice_step(rough: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `rough`."""
    power = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)


def _tick_text(value: float, kind: Kind) -> str:
    if kind is Kind.RATE:
        return f"{value * 100:.4g}%"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.4g}{suffix}"
    return f"{value:.4g}"


# -- SVG ----------------------------------------------------------------------------------------


def _document(title: str, height: float, body: list[str]) -> str:
    height = math.ceil(height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="{FONT_SIZE}">'
        f"<title>{_escaped(title)}</title>{''.join(body)}</svg>"
    )


def _text(
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    *,
    fill: str = INK,
    rotate: tuple[float, float, float] | None = None,
) -> str:
    turn = f' transform="rotate({rotate[0]} {_n(rotate[1])} {_n(rotate[2])})"' if rotate else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{turn}>'
        f"{_escaped(content)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, stroke: str = "") -> str:
    outline = f' stroke="{stroke}" stroke-width="0.5"' if stroke else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{fill}"{outline}/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}" stroke-width="0.75"/>'
    )


def _polyline(points: list[tuple[float, float]], stroke: str, dash: str) -> str:
    coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{stroke}" stroke-width="2"'
        f' stroke-linejoin="round"{dashes}/>'
    )


def _circle(x: float, y: float, fill: str) -> str:
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{fill}" stroke="#ffffff"/>'


def _escaped(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _n(value: float) -> str:
    """A coordinate, short: 12.5 rather than 12.500000000000002."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- text metrics, estimated --------------------------------------------------------------------


def _text_width(text: str) -> float:
    """About how wide `text` prints at FONT_SIZE: a full em for wide (CJK) characters, 0.6 em
    for others, slightly more than Noto Sans's Latin so estimates err on the roomy side."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    return ems * FONT_SIZE


def _fit(text: str, width: float) -> str:
    """`text`, cut with "…" to about `width` px; the table under the chart has it whole."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _baseline(middle: float) -> float:
    """The y of a line of text centred on `middle` (WeasyPrint's SVG has no dominant-baseline
    worth trusting, so the baseline is placed by hand)."""
    return middle + FONT_SIZE * 0.35


_DRAWERS: dict[ChartKind, Callable[[str, list[str], list[_Series], str | None], str]] = {
    ChartKind.FUNNEL: _funnel,
    ChartKind.BARS: _bars,
    ChartKind.LINES: _lines,
}
