"""The suite's output: the table of measures (plain text and Markdown), whether each met its
target, the machine it ran on, and bench/RESULTS.md, one section per database."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import os
import platform
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import Measure

if TYPE_CHECKING:
    from bench.dataset import Dataset

RESULTS = Path(__file__).parent / "RESULTS.md"
PG_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size")
_TARGET = re.compile(r"(<=|>=|=)\s*([\d.]+)\s*(x|%)")


# -- judging and formatting one measure --------------------------------------------------------


def met(m: Measure) -> bool | None:
    """Whether the ratio meets the target ("<= 3x", ">= 40%", "constant (= 1x)"); None when the
    target is not a ratio or nothing was measured."""
    found = _TARGET.search(m.target)
    ratio = m.ratio
    if found is None or ratio is None or math.isnan(ratio):
        return None
    op, number, unit = found.groups()
    wanted = float(number) / (100 if unit == "%" else 1)
    if op == "<=":
        return ratio <= wanted
    if op == ">=":
        return ratio >= wanted
    return math.isclose(ratio, wanted)


def number(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if float(value).is_integer():  # counts: queries, requests, schemas
        return f"{value:,.0f} {unit}"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    return f"{value:,.{digits}f} {unit}"


def ratio_text(m: Measure) -> str:
    ratio = m.ratio
    if ratio is None or math.isnan(ratio):
        return "-"
    return f"{ratio:.0%}" if "%" in m.target else f"{ratio:.2f}x"


def verdict(m: Measure) -> str:
    ok = met(m)
    return "-" if ok is None else "yes" if ok else "NO"


def _rows(measures: list[Measure]) -> list[list[str]]:
    return [
        [
            m.workload,
            m.name,
            number(m.value, m.unit),
            number(m.limit, m.unit),
            ratio_text(m),
            m.target or "-",
            verdict(m),
            "; ".join(filter(None, [m.limit_name, m.note])),
        ]
        for m in measures
    ]


HEADER = ["", "measure", "value", "limit", "ratio", "target", "met", "limit is; note"]


def width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(measures: list[Measure]) -> str:
    """Aligned plain text, for the terminal."""
    rows = [HEADER, *_rows(measures)]
    widths = [max(width(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    right = {2, 3, 4}
    lines = []
    for row in rows:
        cells = []
        for i, (cell, room) in enumerate(zip(row, widths, strict=False)):
            pad = " " * (room - width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def markdown_table(measures: list[Measure]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "| " + " | ".join(["workload", *HEADER[1:]]) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _rows(measures)]
    return "\n".join(lines)


# -- the machine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    system: str
    python: str
    sqlite: str
    postgres: str | None
    date: str

    def headline(self) -> str:
        database = f"PostgreSQL {self.postgres}" if self.postgres else f"SQLite {self.sqlite}"
        return (
            f"{self.date}, {self.cpu} x {self.cores}, {self.ram_gib:.0f} GiB RAM, {self.system}, "
            f"{self.python}, {database}"
        )


def machine(data: Dataset) -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        ram_gib=_ram_gib(),
        system=f"{_os_name()}, Linux {platform.release()}",
        python=f"{platform.python_implementation()} {platform.python_version()}",
        sqlite=sqlite3.sqlite_version,
        postgres=asyncio.run(_postgres_version(data.url)) if data.is_postgres else None,
        date=dt.date.today().isoformat(),
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        return platform.system()


async def _postgres_version(url: str) -> str:
    import asyncpg

    from bench.dataset import asyncpg_dsn

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        version = await conn.fetchval("SHOW server_version")
        # The settings that decide whether a 3 GB dataset is read from memory or disk.
        settings = [f"{name} {await conn.fetchval(f'SHOW {name}')}" for name in PG_SETTINGS]
        return f"{version.split()[0]} ({', '.join(settings)})"
    finally:
        await conn.close()


# -- RESULTS.md -------------------------------------------------------------------------------

INTRO = """# Benchmark results

Written by `python -m bench --write-results` (see [README.md](README.md)): one section per
database, each rewritten by the run that measured it. A ratio is the value over its limit,
measured in the same run on the same machine.
"""


def section(data: Dataset, measures: list[Measure], command: str) -> str:
    m = machine(data)
    database = f"PostgreSQL {m.postgres}" if m.postgres else f"SQLite {m.sqlite}"
    large = data.rows.get(data.large_slug, {})
    return "\n".join(
        [
            f"## {database}",
            "",
            f"- date: {m.date}",
            f"- machine: {m.cpu}, {m.cores} cores, {m.ram_gib:.0f} GiB RAM, {m.system}",
            f"- software: {m.python}, SQLite {m.sqlite}"
            + (f", PostgreSQL {m.postgres}" if m.postgres else ""),
            f"- command: `{command}`",
            f"- data: scale {data.scale:g}, seed {data.seed}: large tenant with "
            f"{large.get('opportunities_opportunity', 0):,} opportunities, "
            f"{large.get('customers_customer', 0):,} customers, "
            f"{large.get('leads_lead', 0):,} leads; tenth tenant at 10%; "
            f"{len(data.small_slugs)} small tenants (built in {data.build_seconds:,.0f} s)",
            "",
            markdown_table(measures),
            "",
        ]
    )


def write_results(data: Dataset, measures: list[Measure], command: str) -> Path:
    """Rewrite this database's section of RESULTS.md, keeping the other's."""
    key = "postgresql" if data.is_postgres else "sqlite"
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{section(data, measures, command)}{end}"
    text = RESULTS.read_text() if RESULTS.exists() else INTRO
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)
    return RESULTS
