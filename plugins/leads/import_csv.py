"""CSV import of leads, with a column mapping and a per-row error report.

    python -m plugins.leads.import_csv --tenant SLUG --file leads.csv \\
        --map 'Name=person_name,Company=company,E-mail=email' [--skip-bad-rows]

All or nothing by default: one bad row and nothing is written, every bad row is reported.
With --skip-bad-rows the good rows are written and the bad ones reported. Either way rows go
through the same path as createLead (scoring, duplicate flags, assignment, events), in
batches inside one transaction; progress goes to stderr. The database is the one
TESSERA_DATABASE_URL names (run `tessera migrate` first). The `importLeads` mutation uses
the same function for smaller files.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.bulk import refresh_statistics
from core.events import unit_of_work
from core.models import Tenant
from plugins.leads.models import Lead
from plugins.leads.service import MAX_BULK, SOURCES, NewLead, check_values, create_leads

if TYPE_CHECKING:
    from core.runtime import Runtime

FIELDS = (
    "person_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "region",
    "tags",
    "description",
)
TAG_SEPARATORS = (";", "|")
# Rows between two refreshes of the planner statistics during one large import.
STATISTICS_EVERY = 10 * MAX_BULK


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row: `line` is the file's line number (the header is line 1)."""

    line: int
    field: str
    message: str
    code: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})


def parse_mapping(text: str) -> dict[str, str]:
    """'Name=person_name,E-mail=email' -> {column: lead field}; ValueError when wrong."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, target = part.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(f"'{part}' is not COLUMN=field")
        check_target(target.strip())
        mapping[column.strip()] = target.strip()
    if "person_name" not in mapping.values():
        raise ValueError("map a column to person_name")
    return mapping


def check_target(target: str) -> None:
    if target not in FIELDS:
        raise ValueError(f"unknown lead field '{target}'; use one of {', '.join(FIELDS)}")


def _split_tags(value: str) -> list[str]:
    for separator in TAG_SEPARATORS:
        value = value.replace(separator, ",")
    return [t for t in (t.strip() for t in value.split(",")) if t]


def to_lead(
    row: dict[str, str | None], mapping: dict[str, str], line: int
) -> tuple[NewLead, list[RowError]]:
    values: dict[str, str | None] = {target: None for target in mapping.values()}
    for column, target in mapping.items():
        cell = row.get(column)
        if cell is not None and cell.strip():
            values[target] = cell.strip()
    errors: list[RowError] = []
    source = (values.pop("source", None) or "IMPORT").upper().replace(" ", "_")
    if source not in SOURCES:
        errors.append(RowError(line, "source", f"Unknown lead source '{source}'.", "INVALID"))
        source = "IMPORT"
    tags = _split_tags(values.pop("tags", None) or "")
    new = NewLead(
        person_name=values.get("person_name"),
        company=values.get("company"),
        title=values.get("title"),
        email=values.get("email"),
        phone=values.get("phone"),
        source=source,
        region=values.get("region"),
        tags=tags,
        description=values.get("description"),
    )
    errors += [
        RowError(line, ".".join(e.field or []), e.message, e.code)
        for e in check_values(vars(new), [], creating=True)
    ]
    return new, errors


def read_csv(text: str) -> tuple[list[str], list[dict[str, str | None]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return list(reader.fieldnames or []), list(reader)


async def import_leads(
    runtime: Runtime,
    tenant_id: int,
    rows: Iterable[dict[str, str | None]],
    mapping: dict[str, str],
    skip_bad_rows: bool,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate every row, then write (all, or the good ones) in one transaction.

    Call inside the tenant's scope.
    """
    report = ImportReport()
    good: list[NewLead] = []
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        new, errors = to_lead(row, mapping, line)
        report.errors += errors
        if not errors:
            good.append(new)
    if report.errors and not skip_bad_rows:
        return report
    tenant = await Tenant.get(id=tenant_id)
    async with unit_of_work(runtime, tenant_id, actor_id, frozenset(tenant.plugins)) as work:
        for start in range(0, len(good), MAX_BULK):
            batch = good[start : start + MAX_BULK]
            await create_leads(runtime, work, batch)
            report.created += len(batch)
            if start % STATISTICS_EVERY == 0 and start + MAX_BULK < len(good):
                await refresh_statistics(Lead)  # the duplicate lookups stay index scans
            if progress is not None:
                progress(report.created, len(good))
    return report


def unknown_columns(header: list[str], mapping: dict[str, str]) -> list[str]:
    return [c for c in mapping if c not in header]


async def _run(args: argparse.Namespace) -> int:
    from core.db import close_db, init_db
    from core.runtime import Runtime
    from core.settings import Settings
    from core.tenancy import tenant_scope

    try:
        mapping = parse_mapping(args.map)
    except ValueError as exc:
        print(f"--map: {exc}", file=sys.stderr)
        return 2
    with open(args.file, encoding="utf-8-sig", newline="") as f:
        header, rows = read_csv(f.read())
    missing = unknown_columns(header, mapping)
    if missing:
        print(f"--map names columns the file lacks: {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    runtime = Runtime(settings)
    await init_db(settings.database_url, runtime.host)
    try:
        await runtime.search.prepare()
        tenant = await Tenant.get_or_none(slug=args.tenant)
        if tenant is None or "leads" not in tenant.plugins:
            print(f"no tenant '{args.tenant}' with the leads plugin enabled", file=sys.stderr)
            return 2

        def progress(done: int, total: int) -> None:
            print(f"\rimported {done}/{total} rows", end="", file=sys.stderr, flush=True)

        with tenant_scope(tenant.id):
            report = await import_leads(
                runtime, tenant.id, rows, mapping, args.skip_bad_rows, progress=progress
            )
    finally:
        await close_db()
    print(file=sys.stderr)
    for e in report.errors:
        print(f"line {e.line}: {e.field}: {e.message}", file=sys.stderr)
    rejected = len(report.rejected_lines)
    if report.errors and not args.skip_bad_rows:
        print(f"{rejected} of {report.rows} rows are bad: nothing imported", file=sys.stderr)
        return 1
    print(f"imported {report.created} of {report.rows} rows, skipped {rejected}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m plugins.leads.import_csv", description="Import leads from a CSV file."
    )
    parser.add_argument("--tenant", required=True, help="the tenant's slug")
    parser.add_argument("--file", required=True, help="UTF-8 CSV with a header row")
    parser.add_argument(
        "--map",
        required=True,
        help=f"COLUMN=field pairs, comma-separated; fields: {', '.join(FIELDS)}",
    )
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows and report the bad (default: all or nothing)",
    )
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
