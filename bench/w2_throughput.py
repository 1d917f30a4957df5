"""W1's page under load through the real server (uvicorn, 2 workers), beside a bare endpoint
serving the same rows the same way.

Tessera runs as `uvicorn core.asgi:app --workers 2` in a subprocess; bench/bare_app.py runs
the same way with one endpoint that returns the same 50 rows from one raw SQL query. Each is
warmed up, then driven by bench/loadgen.py (separate processes, keep-alive connections on
loopback) for a fixed time with a fixed concurrency, one server at a time. Reported: requests
per second, p50 and p99 latency and failures, beside the bare endpoint's; the load
generator's ceiling against a trivial endpoint; and who used the CPU cores while W2 ran,
since on a small machine the generator, the server and the database share them.

    python -m bench.w2_throughput [--database-url URL] [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from bench.loadgen import Check, LoadResult, Target, build_request, run_load
from bench.measure import Measure
from bench.results import format_table
from bench.w1_page import PAGE, QUERY

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
W1 = QUERY % PAGE
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"
PAGE_CHECK = Check(
    prefix=b'{"data":{"opportunities":{"edges":[',
    absent=b'"errors"',
    marker=b'"node":',
    marker_count=PAGE,
)
PING_CHECK = Check(prefix=b'{"data":{"ping":"pong"}}')
WARM_UP_SECONDS = 3.0
READY_TIMEOUT_SECONDS = 120.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Login(Protocol):
    tenant: str  # slug
    email: str
    password: str


class W2Data(Protocol):
    """What W2 needs of the suite's dataset (bench.dataset.Dataset has it)."""

    url: str
    secret_key: str  # the server must sign tokens with the dataset's secret
    large_slug: str
    large_id: int
    credentials: Mapping[str, Login]  # tenant slug -> its admin


# -- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_ready(process: subprocess.Popen, log: Path, workers: int) -> None:
    """Until every worker finished its lifespan start-up: a worker that is not ready yet does
    not accept, so connections opened earlier would all land on the others."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if text.count("Application startup complete.") >= workers:
            return
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{text[-3000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"server not ready in {READY_TIMEOUT_SECONDS:.0f} s:\n{text[-3000:]}")


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def serve(app: str, env: dict[str, str], workers: int) -> Iterator[Server]:
    """`uvicorn app --workers N` on a free loopback port, until the block ends."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port)]
                + ["--workers", str(workers), "--no-access-log", "--log-level", "info"],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_ready(process, log, workers)
            yield Server(port, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- who uses the CPU ---------------------------------------------------------------------------


def _process_cpu(pid: int) -> float:
    """User + system seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += _descendants(int(child))
    return found


def _workers(pid: int) -> list[int]:
    """uvicorn's worker processes (its other child is multiprocessing's resource tracker)."""
    return [
        child
        for child in _descendants(pid)[1:]
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def _established_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def connection_spread(server: Server) -> list[int]:
    """Client connections each worker holds: keep-alive connections stay where accepted."""
    inodes = _established_inodes(server.port)
    spread = []
    for worker in _workers(server.pid):
        held = 0
        for fd in Path(f"/proc/{worker}/fd").iterdir():
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            held += link.startswith("socket:[") and link[8:-1] in inodes
        spread.append(held)
    return spread


def _backend_pids(database: str | None) -> list[int]:
    """PostgreSQL's server processes for `database`: their title names it ("postgres: 15/main:
    postgres tessera_bench ..."), so other clients' work on other databases is left out."""
    if database is None:
        return []
    pids = []
    for title in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f" {database} ".encode() in title.read_bytes():
                pids.append(int(title.parent.name))
        except OSError:
            continue
    return pids


def _machine_busy_seconds() -> float:
    """CPU seconds spent busy by all cores since boot (everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


@dataclass(frozen=True)
class CpuSample:
    server: dict[int, float]  # pid -> CPU seconds so far
    database: dict[int, float]
    machine: float


def sample_cpu(server_pid: int, database: str | None) -> CpuSample:
    return CpuSample(
        server={p: _process_cpu(p) for p in _descendants(server_pid)},
        database={p: _process_cpu(p) for p in _backend_pids(database)},
        machine=_machine_busy_seconds(),
    )


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two samples by the processes alive at the second (database
    backends of other clients come and go)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


@dataclass(frozen=True)
class Run:
    """One measured window: what the generator saw and the cores each party kept busy."""

    load: LoadResult
    server_cores: float
    database_cores: float
    machine_cores: float
    spread: list[int]  # connections held by each server worker

    @property
    def other_cores(self) -> float:
        """Whatever else ran on the machine meanwhile (other jobs disturb the figures)."""
        mine = self.server_cores + self.load.generator_cores + self.database_cores
        return max(0.0, self.machine_cores - mine)

    def cpu_note(self) -> str:
        return (
            f"connections per worker {'/'.join(map(str, self.spread))}; "
            f"cores busy: server {self.server_cores:.2f}, load generator "
            f"{self.load.generator_cores:.2f}, PostgreSQL backends {self.database_cores:.2f}, "
            f"other processes {self.other_cores:.2f}; whole machine {self.machine_cores:.2f} "
            f"of {os.cpu_count()}"
        )


@dataclass(frozen=True)
class Plan:
    """How every window is driven, and which PostgreSQL database's processes to watch."""

    seconds: float
    connections: int
    processes: int
    database: str | None


