"""The benchmark tools measure what they claim: the load generator counts only good responses
inside its window and spreads its connections over the server's workers; W7 picks valid
plugin sets."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bench.loadgen import Check, Target, build_request, run_load
from bench.w2_throughput import HOST, connection_spread, serve
from bench.w7_startup import spread_plugin_sets, valid_plugin_sets
from core.plugins import PluginHost
from core.settings import Settings


def test_a_check_accepts_only_200_with_the_expected_body() -> None:
    check = Check(prefix=b'{"data":', absent=b'"errors"', marker=b'"node":', marker_count=2)
    assert check.passes(200, b'{"data":[{"node":1},{"node":2}]}')
    assert not check.passes(500, b'{"data":[{"node":1},{"node":2}]}')
    assert not check.passes(200, b'{"data":[{"node":1}]}')
    assert not check.passes(200, b'{"data":null,"errors":[]}')


def test_requests_are_keep_alive_http_1_1_with_their_length() -> None:
    request = build_request("127.0.0.1", 8000, "/graphql", b"{}", {"Authorization": "Bearer t"})
    head, body = request.split(b"\r\n\r\n")
    assert head.startswith(b"POST /graphql HTTP/1.1\r\n")
    assert b"Connection: keep-alive" in head and b"Content-Length: 2" in head
    assert body == b"{}"


def test_the_load_generator_counts_good_responses_and_uses_every_worker(tmp_path: Path) -> None:
    env = {"BENCH_BARE_DATABASE_URL": f"sqlite://{tmp_path}/empty.sqlite3"}
    spreads: list[list[int]] = []

    with serve("bench.bare_app:app", env | {"BENCH_BARE_TENANT_ID": "1"}, workers=2) as server:

        def look_inside_the_window(start_at: float) -> None:
            look = threading.Timer(
                start_at + 0.5 - time.time(), lambda: spreads.append(connection_spread(server))
            )
            look.start()

        ping = build_request(HOST, server.port, "/ping")
        hold = build_request(HOST, server.port, "/hold")
        target = Target(HOST, server.port, ping, Check(prefix=b'{"data":{"ping":"pong"}}'), hold)
        result = run_load(target, 1.0, connections=8, processes=2, on_start=look_inside_the_window)
    assert spreads == [[4, 4]]
    assert result.errors == 0
    assert result.good > 50 and len(result.latencies_ms) == result.good
    assert result.p50_ms <= result.p99_ms


def test_w7_plugin_sets_hold_what_their_plugins_require() -> None:
    host = PluginHost(Settings()).load()
    every = valid_plugin_sets(host)
    assert every[0] == frozenset(host.plugins)
    assert all(host.requirements_of(p) <= s for s in every for p in s)
    chosen = spread_plugin_sets(host, 20)
    assert len(set(chosen)) == min(20, len(every)) and chosen[0] == frozenset(host.plugins)
