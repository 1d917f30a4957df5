"""Rows/second of the bulk lead import through the API, beside a raw batched INSERT.

Both write into a tenant created for the purpose (all built-in plugins enabled) and removed
afterwards, so the dataset's tenants are not touched. The raw limit runs first, then the
import, so the import meets the larger table. The insert form is the same for both: one
single-row INSERT statement executed for a batch of 500 rows at a time (`executemany`, as the
import writes its leads through core.bulk.insert_many), inside one transaction; the limit
goes through the raw driver (asyncpg or aiosqlite) on a connection of its own.

    python -m bench.w6_import [--database-url URL] [--leads 50000] [--profile]

`--profile` also imports one chunk of 5 000 rows under cProfile and prints the top costs by
cumulative time. On SQLite the statements run in aiosqlite's thread, which cProfile does
not see: their time shows as the event loop waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import pstats
import random
import sysconfig
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from bench.customers_page import recreate_database
from bench.measure import Measure
from bench.results import format_table
from bench.sales_pipeline import MAPPING, lead_csv
from bench.session import BenchSession, bench_session

CHUNK = 5000  # importLeads' maximum rows per call
BATCH = 500  # rows per executemany: the import's batch (plugins.leads.service.MAX_BULK)
IMPORT = (
    "mutation($i: ImportLeadsInput!) { importLeads(input: $i) { created userErrors { code } } }"
)


class W6Data(Protocol):
    url: str
    is_postgres: bool


# -- the raw limit ------------------------------------------------------------------------------


def raw_lead(i: int, tenant_id: int, stamp: dt.datetime) -> dict[str, Any]:
    """One lead row as the import writes it (every column but the generated id). Email and
    phone differ from the imported rows' (bench.sales_pipeline.lead_csv), so that the import
    finds no duplicates among them."""
    return {
        "tenant_id": tenant_id,
        "person_name": f"Raw {i}",
        "company": f"Raw company {i % 5000}",
        "title": "Buyer",
        "email": f"r{i}@r{i % 5000}.example.com",
        "email_key": f"r{i}@r{i % 5000}.example.com",
        "phone": f"+86 21 {i:08d}",
        "phone_key": f"8621{i:08d}",
        "source": "REFERRAL",
        "status": "NEW",
        "score": 20,
        "owner_id": None,
        "region": "north",
        "tags": "[]",
        "tags_text": "",
        "description": None,
        "disqualified_reason": None,
        "duplicate_of_type": None,
        "duplicate_of_id": None,
        "customer_id": None,
        "contact_id": None,
        "opportunity_id": None,
        "converted_at": None,
        "assigned_at": None,
        "last_activity_at": stamp,
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
    }


def insert_sql(columns: list[str], postgres: bool) -> str:
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, len(columns) + 1))
    return f"INSERT INTO leads_lead ({', '.join(columns)}) VALUES ({marks})"


async def _insert_postgres(url: str, sql: str, batches: list[list[tuple]]) -> float:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        async with connection.transaction():
            for batch in batches:
                await connection.executemany(sql, batch)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def _insert_sqlite(url: str, sql: str, batches: list[list[tuple]]) -> float:
    import aiosqlite

    # The pragmas Tortoise sets on its own connection, so both pay for the same checks.
    connection = await aiosqlite.connect(url.removeprefix("sqlite://"), isolation_level=None)
    try:
        await connection.execute("PRAGMA foreign_keys=ON")
        started = time.perf_counter()
        await connection.execute("BEGIN")
        for batch in batches:
            await connection.executemany(sql, batch)
        await connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        await connection.close()


async def raw_insert_rate(url: str, postgres: bool, tenant_id: int, rows: int) -> float:
    """Rows/second of `rows` leads written by the raw driver in batches of BATCH."""
    stamp = dt.datetime.now(dt.UTC)
    leads = [raw_lead(i, tenant_id, stamp) for i in range(rows)]
    columns = list(leads[0])
    values = [tuple(lead.values()) for lead in leads]
    batches = [values[i : i + BATCH] for i in range(0, rows, BATCH)]
    insert = _insert_postgres if postgres else _insert_sqlite
    return rows / await insert(url, insert_sql(columns, postgres), batches)


# -- the import through the API -----------------------------------------------------------------


async def import_chunk(bench: BenchSession, text: str, rows: int) -> None:
    done = await bench.gql(IMPORT, {"i": {"csv": text, "mapping": MAPPING}})
    result = done["importLeads"]
    if result["userErrors"] or result["created"] != rows:
        raise AssertionError(f"importLeads refused the chunk: {result}")


async def api_import_rate(bench: BenchSession, rows: int) -> float:
    """Rows/second of `rows` leads imported by importLeads in chunks of CHUNK; the CSV text
    is built before the clock starts."""
    rng = random.Random(6)
    sizes = [(start, min(CHUNK, rows - start)) for start in range(0, rows, CHUNK)]
    chunks = [(lead_csv(size, start, rng), size) for start, size in sizes]
    started = time.perf_counter()
    for text, size in chunks:
        await import_chunk(bench, text, size)
    return rows / (time.perf_counter() - started)


@asynccontextmanager
async def dedicated_tenant(url: str, purpose: str) -> AsyncIterator[BenchSession]:
    """A new tenant with every plugin and its admin signed in; removed afterwards, so that
    runs on one dataset do not pile up leads for later workloads."""
    # A new slug per run: an interrupted run may have left its tenant behind.
    slug = f"w6-{purpose}-{time.time_ns() // 1_000_000:x}"
    async with bench_session(url, slug, f"W6 {purpose}") as bench:
        try:
            yield bench
        finally:
            await remove_tenant(bench)


async def remove_tenant(bench: BenchSession) -> None:
    """Its search documents, its policy rows, the tenant (its rows follow: every tenant
    foreign key cascades) and its users."""
    from casbin_tortoise_adapter.model import CasbinRule
    from tortoise.transactions import in_transaction

    from core.auth.rbac import domain
    from core.models import Membership, Tenant, User
    from core.tenancy import tenant_scope

    runtime, tenant_id = bench.runtime, bench.tenant.id
    async with in_transaction():
        with tenant_scope(tenant_id):
            users = list(await Membership.all().values_list("user_id", flat=True))
            for item in runtime.searchables.values():
                ids = list(await item.model.all().values_list("id", flat=True))
                await runtime.search.remove(tenant_id, item.type_name, ids)
        await CasbinRule.filter(v1=domain(tenant_id)).delete()
        await CasbinRule.filter(v2=domain(tenant_id)).delete()
        await Tenant.filter(id=tenant_id).delete()
        await User.filter(id__in=users).delete()


async def _measure(data: W6Data, leads: int) -> tuple[float, float]:
    async with dedicated_tenant(data.url, "import") as bench:
        raw = await raw_insert_rate(data.url, data.is_postgres, bench.tenant.id, leads)
        api = await api_import_rate(bench, leads)
    return api, raw


def run(data: W6Data, leads: int = 50_000) -> list[Measure]:
    api, raw = asyncio.run(_measure(data, leads))
    return [
        Measure(
            "W6",
            f"lead import via importLeads, {leads} rows in chunks of {CHUNK}",
            api,
            "rows/s",
            limit=raw,
            limit_name=f"raw driver executemany of one INSERT, {BATCH} rows per batch, "
            "one transaction",
            target=">= 30%",
            note="import: CSV parsing, validation, scoring, duplicates, assignment, outbox "
            "events, search documents; raw rows first, into the same fresh tenant",
        )
    ]


# -- where the import's time goes ---------------------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent


def _where(filename: str, line: int, function: str) -> str:
    paths = sysconfig.get_paths()
    for base in (paths["purelib"], paths["platlib"], paths["stdlib"], str(ROOT)):
        if filename.startswith(base + "/"):
            filename = filename.removeprefix(base + "/")
            break
    return f"{filename}:{line}({function})"


# Where the import's own work starts: what calls it (the ASGI app, GraphQL, the mutation)
# only passes its time through, so the cumulative table lists what runs below it.
ENTRY_FILE, ENTRY_FUNCTION = "plugins/leads/import_csv.py", "import_leads"
Row = tuple[str, int, str]  # cProfile's key: file, line, function


def top_table(stats: pstats.Stats, by: str, top: int, keep: Callable[[Row, float], bool]) -> str:
    """The `top` functions `keep(key, cumulative)` accepts, by cumulative ("cum") or own
    ("own") time, one line each."""
    rows = [
        (cum if by == "cum" else own, own, cum, calls, _where(*key))
        for key, (_, calls, own, cum, _) in stats.stats.items()  # type: ignore[attr-defined]
        if keep(key, cum)
    ]
    rows.sort(reverse=True)
    lines = [f"{'own s':>8} {'cum s':>8} {'calls':>9}  function"]
    lines += [f"{o:8.3f} {c:8.3f} {n:9d}  {where}" for _, o, c, n, where in rows[:top]]
    return "\n".join(lines)


def _waiting(key: Row) -> bool:
    """The event loop's wait for I/O: time no coroutine ran (the database, on PostgreSQL)."""
    return "poll' of 'select.epoll'" in key[2]


