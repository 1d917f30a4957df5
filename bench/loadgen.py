"""A small closed-loop HTTP/1.1 load generator for loopback benchmarks (W2).

Each process runs one event loop holding a share of the keep-alive connections; every
connection sends one pre-built request, reads the whole response, checks it, and sends the
next. Raw asyncio streams (with uvloop when installed) instead of an HTTP client library keep
the generator's own cost per request in the tens of microseconds, so that on a small machine
it takes as little CPU as possible from the server it measures. Only responses that complete
inside the measured window are counted.

This module imports nothing heavy at the top: its worker processes are spawned and import it.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

# Once every process is connected, the window opens this much later (all must be waiting).
START_MARGIN_SECONDS = 0.2
# Generator processes that have not opened their connections by then have failed.
READY_TIMEOUT_SECONDS = 120.0
HOLD_START_SECONDS = 0.005


@dataclass(frozen=True)
class Check:
    """What a good response is: status 200 and a body with these properties."""

    prefix: bytes = b""  # the body starts with it
    absent: bytes = b""  # the body does not contain it
    marker: bytes = b""  # the body contains it exactly `marker_count` times
    marker_count: int = 0

    def passes(self, status: int, body: bytes) -> bool:
        if status != 200 or not body.startswith(self.prefix):
            return False
        if self.absent and self.absent in body:
            return False
        return not self.marker or body.count(self.marker) == self.marker_count


@dataclass(frozen=True)
class Target:
    """Where to send what: the request bytes are built once, sent unchanged every time."""

    host: str
    port: int
    request: bytes
    check: Check = field(default_factory=Check)
    # A request that blocks the worker serving it for a moment, sent while connections are
    # opened (unmeasured) to spread them over the workers: see _open_spread.
    hold: bytes = b""


@dataclass(frozen=True)
class LoadResult:
    good: int  # passing responses completed inside the window
    errors: int  # failing responses, broken connections, protocol errors
    seconds: float  # the window
    latencies_ms: list[float]  # of the good responses
    generator_cpu_seconds: float  # user + system time of all generator processes in the window
    connections: int
    processes: int

    @property
    def rate(self) -> float:
        return self.good / self.seconds

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99_ms(self) -> float:
        return _percentile(self.latencies_ms, 0.99)

    @property
    def generator_cores(self) -> float:
        """How many CPU cores the generator kept busy on average during the window."""
        return self.generator_cpu_seconds / self.seconds


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build_request(
    host: str,
    port: int,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> bytes:
    """One HTTP/1.1 keep-alive request: POST when there is a body, GET otherwise."""
    method = method or ("POST" if body else "GET")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _BadResponse(Exception):
    """The connection cannot be reused: the server closed it or sent what we cannot frame."""


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lowered = head.lower()
    start = lowered.find(b"\r\ncontent-length:")
    if start < 0:
        # The servers measured here always send Content-Length; anything else is a failure.
        raise _BadResponse("no content-length")
    end = lowered.index(b"\r\n", start + 2)
    body = await reader.readexactly(int(lowered[start + 17 : end]))
    if b"\r\nconnection: close" in lowered:
        raise _BadResponse("connection: close")
    return status, body


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class _Tally:
    good: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)


async def _connect(target: Target) -> Connection:
    return await asyncio.open_connection(target.host, target.port)


async def _reconnect(target: Target, deadline: float, tally: _Tally) -> Connection | None:
    """A fresh connection, or None once the window is over; each refusal counts as an error."""
    while time.perf_counter() < deadline:
        try:
            return await _connect(target)
        except OSError:
            tally.errors += 1
            await asyncio.sleep(0.01)
    return None


async def _open_spread(target: Target, connections: int, turn: Any) -> list[Connection]:
    """`connections` keep-alive connections, spread over the server's workers.

    A multi-worker server's workers all accept on one socket, and an idle worker takes every
    connection waiting: opened in a burst, connections land on one worker and stay there.
    So each connection is opened while the worker holding the previous one is kept busy by
    `target.hold`, which leaves another worker to accept it: with two workers they alternate.
    The generator processes take turns (`turn`, a lock), so that they do not interleave.
    """
    await asyncio.to_thread(turn.acquire)
    try:
        opened: list[Connection] = []
        for _ in range(connections):
            holding = bool(opened and target.hold)
            if holding:
                opened[-1][1].write(target.hold)
                await asyncio.sleep(HOLD_START_SECONDS)  # until that worker is inside it
            reader, writer = await _connect(target)
            writer.write(target.hold or target.request)
            if holding:
                await _read_response(opened[-1][0])
            await _read_response(reader)
            opened.append((reader, writer))
        return opened
    finally:
        turn.release()


async def _drive(
    target: Target, connection: Connection, start: float, deadline: float, tally: _Tally
) -> None:
    """One connection's closed loop, from `start` until `deadline` (time.perf_counter)."""
    reader, writer = connection
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    try:
        while True:
            sent = time.perf_counter()
            if sent >= deadline:
                return
            try:
                writer.write(target.request)
                status, body = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, _BadResponse):
                if time.perf_counter() <= deadline:
                    tally.errors += 1
                writer.close()
                fresh = await _reconnect(target, deadline, tally)
                if fresh is None:
                    return
                reader, writer = fresh
                continue
            done = time.perf_counter()
            if done > deadline:
                return  # finished after the window closed: belongs to no measured second
            if target.check.passes(status, body):
                tally.good += 1
                tally.latencies_ms.append((done - sent) * 1000)
            else:
                tally.errors += 1
    finally:
        writer.close()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _worker_main(
    target: Target, connections: int, seconds: float, gate: Gate
) -> tuple[_Tally, float]:
    opened = await _open_spread(target, connections, gate.turn)
    start_at = await asyncio.to_thread(gate.wait_for_start)
    # start_at is wall-clock time, shared by all processes; each converts it to its own clock.
    start = time.perf_counter() + (start_at - time.time())
    deadline = start + seconds
    tally = _Tally()
    tasks = [asyncio.create_task(_drive(target, c, start, deadline, tally)) for c in opened]
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    cpu_before = _cpu_seconds()
    await asyncio.gather(*tasks)
    return tally, _cpu_seconds() - cpu_before


