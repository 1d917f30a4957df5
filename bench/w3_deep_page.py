"""W3 deep page: W1's page deep in the list (page 10 000 at scale 1.0, the middle of the
large tenant's opportunities) through a keyset cursor, beside page 1 of the same query."""

from __future__ import annotations

import asyncio
from typing import Any

from bench.dataset import Dataset
from bench.measure import Measure
from bench.suite import Api, api_session, interleaved_ms, median
from bench.w1_page import PAGE
from core.db import connection
from core.graphql.relay import _encode_cursor  # the API's own cursor format, not a copy
from core.tenancy import tenant_scope

QUERY = (
    "query($after: String) { opportunities(first: 50, after: $after) { edges { node { "
    "name stage { name } customer { name } owner { name } } } } }"
)
# The API's default order (plugins/opportunities/queries.py): newest first, then id.
AT_POSITION = """
SELECT o.id, o.name FROM opportunities_opportunity o WHERE o.tenant_id = {p1}
ORDER BY o.created_at DESC, o.id DESC LIMIT {p2} OFFSET {p3}
"""


def run(data: Dataset, rounds: int = 50) -> list[Measure]:
    return asyncio.run(measure(data, rounds))


def deep_page(data: Dataset) -> int:
    """Page 10 000 of 50 rows at 1 000 000 opportunities: half way down, whatever the scale."""
    return max(2, data.rows[data.large_slug]["opportunities_opportunity"] // (2 * PAGE))


async def rows_at(data: Dataset, tenant_id: int, offset: int, limit: int) -> list[dict[str, Any]]:
    marks = ("$1", "$2", "$3") if data.is_postgres else ("?", "?", "?")
    sql = AT_POSITION.format(p1=marks[0], p2=marks[1], p3=marks[2])
    _, rows = await connection().execute_query(sql, [tenant_id, limit, offset])
    return [dict(r) for r in rows]


async def cursor_after(data: Dataset, tenant_id: int, position: int) -> str:
    """The cursor of the row at 1-based `position`, as the API would have handed it out."""
    from plugins.opportunities.models import Opportunity

    (row,) = await rows_at(data, tenant_id, position - 1, 1)
    with tenant_scope(tenant_id):
        deal = await Opportunity.get(id=row["id"])
    return _encode_cursor([deal.created_at, deal.id])


async def names(api: Api, after: str | None) -> list[str]:
    data = await api.data(QUERY, {"after": after})
    return [edge["node"]["name"] for edge in data["opportunities"]["edges"]]


async def measure(data: Dataset, rounds: int) -> list[Measure]:
    page = deep_page(data)
    first_row = (page - 1) * PAGE + 1
    async with api_session(data) as session:
        api = await session.sign_in(data.credentials[data.large_slug])
        cursor = await cursor_after(data, api.tenant_id, first_row - 1)
        expected = await rows_at(data, api.tenant_id, first_row - 1, PAGE)
        if await names(api, cursor) != [r["name"] for r in expected]:
            raise AssertionError(f"W3: page {page} through the API is not rows {first_row}...")

        async def request(after: str | None) -> None:
            response = await api.post(QUERY, {"after": after})
            assert response.status_code == 200

        first, deep_down = await interleaved_ms(
            [lambda: request(None), lambda: request(cursor)], rounds
        )
        page_1, deep = median(first), median(deep_down)
    return [
        Measure(
            "W3",
            f"page {page:,} (rows {first_row:,}..{first_row + PAGE - 1:,}): API median",
            deep,
            "ms",
            page_1,
            "page 1 of the same query",
            "<= 1.5x",
            f"{rounds} requests, keyset cursor",
        )
    ]
