"""W5 search: p50 and p95 of `search(query, first: 20)` over the large tenant through the API,
beside the runtime's search backend called directly with the same arguments."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bench.dataset import BRAND, CITIES, CN_INDUSTRY, EN_FAMILY, EN_FIRST, EN_INDUSTRY, Dataset
from bench.measure import Measure
from bench.suite import Api, api_session, interleaved_ms, median, percentile
from core.runtime import Runtime

LIMIT = 20
QUERY = (
    "query($q: String!) { search(query: $q, first: 20) { type id title snippet score "
    "node { id } } }"
)
# What people type, from rare to common: a brand, a city and an industry, an English company
# name, a common Chinese name, an English surname, a legal form most companies carry.
QUERIES = (
    BRAND[0][0] + BRAND[1][0],
    f"{CITIES[0][0]} {CN_INDUSTRY[0]}",
    EN_FIRST[0],
    f"{EN_FIRST[11]} {EN_INDUSTRY[2]}",
    "王伟",
    EN_FAMILY[0],
    "有限公司",
)
WARMUP = 2


def run(data: Dataset, rounds: int = 50) -> list[Measure]:
    return asyncio.run(measure(data, rounds))


def backend_call(runtime: Runtime, tenant_id: int) -> Callable[[str], Awaitable[Any]]:
    """The call core.api.nodes `search` makes for a tenant admin: every enabled type (the
    admin reads them all), no owner restriction (tenant-wide scope), the pooled types."""
    types = sorted(runtime.searchables)
    pooled = [name for name in types if runtime.searchables[name].unowned_visible]

    def call(query: str) -> Awaitable[Any]:
        return runtime.search.search(tenant_id, query, types, None, LIMIT, unowned_types=pooled)

    return call


async def measure(data: Dataset, rounds: int) -> list[Measure]:
    async with api_session(data) as session:
        api = await session.sign_in(data.credentials[data.large_slug])
        backend = backend_call(session.runtime, api.tenant_id)
        hits = {q: len((await api.data(QUERY, {"q": q}))["search"]) for q in QUERIES}
        calls = []
        for q in QUERIES:
            calls += [lambda q=q: _request(api, q), lambda q=q: backend(q)]
        taken = await interleaved_ms(calls, rounds, warmup=WARMUP)
    # Per query: (through the API, the backend alone).
    samples = {q: (taken[2 * i], taken[2 * i + 1]) for i, q in enumerate(QUERIES)}
    every_api = [s for a, _ in samples.values() for s in a]
    every_backend = [s for _, b in samples.values() for s in b]
    note = f"{len(QUERIES)} queries x {rounds}"
    measures = [
        Measure(
            "W5",
            f"search p{q}, first: 20",
            percentile(every_api, q),
            "ms",
            percentile(every_backend, q),
            "the search backend called directly",
            "<= 2x",
            note,
        )
        for q in (50, 95)
    ]
    for query, (through_api, alone) in samples.items():
        measures.append(
            Measure(
                "W5",
                f'  "{query}" median',
                median(through_api),
                "ms",
                median(alone),
                "backend alone",
                note=f"{hits[query]} hits",
            )
        )
    return measures


async def _request(api: Api, query: str) -> None:
    response = await api.post(QUERY, {"q": query})
    assert response.status_code == 200
