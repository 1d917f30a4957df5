"""Time from a fresh interpreter to a ready server: imports, plugin loading, schema, database."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

# Migrations run first (not timed): a deployment migrates once, then starts many times.
PROBE = """
import asyncio, time
t0 = time.perf_counter()
from core.runtime import Runtime
from core.settings import Settings
t1 = time.perf_counter()

async def main():
    runtime = Runtime(Settings.from_env())
    await runtime.start()
    t2 = time.perf_counter()
    print(t1 - t0, t2 - t1)
    await runtime.stop()

asyncio.run(main())
"""

MIGRATE = """
import asyncio
from core.db import close_db, migrate
from core.plugins import PluginHost
from core.settings import Settings

async def main():
    s = Settings.from_env()
    await migrate(s.database_url, PluginHost(s).load())
    await close_db()

asyncio.run(main())
"""


def measure_startup(database_url: str, runs: int = 5) -> list[tuple[str, str, str]]:
    env = {**os.environ, "TESSERA_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-c", MIGRATE], env=env, check=True, capture_output=True)
    imports, starts = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True
        ).stdout.split()
        imports.append(float(out[0]))
        starts.append(float(out[1]))
    total = statistics.median(i + s for i, s in zip(imports, starts, strict=True))
    return [
        ("startup: fresh process to ready", f"{total * 1000:.0f} ms", f"median of {runs}"),
        ("  of which imports", f"{statistics.median(imports) * 1000:.0f} ms", ""),
        (
            "  of which plugins + schema + database",
            f"{statistics.median(starts) * 1000:.0f} ms",
            "",
        ),
    ]
