"""Issue 3's figures: bulk lead import rows/second, `pipelineBoard` latency over many open
opportunities, and SQL statements per `leads(first: 50)` page.

    python -m bench.sales_pipeline [--leads 100000] [--opportunities 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import logging
import random
import tempfile
import time
from decimal import Decimal

from bench.customers_page import _Count, _median_ms, recreate_database
from bench.session import bench_session
from core.db import connection
from core.graphql.relay import from_global_id
from core.models import Membership
from core.tenancy import tenant_scope

CHUNK = 5000
BOARD = """{ pipelineBoard { columns { count totals { amount { amount } weightedAmount { amount } }
  opportunities(first: 20) { edges { node { name amount { amount } } } } } } }"""
RAW_BOARD = (
    "SELECT stage_id, currency, COUNT(*), SUM(amount), SUM(weighted_amount) "
    "FROM opportunities_opportunity WHERE tenant_id = {p} AND status = 'OPEN' "
    "GROUP BY stage_id, currency"
)
RAW_COLUMN = (
    "SELECT id, name, amount FROM opportunities_opportunity "
    "WHERE tenant_id = {p} AND stage_id = {q} AND status = 'OPEN' "
    "ORDER BY expected_close_date, id LIMIT 21"
)


def lead_csv(rows: int, start: int, rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Company", "Title", "Email", "Phone", "Source", "Region"])
    for i in range(start, start + rows):
        writer.writerow(
            [
                f"Person {i}",
                f"Company {i % 5000}",
                rng.choice(["CEO", "Buyer", "CTO", ""]),
                f"p{i}@c{i % 5000}.example.com",
                f"+86 10 {i:08d}",
                rng.choice(["REFERRAL", "EVENT", "CAMPAIGN", "OTHER"]),
                rng.choice(["north", "south", "east", "west"]),
            ]
        )
    return out.getvalue()


MAPPING = [
    {"column": c, "field": f}
    for c, f in (
        ("Name", "PERSON_NAME"),
        ("Company", "COMPANY"),
        ("Title", "TITLE"),
        ("Email", "EMAIL"),
        ("Phone", "PHONE"),
        ("Source", "SOURCE"),
        ("Region", "REGION"),
    )
]


async def run(url: str, leads: int, opportunities: int, rounds: int) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    rng = random.Random(7)
    async with bench_session(url, "pipe", "Pipe Ltd") as bench:
        runtime, tenant = bench.runtime, bench.tenant
        gql = bench.gql

        # 1. Import through the API, in chunks of the mutation's maximum.
        started = time.perf_counter()
        for start in range(0, leads, CHUNK):
            done = await gql(
                "mutation($i: ImportLeadsInput!) { importLeads(input: $i) { "
                "created userErrors { code } } }",
                {
                    "i": {
                        "csv": lead_csv(min(CHUNK, leads - start), start, rng),
                        "mapping": MAPPING,
                    }
                },
            )
            assert done["importLeads"]["userErrors"] == [], done
        api_rate = leads / (time.perf_counter() - started)

        from plugins.leads.models import Lead  # the bench may know the plugin

        now = dt.datetime.now(dt.UTC)
        raw_rows = [
            Lead(
                person_name=f"Raw {i}",
                company=f"Company {i}",
                email=f"r{i}@x.example",
                source="IMPORT",
                last_activity_at=now,
                tenant_id=tenant.id,
            )
            for i in range(leads)
        ]
        started = time.perf_counter()
        with tenant_scope(tenant.id):
            await Lead.bulk_create(raw_rows, batch_size=1000)
        raw_rate = leads / (time.perf_counter() - started)
        rows += [
            (
                f"lead import via importLeads ({leads} rows)",
                f"{api_rate:,.0f} rows/s",
                "scoring, duplicates, assignment, events",
            ),
            ("batched INSERT (bulk_create, 1000 per statement)", f"{raw_rate:,.0f} rows/s", ""),
            ("ratio API / raw", f"{api_rate / raw_rate:.0%}", ""),
        ]

        counter = _Count()
        logger = logging.getLogger("tortoise.db_client")
        logger.addHandler(counter)
        logger.setLevel(logging.DEBUG)
        await gql(
            "{ leads(first: 50) { edges { node { personName owner { name } lastActivityAt } } } }"
        )
        logger.removeHandler(counter)
        rows.append(
            (
                "SQL statements per leads(first: 50) page",
                str(counter.n),
                "with owner and last activity",
            )
        )

        # 2. The board over many open opportunities.
        stages = (await gql("{ pipelineStages { id kind } }"))["pipelineStages"]
        open_stage_ids = [from_global_id(s["id"])[1] for s in stages if s["kind"] == "OPEN"]
        from plugins.customers.models import Customer
        from plugins.opportunities.models import Opportunity

        with tenant_scope(tenant.id):
            owner = (await Membership.first()).user_id
            await Customer.bulk_create(
                [Customer(name=f"Board customer {i}", owner_id=owner) for i in range(1000)],
                batch_size=1000,
            )
            customer_ids = await Customer.all().values_list("id", flat=True)
            deals = []
            for i in range(opportunities):
                amount = Decimal(rng.randint(1_000, 500_000))
                probability = rng.choice([10, 25, 50, 75])
                deals.append(
                    Opportunity(
                        name=f"Deal {i}",
                        customer_id=rng.choice(customer_ids),
                        owner_id=owner,
                        amount=amount,
                        currency="CNY",
                        weighted_amount=amount * probability / 100,
                        probability=probability,
                        stage_id=rng.choice(open_stage_ids),
                        expected_close_date=dt.date(2027, 1, 1)
                        + dt.timedelta(days=rng.randint(0, 365)),
                        stage_entered_at=now,
                        status="OPEN",
                    )
                )
            await Opportunity.bulk_create(deals, batch_size=1000)
        await connection().execute_script("ANALYZE")

        async def board() -> None:
            data = await gql(BOARD)
            assert sum(c["count"] for c in data["pipelineBoard"]["columns"]) == opportunities

        postgres = runtime.settings.is_postgres
        p, q = ("$1", "$2") if postgres else ("?", "?")

        async def raw_board() -> None:
            db = connection()
            await db.execute_query(RAW_BOARD.format(p=p), [tenant.id])
            for stage_id in open_stage_ids:
                await db.execute_query(RAW_COLUMN.format(p=p, q=q), [tenant.id, stage_id])

        board_ms = await _median_ms(board, rounds)
        raw_ms = await _median_ms(raw_board, rounds)
        rows += [
            (
                f"pipelineBoard, {opportunities} open deals, API median",
                f"{board_ms:.1f} ms",
                "counts, totals, 20 deals per column",
            ),
            ("same by raw SQL (GROUP BY + 1 page per column)", f"{raw_ms:.1f} ms", ""),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sales_pipeline")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/pipeline.sqlite3"
        asyncio.run(recreate_database(url))
        rows = asyncio.run(run(url, args.leads, args.opportunities, args.rounds))
    width = max(len(r[0]) for r in rows)
    print(f"\nissue 3 figures on {url.split('://')[0]}\n")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>14}  {note}")


if __name__ == "__main__":
    main()
