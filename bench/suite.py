"""The benchmark suite: one dataset, every workload measured beside its physical limit.

    python -m bench [--database-url URL] [--scale 1.0] [--only W1,W3] [--rounds N]
                    [--write-results] [--profile]

Also what the workloads share: a runtime with the real ASGI app and a signed-in client,
timing, and capturing the SQL a request runs. Workloads are modules exposing
`run(data: Dataset) -> list[Measure]` (and optionally a `rounds` keyword); each starts its own
event loop and runtime, so one workload's caches never warm another's.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import logging
import math
import statistics
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.dataset import Dataset, Login, ensure_dataset
from bench.measure import Measure
from bench.results import format_table, machine, write_results
from core.app import create_app
from core.auth.tokens import read_session_token
from core.runtime import Runtime

WORKLOADS = {
    "W1": "bench.w1_page",
    "W2": "bench.w2_throughput",
    "W3": "bench.w3_deep_page",
    "W4": "bench.w4_reports",
    "W5": "bench.w5_search",
    "W6": "bench.w6_import",
    "W7": "bench.w7_startup",
}
DEFAULT_ROUNDS = 50


# -- a signed-in client on the real app -------------------------------------------------------


@dataclass
class Api:
    """One signed-in user's view of the API."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    tenant_id: int

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """The raw response: what a timed request costs, without decoding the body."""
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a call that must succeed."""
        body = (await self.post(query, variables)).json()
        if "errors" in body:
            raise AssertionError(f"{query[:80]}...: {body['errors']}")
        return body["data"]


@dataclass
class ApiSession:
    runtime: Runtime
    client: httpx.AsyncClient

    async def sign_in(self, login: Login) -> Api:
        response = await self.client.post(
            "/graphql",
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
                "variables": {
                    "i": {"email": login.email, "password": login.password, "tenant": login.tenant}
                },
            },
        )
        token = response.json()["data"]["login"]["token"]
        claims = read_session_token(self.runtime.settings.secret_key, token)
        assert claims.tenant_id is not None
        return Api(self.client, {"authorization": f"Bearer {token}"}, claims.tenant_id)


@asynccontextmanager
async def api_session(data: Dataset) -> AsyncIterator[ApiSession]:
    """A started runtime on the dataset and an HTTP client on its ASGI app (in process)."""
    runtime = Runtime(data.settings())
    await runtime.start()
    try:
        app = create_app(runtime=runtime)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as client:
            yield ApiSession(runtime, client)
    finally:
        await runtime.stop()


# -- timing ----------------------------------------------------------------------------------------


async def interleaved_ms(
    fns: Sequence[Callable[[], Awaitable[Any]]], rounds: int, warmup: int = 5
) -> list[list[float]]:
    """Milliseconds of `rounds` calls of each function, after `warmup` calls that fill the
    caches. The calls take turns (a, b, a, b, ...): whatever else the machine does weighs on
    a figure and on its limit alike, so their ratio holds."""
    for _ in range(warmup):
        for fn in fns:
            await fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, taken in zip(fns, samples, strict=True):
            started = time.perf_counter()
            await fn()
            taken.append((time.perf_counter() - started) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated between the nearest samples."""
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# -- the SQL a request runs ------------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    values: list[Any] = field(default_factory=list)


class _SqlLog(logging.Handler):
    """Tortoise logs each statement at DEBUG as ("%s: %s", sql, values), or the SQL alone for
    scripts (tortoise/backends/*/client.py); connection messages carry other arguments."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[Statement] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and isinstance(args[0], str):
            self.statements.append(Statement(args[0], list(args[1] or [])))
        elif (
            not args
            and isinstance(record.msg, str)
            and not record.msg.startswith(("Created connection", "Closed connection"))
        ):
            self.statements.append(Statement(record.msg))


@contextmanager
def captured_sql() -> Iterator[list[Statement]]:
    """The statements run inside the block (the log costs time: never around a timing)."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _SqlLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# -- the runner --------------------------------------------------------------------------------


def run_workloads(data: Dataset, only: set[str] | None, rounds: int) -> list[Measure]:
    measures: list[Measure] = []
    for key, module_name in WORKLOADS.items():
        if only and key not in only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            print(f"\n{key}: skipped, {module_name} does not exist yet", flush=True)
            continue
        print(f"\n{title(module.__doc__ or key)}", flush=True)
        run = module.run
        kwargs = {"rounds": rounds} if "rounds" in inspect.signature(run).parameters else {}
        started = time.perf_counter()
        try:
            found = run(data, **kwargs)
        except Exception as exc:  # one broken workload must not cost the others' figures
            traceback.print_exc()
            found = [Measure(key, "failed", math.nan, "", note=f"{type(exc).__name__}: {exc}")]
        print(format_table(found), flush=True)
        print(f"({key} took {time.perf_counter() - started:,.0f} s)", flush=True)
        measures += found
    return measures


def title(doc: str) -> str:
    """The first sentence of a workload's docstring."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    return paragraph.split(". ")[0].rstrip(".") + "."


def command_line(argv: list[str]) -> str:
    return " ".join(["python -m bench", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", help="default: bench/.data/bench-<scale>.sqlite3")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1 000 000 opportunities")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="workloads to run, e.g. W1,W3 (default: all)")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed requests")
    parser.add_argument(
        "--write-results", action="store_true", help="rewrite this database's section of RESULTS.md"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile W1's API page (cProfile, top costs)"
    )
    args = parser.parse_args(argv)
    only = {w.strip().upper() for w in args.only.split(",")} if args.only else None
    data = asyncio.run(ensure_dataset(args.database_url, args.scale, args.seed))
    measures = run_workloads(data, only, args.rounds)
    print("\n" + machine(data).headline())
    print(format_table(measures))
    if args.profile:
        from bench.w1_page import profile

        print(profile(data, args.rounds))
    if args.write_results:
        path = write_results(data, measures, command_line(argv))
        print(f"\nwrote {path}")