def measure_window(server: Server, target: Target, plan: Plan) -> Run:
    """Warm up, then one measured window, sampling CPU use exactly at its edges and where the
    connections are in its middle."""
    seconds, connections, processes = plan.seconds, plan.connections, plan.processes
    run_load(target, WARM_UP_SECONDS, connections, processes)
    samples: list[CpuSample] = []
    spreads: list[list[int]] = []
    timers: list[threading.Timer] = []

    def on_start(start_at: float) -> None:
        now = time.time()
        timers.extend(
            threading.Timer(at - now, lambda: samples.append(sample_cpu(server.pid, plan.database)))
            for at in (start_at, start_at + seconds)
        )
        middle = start_at + seconds / 2 - now
        timers.append(threading.Timer(middle, lambda: spreads.append(connection_spread(server))))
        for timer in timers:
            timer.start()

    load = run_load(target, seconds, connections, processes, on_start=on_start)
    for timer in timers:
        timer.join()
    first, last = samples
    return Run(
        load=load,
        server_cores=_spent(first.server, last.server) / seconds,
        database_cores=_spent(first.database, last.database) / seconds,
        machine_cores=(last.machine - first.machine) / seconds,
        spread=spreads[0],
    )


# -- the workload -------------------------------------------------------------------------------


def _login_body(login: Login) -> dict[str, Any]:
    variables = {"i": {"email": login.email, "password": login.password, "tenant": login.tenant}}
    return {"query": LOGIN, "variables": variables}


def sign_in(port: int, login: Login) -> str:
    response = httpx.post(f"http://{HOST}:{port}/graphql", json=_login_body(login), timeout=60)
    return response.json()["data"]["login"]["token"]


def login_request(port: int, login: Login) -> bytes:
    body = json.dumps(_login_body(login)).encode()
    return build_request(HOST, port, "/graphql", body, {"Content-Type": "application/json"})


