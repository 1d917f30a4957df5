"""`customers(first: 50)` with contacts and owners through the ASGI app, beside the same rows
read by raw SQL and serialised with json in the same process.

    python -m bench.customers_page [--customers 5000] [--rounds 200] [--database-url URL]
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import statistics
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from core.app import create_app
from core.db import close_db, connection, migrate
from core.models import Membership, User
from core.runtime import Runtime
from core.settings import Settings
from core.tenancy import tenant_scope
from core.tenants import create_tenant

PAGE = 50
QUERY = """{ customers(first: 50) { edges { node { id name industry website
  owner { name } contacts { name email title } } } } }"""
PASSWORD = "bench-password"


async def recreate_database(url: str) -> None:
    if not Settings(database_url=url).is_postgres:
        return
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _seed(runtime: Runtime, customers: int, contacts_per: int) -> str:
    from plugins.customers.models import Contact, Customer  # bench may know the plugin

    tenant = await create_tenant(
        runtime, "bench", "Bench Ltd", "admin@bench.test", PASSWORD, list(runtime.host.order)
    )
    rng = random.Random(42)
    with tenant_scope(tenant.id):
        owners = []
        for i in range(10):
            user = await User.create(email=f"rep{i}@bench.test", name=f"Rep {i}", password_hash="x")
            await Membership.create(user=user, team=f"team{i % 3}")
            owners.append(user.id)
        industries = ["Manufacturing", "Retail", "Software", "Logistics", "Finance"]
        batch = [
            Customer(
                name=f"Customer {i:06d} {rng.choice(['Ltd', 'GmbH', '有限公司'])}",
                industry=rng.choice(industries),
                website=f"https://c{i}.example.com",
                domain=f"c{i}.example.com",
                owner_id=rng.choice(owners),
            )
            for i in range(customers)
        ]
        await Customer.bulk_create(batch, batch_size=1000)
        ids = await Customer.all().values_list("id", flat=True)
        await Contact.bulk_create(
            [
                Contact(
                    name=f"Person {cid}-{j}",
                    email=f"p{j}@c{cid}.example.com",
                    title="Buyer",
                    customer_id=cid,
                    owner_id=rng.choice(owners),
                )
                for cid in ids
                for j in range(contacts_per)
            ],
            batch_size=1000,
        )
    # A live database keeps statistics current (autovacuum); a freshly loaded one must be told.
    await connection().execute_script("ANALYZE")
    return tenant.slug


RAW_PAGE = (
    "SELECT c.id, c.name, c.industry, c.website, u.name AS owner FROM customers_customer c "
    "JOIN core_user u ON u.id = c.owner_id WHERE c.tenant_id = {p} ORDER BY c.name, c.id LIMIT 50"
)
RAW_CONTACTS = (
    "SELECT customer_id, name, email, title FROM customers_contact WHERE tenant_id = {p} "
    "AND customer_id IN ({ids}) ORDER BY name, id"
)


async def _raw_page(tenant_id: int, postgres: bool) -> str:
    db = connection()
    p = "$1" if postgres else "?"
    _, rows = await db.execute_query(RAW_PAGE.format(p=p), [tenant_id])
    ids = [r["id"] for r in rows]
    marks = ", ".join(f"${i + 2}" if postgres else "?" for i in range(len(ids)))
    _, contacts = await db.execute_query(RAW_CONTACTS.format(p=p, ids=marks), [tenant_id, *ids])
    by_customer: dict[int, list[dict[str, Any]]] = {}
    for c in contacts:
        by_customer.setdefault(c["customer_id"], []).append(
            {"name": c["name"], "email": c["email"], "title": c["title"]}
        )
    return json.dumps(
        [
            {
                "id": r["id"],
                "name": r["name"],
                "industry": r["industry"],
                "website": r["website"],
                "owner": {"name": r["owner"]},
                "contacts": by_customer.get(r["id"], []),
            }
            for r in rows
        ]
    )


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


async def run(
    url: str, customers: int, contacts_per: int, rounds: int
) -> list[tuple[str, str, str]]:
    settings = Settings(
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hs256",
        scheduler_interval_seconds=0,
    )
    runtime = Runtime(settings)
    await migrate(url, runtime.host)
    await close_db()
    await runtime.start()
    try:
        slug = await _seed(runtime, customers, contacts_per)
        app = create_app(runtime=runtime)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            login = await client.post(
                "/graphql",
                json={
                    "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
                    "variables": {
                        "i": {"email": "admin@bench.test", "password": PASSWORD, "tenant": slug}
                    },
                },
            )
            token = login.json()["data"]["login"]["token"]
            headers = {"authorization": f"Bearer {token}"}

            async def api_page() -> None:
                body = (
                    await client.post("/graphql", json={"query": QUERY}, headers=headers)
                ).json()
                assert len(body["data"]["customers"]["edges"]) == PAGE, body

            tenant_id = await _tenant_id(slug)
            postgres = settings.is_postgres

            async def raw_page() -> None:
                assert len(json.loads(await _raw_page(tenant_id, postgres))) == PAGE

            api_ms = await _median_ms(api_page, rounds)
            raw_ms = await _median_ms(raw_page, rounds)
            counter = _Count()
            logger = logging.getLogger("tortoise.db_client")
            logger.addHandler(counter)
            logger.setLevel(logging.DEBUG)
            await api_page()
            logger.removeHandler(counter)
    finally:
        await runtime.stop()
    return [
        (
            "customers(first: 50) + contacts + owner, API median",
            f"{api_ms:.2f} ms",
            f"{rounds} requests through the ASGI app",
        ),
        ("same rows by raw SQL + json, median", f"{raw_ms:.2f} ms", "2 queries, same process"),
        ("ratio API / raw", f"{api_ms / raw_ms:.1f}x", ""),
        ("SQL queries per API request", str(counter.n), "auth + page + batched loaders"),
    ]


async def _tenant_id(slug: str) -> int:
    from core.models import Tenant

    return (await Tenant.get(slug=slug)).id


async def _median_ms(fn: Any, rounds: int) -> float:
    for _ in range(10):
        await fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    import argparse
    import platform
    import tempfile

    from bench.startup import measure_startup

    parser = argparse.ArgumentParser(prog="python -m bench.customers_page")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--contacts-per-customer", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/bench.sqlite3"
        asyncio.run(recreate_database(url))
        rows = asyncio.run(run(url, args.customers, args.contacts_per_customer, args.rounds))
        rows = measure_startup(url) + rows
    print(
        f"\nTessera benchmarks on {url.split('://')[0]}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, "
        f"{args.customers} customers x {args.contacts_per_customer} contacts\n"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>12}  note")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>12}  {note}")


if __name__ == "__main__":
    main()