@dataclass(frozen=True)
class Gate:
    """Starts the window once every generator process has opened its connections: however
    long the processes take to start (spawn re-imports the main module, the machine may be
    busy), no connection joins the window late."""

    barrier: Any  # multiprocessing Barrier: the workers and the parent
    start_at: Any  # multiprocessing Value("d"): the window's start, wall clock
    turn: Any  # multiprocessing Lock: one process opens its connections at a time

    def wait_for_start(self) -> float:
        self.barrier.wait()  # all connected
        self.barrier.wait()  # the parent has set start_at
        return self.start_at.value


def _worker(target: Target, connections: int, seconds: float, gate: Gate, results: Any) -> None:
    main = _worker_main(target, connections, seconds, gate)
    try:
        import uvloop
    except ImportError:
        results.put(asyncio.run(main))
        return
    results.put(uvloop.run(main))


def run_load(
    target: Target,
    seconds: float = 10.0,
    connections: int = 16,
    processes: int = 2,
    on_start: Callable[[float], None] | None = None,
) -> LoadResult:
    """Drive `target` with `connections` keep-alive connections spread over `processes`
    generator processes for `seconds`, and return what came back inside the window.

    `on_start(start_at)` is called with the window's start (wall clock) just before it opens.
    """
    shares = [connections // processes + (i < connections % processes) for i in range(processes)]
    shares = [n for n in shares if n]
    context = get_context("spawn")
    gate = Gate(context.Barrier(len(shares) + 1), context.Value("d", 0.0), context.Lock())
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(target, n, seconds, gate, results), daemon=True)
        for n in shares
    ]
    for worker in workers:
        worker.start()
    try:
        gate.barrier.wait(timeout=READY_TIMEOUT_SECONDS)
        gate.start_at.value = time.time() + START_MARGIN_SECONDS
        if on_start is not None:
            on_start(gate.start_at.value)
        gate.barrier.wait()
        outcomes = [results.get(timeout=seconds + READY_TIMEOUT_SECONDS) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    tallies = [tally for tally, _ in outcomes]
    return LoadResult(
        good=sum(t.good for t in tallies),
        errors=sum(t.errors for t in tallies),
        seconds=seconds,
        latencies_ms=[ms for t in tallies for ms in t.latencies_ms],
        generator_cpu_seconds=sum(cpu for _, cpu in outcomes),
        connections=connections,
        processes=len(shares),
    )