def page_request(port: int, token: str) -> bytes:
    body = json.dumps({"query": W1}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return build_request(HOST, port, "/graphql", body, headers)


def fetch_page(port: int, token: str) -> dict[str, Any]:
    response = httpx.post(
        f"http://{HOST}:{port}/graphql",
        json={"query": W1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return response.json()


def _tessera_env(data: W2Data) -> dict[str, str]:
    # The scheduler would tick in each worker during the window: off, as for every benchmark.
    return {
        "TESSERA_DATABASE_URL": data.url,
        "TESSERA_SECRET_KEY": data.secret_key,
        "TESSERA_SCHEDULER_INTERVAL": "0",
    }


def _database_name(url: str) -> str | None:
    """The PostgreSQL database's name, whose server processes W2 watches; None for SQLite."""
    return None if url.startswith("sqlite://") else urlsplit(url).path.lstrip("/")


def _bare_env(data: W2Data) -> dict[str, str]:
    return {"BENCH_BARE_DATABASE_URL": data.url, "BENCH_BARE_TENANT_ID": str(data.large_id)}


def run(
    data: W2Data,
    seconds: float = 10.0,
    connections: int = 16,
    processes: int = 2,
    workers: int = 2,
) -> list[Measure]:
    plan = Plan(seconds, connections, processes, _database_name(data.url))
    with serve("core.asgi:app", _tessera_env(data), workers) as server:
        admin = data.credentials[data.large_slug]
        token = sign_in(server.port, admin)
        expected = fetch_page(server.port, token)
        # Signing in checks the password hash on the event loop: it holds the worker.
        hold = login_request(server.port, admin)
        page = page_request(server.port, token)
        api = measure_window(server, Target(HOST, server.port, page, PAGE_CHECK, hold), plan)
    with serve("bench.bare_app:app", _bare_env(data), workers) as server:
        got = fetch_page(server.port, token)
        if got != expected:
            raise AssertionError(f"the bare endpoint's rows differ from W1's: {got} != {expected}")
        hold = build_request(HOST, server.port, "/hold")
        page = page_request(server.port, token)
        bare = measure_window(server, Target(HOST, server.port, page, PAGE_CHECK, hold), plan)
        ping = build_request(HOST, server.port, "/ping")
        ceiling = measure_window(server, Target(HOST, server.port, ping, PING_CHECK, hold), plan)
    return _measures(api, bare, ceiling, workers)


def _measures(api: Run, bare: Run, ceiling: Run, workers: int) -> list[Measure]:
    setup = (
        f"uvicorn --workers {workers}, {api.load.connections} keep-alive connections from "
        f"{api.load.processes} generator processes, {api.load.seconds:.0f} s after "
        f"{WARM_UP_SECONDS:.0f} s warm-up"
    )
    bare_name = f"bare Starlette + one raw SQL query + json, uvicorn --workers {workers}"
    return [
        Measure(
            "W2",
            "opportunities(first: 50) under load, throughput",
            api.load.rate,
            "req/s",
            limit=bare.load.rate,
            limit_name=bare_name,
            target=">= 40%",
            note=f"{setup}; {api.cpu_note()}; bare: {bare.cpu_note()}",
        ),
        Measure(
            "W2",
            "opportunities(first: 50) under load, p50 latency",
            api.load.p50_ms,
            "ms",
            limit=bare.load.p50_ms,
            limit_name=bare_name,
        ),
        Measure(
            "W2",
            "opportunities(first: 50) under load, p99 latency",
            api.load.p99_ms,
            "ms",
            limit=bare.load.p99_ms,
            limit_name=bare_name,
        ),
        Measure(
            "W2",
            f"failed requests (not 200 with {PAGE} nodes and no errors)",
            api.load.errors,
            "requests",
            target="0",
            note=f"of {api.load.good + api.load.errors}; bare endpoint: {bare.load.errors}",
        ),
        Measure(
            "W2",
            "load generator ceiling: trivial endpoint, same server set-up",
            ceiling.load.rate,
            "req/s",
            note=f"{ceiling.load.errors} failed; {ceiling.cpu_note()}",
        ),
        Measure(
            "W2",
            "load generator CPU while driving W2",
            api.load.generator_cores,
            "cores",
            limit=float(os.cpu_count() or 1),
            limit_name="cores of the machine",
            note="the generator runs on the same cores as the server and the database",
        ),
    ]


# -- standalone: a small self-made dataset ------------------------------------------------------


@dataclass(frozen=True)
class SmallLogin:
    tenant: str
    email: str
    password: str


@dataclass(frozen=True)
class SmallData:
    url: str
    secret_key: str
    large_slug: str
    large_id: int
    credentials: dict[str, SmallLogin]


async def build_small_data(url: str, opportunities: int = 2000) -> SmallData:
    """A fresh, migrated database with one tenant holding `opportunities` deals."""
    import datetime as dt
    import random
    from decimal import Decimal

    from bench.customers_page import recreate_database
    from core.db import close_db, migrate
    from core.models import Membership, User
    from core.runtime import Runtime
    from core.settings import Settings
    from core.tenancy import tenant_scope
    from core.tenants import create_tenant
    from plugins.customers.models import Customer
    from plugins.opportunities.models import Opportunity, PipelineStage
    from plugins.opportunities.service import DEFAULT_PIPELINE

    settings = Settings(database_url=url, secret_key="bench-w2-secret-key-long-enough-for-hs256")
    await recreate_database(url)
    runtime = Runtime(settings)
    await migrate(url, runtime.host)
    await close_db()
    await runtime.start()
    rng = random.Random(2)
    password = "bench-password"
    try:
        tenant = await create_tenant(
            runtime, "w2", "W2 Ltd", "admin@w2.bench", password, list(runtime.host.order)
        )
        with tenant_scope(tenant.id):
            owners = []
            for i in range(10):
                user = await User.create(
                    email=f"rep{i}@w2.bench", name=f"Rep {i}", password_hash="x"
                )
                await Membership.create(user=user)
                owners.append(user.id)
            await PipelineStage.bulk_create(
                [
                    PipelineStage(name=name, position=i, probability=p, kind=kind)
                    for i, (name, p, kind) in enumerate(DEFAULT_PIPELINE, start=1)
                ]
            )
            stage_ids = await PipelineStage.all().values_list("id", flat=True)
            await Customer.bulk_create(
                [Customer(name=f"Customer {i}", owner_id=rng.choice(owners)) for i in range(500)]
            )
            customer_ids = await Customer.all().values_list("id", flat=True)
            start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            await Opportunity.bulk_create(
                [
                    Opportunity(
                        name=f"Deal {i}",
                        customer_id=rng.choice(customer_ids),
                        owner_id=rng.choice(owners),
                        amount=Decimal(rng.randint(1_000, 500_000)),
                        currency="CNY",
                        probability=50,
                        stage_id=rng.choice(stage_ids),
                        expected_close_date=dt.date(2027, 1, 1),
                        stage_entered_at=start,
                        created_at=start + dt.timedelta(minutes=i),
                    )
                    for i in range(opportunities)
                ],
                batch_size=1000,
            )
    finally:
        await runtime.stop()
    login = SmallLogin(tenant.slug, "admin@w2.bench", password)
    return SmallData(url, settings.secret_key, tenant.slug, tenant.id, {tenant.slug: login})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.w2_throughput")
    parser.add_argument("--database-url", help="PostgreSQL URL (dropped and recreated)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/w2.sqlite3"
        data = asyncio.run(build_small_data(url))
        print(format_table(run(data, args.seconds, args.connections, args.processes)))


if __name__ == "__main__":
    main()