def _event_loop(key: Row) -> bool:
    return _waiting(key) or key[0].endswith(("selectors.py", "asyncio/base_events.py"))


def _entry_seconds(stats: pstats.Stats) -> float:
    return max(
        cum
        for (file, _, function), (_, _, _, cum, _) in stats.stats.items()  # type: ignore[attr-defined]
        if file.endswith(ENTRY_FILE) and function == ENTRY_FUNCTION
    )


async def _profile(data: W6Data, rows: int, top: int) -> str:
    async with dedicated_tenant(data.url, "profile") as bench:
        await import_chunk(bench, lead_csv(100, 0, random.Random(6)), 100)  # first-call costs
        text = lead_csv(rows, 100, random.Random(6))
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        await import_chunk(bench, text, rows)
        profiler.disable()
        seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    entry = _entry_seconds(stats)
    waited = sum(
        own
        for key, (_, _, own, _, _) in stats.stats.items()  # type: ignore[attr-defined]
        if _waiting(key)
    )
    return "\n\n".join(
        [
            f"one importLeads chunk of {rows} rows: {seconds:.2f} s under cProfile; running "
            f"in {ENTRY_FILE} {ENTRY_FUNCTION} {entry:.2f} s, the event loop waiting for I/O "
            f"{waited:.2f} s (a coroutine's waits count for no function)",
            f"top {top} by cumulative time, all code below {ENTRY_FUNCTION}:",
            top_table(stats, "cum", top, lambda key, cum: cum < entry and not _event_loop(key)),
            f"top {top} by own time, all code:",
            top_table(stats, "own", top, lambda key, cum: True),
        ]
    )


def profile(data: W6Data, rows: int = CHUNK, top: int = 10) -> str:
    """Where one chunk of `rows` spends its time: the top `top` functions by cumulative time
    below the import's entry point, and by own time."""
    return asyncio.run(_profile(data, rows, top))


# -- standalone ---------------------------------------------------------------------------------


class _Fresh:
    """A new database: W6 brings its own tenant, so a migrated database is all it needs."""

    def __init__(self, url: str) -> None:
        from core.settings import Settings

        self.url = url
        self.is_postgres = Settings(database_url=url).is_postgres


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.w6_import")
    parser.add_argument("--database-url", help="PostgreSQL URL (dropped and recreated)")
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="also profile one chunk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/w6.sqlite3"
        asyncio.run(recreate_database(url))
        data = _Fresh(url)
        print(format_table(run(data, args.leads)))
        if args.profile:
            print(profile(data))


if __name__ == "__main__":
    main()
