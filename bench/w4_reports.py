"""W4 reports: each report through the API on the large tenant (the last 12 months) beside its
SQL alone, and beside the same report on the tenth tenant (10% of the data).

"Its SQL alone" is what the request ran, minus what any authenticated request runs: the
statements are captured from Tortoise's log with their parameters, those of `{ me { roles } }`
are dropped, and the rest are replayed on the driver connection. Reports come from a list of
(label, field, arguments); the schema is read by introspection, so a report whose field or
arguments do not exist (yet) is reported as skipped, and each report selects every field of
its result (nested records by id and name).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from bench.dataset import Dataset
from bench.measure import Measure
from bench.suite import Api, Statement, api_session, captured_sql, interleaved_ms, median
from core.db import connection

BASELINE = "{ me { roles } }"
MAX_DEPTH = 4  # levels of objects selected, the report's own type included


@dataclass(frozen=True)
class Report:
    label: str
    field: str
    args: dict[str, Any]


def reports(start: dt.date, end: dt.date) -> list[Report]:
    span = {"from": start.isoformat(), "to": end.isoformat()}
    return [
        *(
            Report(f"salesFunnel by {g.lower()}", "salesFunnel", {**span, "groupBy": g})
            for g in ("PERIOD", "SOURCE", "OWNER")
        ),
        Report("pipelineByStage", "pipelineByStage", {}),
        *(
            Report(f"winRate by {g.lower()}", "winRate", {**span, "groupBy": g})
            for g in ("OWNER", "TEAM", "PRODUCT", "SOURCE")
        ),
        Report("salesForecast, 6 months", "salesForecast", {"months": 6}),
        Report("salesCycle", "salesCycle", span),
        Report("leaderboard", "leaderboard", span),
        Report("orderRevenue", "orderRevenue", span),
        Report("renewalsDue, 3 months", "renewalsDue", {"months": 3}),
    ]


def run(data: Dataset, rounds: int = 50) -> list[Measure]:
    return asyncio.run(measure(data, max(3, rounds // 5)))


# -- the schema, and a document per report ---------------------------------------------------

TYPE_REF = (
    "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } "
    "} } }"
)
INTROSPECTION = (
    "{ __schema { queryType { name } types { name kind enumValues { name } "
    "fields { name args { name defaultValue type { ...T } } type { ...T } } } } } " + TYPE_REF
)


class Schema:
    """The tenant's schema as introspection shows it."""

    def __init__(self, introspected: dict[str, Any]) -> None:
        schema = introspected["__schema"]
        self.types = {t["name"]: t for t in schema["types"]}
        self.query = {f["name"]: f for f in self.types[schema["queryType"]["name"]]["fields"]}

    @staticmethod
    def named(ref: dict[str, Any]) -> str:
        while ref.get("ofType"):
            ref = ref["ofType"]
        return ref["name"]

    def kind(self, ref: dict[str, Any]) -> str:
        return self.types[self.named(ref)]["kind"]

    def selection(self, ref: dict[str, Any], depth: int = 0) -> str:
        """Every field of an object type without required arguments, nested objects to
        MAX_DEPTH; records (types with an id) by id and name only; no connections."""
        kind = self.kind(ref)
        if kind in ("SCALAR", "ENUM"):
            return ""
        fields = self.types[self.named(ref)]["fields"] or []
        names = {f["name"] for f in fields}
        if kind == "UNION":
            return "{ __typename }"
        if depth > 0 and "id" in names:
            return "{ " + " ".join(n for n in ("id", "name") if n in names) + " }"
        parts = []
        for f in fields:
            required = any(
                a["type"]["kind"] == "NON_NULL" and a["defaultValue"] is None for a in f["args"]
            )
            nested = self.kind(f["type"]) not in ("SCALAR", "ENUM")
            too_deep = nested and depth + 1 >= MAX_DEPTH
            if required or too_deep or self.named(f["type"]).endswith("Connection"):
                continue
            parts.append(f"{f['name']} {self.selection(f['type'], depth + 1)}".strip())
        return "{ " + " ".join(parts or ["__typename"]) + " }"

    def document(self, report: Report) -> tuple[str | None, str]:
        """(the query, "") or (None, why the report is skipped)."""
        field = self.query.get(report.field)
        if field is None:
            return None, f"skipped: no {report.field} field in the schema"
        declared = {a["name"]: a for a in field["args"]}
        missing = [
            name
            for name, a in declared.items()
            if a["type"]["kind"] == "NON_NULL" and a["defaultValue"] is None
            if name not in report.args
        ]
        if missing:
            return None, f"skipped: {report.field} requires {', '.join(missing)}"
        rendered = []
        for name, value in report.args.items():
            if name not in declared:
                return None, f"skipped: {report.field} takes no '{name}'"
            ref = declared[name]["type"]
            if self.kind(ref) == "ENUM":
                allowed = {v["name"] for v in self.types[self.named(ref)]["enumValues"]}
                if value not in allowed:
                    return None, f"skipped: {self.named(ref)} has no {value}"
                rendered.append(f"{name}: {value}")
            else:
                rendered.append(f"{name}: {json.dumps(value)}")
        args = f"({', '.join(rendered)})" if rendered else ""
        return f"{{ {report.field}{args} {self.selection(field['type'])} }}", ""


