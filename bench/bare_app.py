"""W2's physical limit: a bare Starlette app, served like Tessera (uvicorn, same workers),
whose endpoint runs the one raw SQL query that returns the rows of W1's page and sends them
back as JSON in the shape of W1's response. No auth, no GraphQL, no ORM.

    BENCH_BARE_DATABASE_URL=sqlite://path BENCH_BARE_TENANT_ID=1 \\
        uvicorn bench.bare_app:app --workers 2 --port 8001

`POST /graphql` (any body, ignored) answers the page; `GET /ping` answers a constant, to
measure the load generator's ceiling; `GET /hold` keeps its worker busy for a moment, for the
load generator to spread its connections over the workers. Configuration comes from the
environment because each uvicorn worker imports this module afresh.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

HOLD_SECONDS = 0.05
# W1's raw query (bench/w1_page.py, RAW), kept here so that the bare app imports nothing of
# Tessera's; W2 checks that both return the same rows.
PAGE_SQL = (
    "SELECT o.name, s.name, c.name, u.name FROM opportunities_opportunity o "
    "JOIN opportunities_stage s ON s.id = o.stage_id "
    "JOIN customers_customer c ON c.id = o.customer_id "
    "JOIN core_user u ON u.id = o.owner_id "
    "WHERE o.tenant_id = {p} ORDER BY o.created_at DESC, o.id DESC LIMIT 50"
)

Fetch = Callable[[int], Awaitable[list[Any]]]
Close = Callable[[], Awaitable[None]]


async def _postgres(url: str) -> tuple[Fetch, Close]:
    import asyncpg

    # One connection per worker, as the issue asks: the query takes well under a millisecond.
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    sql = PAGE_SQL.format(p="$1")

    async def fetch(tenant_id: int) -> list[Any]:
        return await pool.fetch(sql, tenant_id)

    return fetch, pool.close


async def _sqlite(url: str) -> tuple[Fetch, Close]:
    import aiosqlite

    db = await aiosqlite.connect(url.removeprefix("sqlite://"))
    sql = PAGE_SQL.format(p="?")

    async def fetch(tenant_id: int) -> list[Any]:
        async with db.execute(sql, (tenant_id,)) as cursor:
            return list(await cursor.fetchall())

    return fetch, db.close


async def open_database(url: str) -> tuple[Fetch, Close]:
    """The page query bound to one raw connection, and how to close it."""
    return await (_sqlite(url) if url.startswith("sqlite://") else _postgres(url))


def page_payload(rows: list[Any]) -> dict[str, Any]:
    """The rows in the shape of W1's GraphQL response."""
    return {
        "data": {
            "opportunities": {
                "edges": [
                    {
                        "node": {
                            "name": name,
                            "stage": {"name": stage},
                            "customer": {"name": customer},
                            "owner": {"name": owner},
                        }
                    }
                    for name, stage, customer, owner in rows
                ]
            }
        }
    }


def create_bare_app(url: str, tenant_id: int) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.fetch, close = await open_database(url)
        yield
        await close()

    async def page(request: Request) -> JSONResponse:
        await request.body()  # read like any endpoint would; the content does not matter
        return JSONResponse(page_payload(await request.app.state.fetch(tenant_id)))

    async def ping(request: Request) -> JSONResponse:
        return JSONResponse({"data": {"ping": "pong"}})

    async def hold(request: Request) -> JSONResponse:
        # Blocks this worker's event loop on purpose: while it sleeps it accepts no connection,
        # so the load generator's next one goes to another worker (see bench/loadgen.py).
        time.sleep(HOLD_SECONDS)
        return JSONResponse({"held": HOLD_SECONDS})

    routes = [
        Route("/graphql", page, methods=["GET", "POST"]),
        Route("/ping", ping),
        Route("/hold", hold),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _from_env() -> Starlette | None:
    url = os.environ.get("BENCH_BARE_DATABASE_URL")
    return create_bare_app(url, int(os.environ["BENCH_BARE_TENANT_ID"])) if url else None


app = _from_env()
