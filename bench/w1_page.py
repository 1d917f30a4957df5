"""W1 page: `opportunities(first: 50)` with stage, customer and owner through the ASGI app,
beside the same rows read by one raw SQL query and serialised with json in the same process.

Also the SQL statements one request runs (at first: 50 and first: 10: a constant number means
the nested fields are batched), and `profile`, cProfile's view of the API page.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import json
import pstats
from typing import Any

from bench.dataset import Dataset
from bench.measure import Measure
from bench.suite import Api, api_session, captured_sql, interleaved_ms, median
from core.db import connection

PAGE = 50
QUERY = (
    "{ opportunities(first: %d) { edges { node { name stage { name } customer { name } "
    "owner { name } } } } }"
)
# The API's default order (plugins/opportunities/queries.py): newest first, then id.
RAW = """
SELECT o.name, s.name AS stage, c.name AS customer, u.name AS owner
FROM opportunities_opportunity o
JOIN opportunities_stage s ON s.id = o.stage_id
JOIN customers_customer c ON c.id = o.customer_id
JOIN core_user u ON u.id = o.owner_id
WHERE o.tenant_id = {p}
ORDER BY o.created_at DESC, o.id DESC
LIMIT {n}
"""


def run(data: Dataset, rounds: int = 50) -> list[Measure]:
    return asyncio.run(measure(data, rounds))


def raw_sql(data: Dataset) -> str:
    return RAW.format(p="$1" if data.is_postgres else "?", n=PAGE)


async def raw_page(data: Dataset, tenant_id: int) -> str:
    """The page as the API shapes it, from one query on the same Tortoise connection."""
    _, rows = await connection().execute_query(raw_sql(data), [tenant_id])
    return json.dumps(
        [
            {
                "name": r["name"],
                "stage": {"name": r["stage"]},
                "customer": {"name": r["customer"]},
                "owner": {"name": r["owner"]},
            }
            for r in rows
        ]
    )


async def api_nodes(api: Api, size: int = PAGE) -> list[dict[str, Any]]:
    data = await api.data(QUERY % size)
    return [edge["node"] for edge in data["opportunities"]["edges"]]


async def both_pages(data: Dataset, api: Api) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The API's page and the raw page, decoded: they must hold the same rows in order."""
    return await api_nodes(api), json.loads(await raw_page(data, api.tenant_id))


async def statements(api: Api, size: int) -> int:
    with captured_sql() as log:
        await api.post(QUERY % size)
    return len(log)


async def measure(data: Dataset, rounds: int) -> list[Measure]:
    async with api_session(data) as session:
        api = await session.sign_in(data.credentials[data.large_slug])
        through_api, by_sql = await both_pages(data, api)
        if through_api != by_sql:
            raise AssertionError("W1: the API page and the raw page differ; fix the bench")
        query = QUERY % PAGE

        async def api_page() -> None:
            response = await api.post(query)
            assert response.status_code == 200

        through_api, by_sql = await interleaved_ms(
            [api_page, lambda: raw_page(data, api.tenant_id)], rounds
        )
        api_ms, raw_ms = median(through_api), median(by_sql)
        at_50, at_10 = await statements(api, PAGE), await statements(api, 10)
    return [
        Measure(
            "W1",
            "opportunities(first: 50) + stage, customer, owner: API median",
            api_ms,
            "ms",
            raw_ms,
            "one raw SQL join + json.dumps, same process",
            "<= 3x",
            f"{rounds} requests",
        ),
        Measure(
            "W1",
            "SQL statements per request at first: 50",
            at_50,
            "queries",
            at_10,
            "statements at first: 10",
            "constant (= 1x)",
            "auth, page and batched loaders",
        ),
    ]


def profile(data: Dataset, rounds: int = 50, top: int = 30) -> str:
    """Where an API page's time goes: cProfile over `rounds` requests, by own time."""
    return asyncio.run(_profile(data, rounds, top))


async def _profile(data: Dataset, rounds: int, top: int) -> str:
    async with api_session(data) as session:
        api = await session.sign_in(data.credentials[data.large_slug])
        query = QUERY % PAGE
        for _ in range(5):
            await api.post(query)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(rounds):
            await api.post(query)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"\nW1 profile: {rounds} requests, by own time\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("\nby cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