# -- measuring ------------------------------------------------------------------------------


async def report_sql(api: Api, document: str) -> list[Statement]:
    """The statements of the report's request that an authenticated request of its own
    (`{ me { roles } }`) does not also run: the report's SQL."""
    with captured_sql() as baseline:
        await api.post(BASELINE)
    with captured_sql() as log:
        await api.post(document)
    common = {s.sql for s in baseline}
    return [s for s in log if s.sql not in common]


async def replay(statements: list[Statement]) -> None:
    """The statements, in order, on the driver's own connection (no ORM, no logging)."""
    client = connection()
    async with client.acquire_connection() as raw:
        for s in statements:
            if hasattr(raw, "execute_fetchall"):  # aiosqlite
                await raw.execute_fetchall(s.sql, s.values)
            else:  # asyncpg
                await raw.fetch(s.sql, *s.values)


async def measure(data: Dataset, rounds: int) -> list[Measure]:
    end = data.reference_date
    wanted = reports(end - dt.timedelta(days=365), end)
    measures: list[Measure] = []
    async with api_session(data) as session:
        large = await session.sign_in(data.credentials[data.large_slug])
        tenth = await session.sign_in(data.credentials[data.tenth_slug])
        schema = Schema(await large.data(INTROSPECTION))
        for report in wanted:
            document, why = schema.document(report)
            if document is None:
                print(f"  {report.label}: {why}", flush=True)
                measures.append(_skipped(report, why))
                continue
            measures += await measure_report(report, document, large, tenth, rounds)
    return measures


async def measure_report(
    report: Report, document: str, large: Api, tenth: Api, rounds: int
) -> list[Measure]:
    body = (await large.post(document)).json()
    if "errors" in body:
        why = f"skipped: {body['errors'][0].get('message', 'error')}"
        print(f"  {report.label}: {why}", flush=True)
        return [_skipped(report, why)]

    async def on(api: Api) -> None:
        response = await api.post(document)
        assert response.status_code == 200

    statements = await report_sql(large, document)
    reads = [s for s in statements if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    samples = await interleaved_ms(
        [lambda: on(large), lambda: replay(reads), lambda: on(tenth)], rounds, warmup=1
    )
    api_ms, sql_ms, tenth_ms = (median(s) for s in samples)
    print(
        f"  {report.label}: {api_ms:,.1f} ms, SQL {sql_ms:,.1f} ms, 10%: {tenth_ms:,.1f} ms",
        flush=True,
    )
    skipped = len(statements) - len(reads)
    note = f"{rounds} requests" + (f"; {skipped} writes not replayed" if skipped else "")
    return [
        Measure(
            "W4",
            f"{report.label}: API median, 12 months",
            api_ms,
            "ms",
            sql_ms,
            f"its SQL alone ({len(reads)} statements replayed)",
            "<= 1.5x",
            note,
        ),
        Measure(
            "W4",
            f"{report.label}: growth, 10% -> 100% data",
            api_ms,
            "ms",
            tenth_ms,
            "same report on the tenth tenant",
            "<= 10x",
        ),
    ]


def _skipped(report: Report, why: str) -> Measure:
    return Measure("W4", report.label, math.nan, "ms", note=why)
