"""The benchmark suite works: a tiny dataset builds through the real generator, and W1 and W3
measure what they claim (W1's API page holds exactly the rows its raw SQL limit reads).

Runs in a fresh interpreter: the suite initialises Tortoise on its own database, which must
not disturb the test session's. On the PostgreSQL pass of `make test` it loads with COPY into
a database of its own, named after the suite's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import asyncio, dataclasses, json, sys
from bench import w1_page, w3_deep_page
from bench.dataset import ensure_dataset, reset_database
from bench.suite import api_session

async def pages(data):
    async with api_session(data) as session:
        api = await session.sign_in(data.credentials[data.large_slug])
        return await w1_page.both_pages(data, api)

url = sys.argv[1]
asyncio.run(reset_database(url))
data = asyncio.run(ensure_dataset(url, scale=0.0005))
through_api, by_sql = asyncio.run(pages(data))
measures = w1_page.run(data, rounds=2) + w3_deep_page.run(data, rounds=2)
print(json.dumps({
    "api": through_api,
    "sql": by_sql,
    "measures": [dataclasses.asdict(m) for m in measures],
}))
"""


def bench_url(tmp_path: Path) -> str:
    test_url = os.environ.get("TESSERA_TEST_DATABASE_URL", "")
    if test_url and Settings(database_url=test_url).is_postgres:
        parts = urlsplit(test_url)
        return urlunsplit((parts.scheme, parts.netloc, f"{parts.path}_bench", "", ""))
    return f"sqlite://{tmp_path / 'bench.sqlite3'}"


def test_w1_and_w3_run_on_a_tiny_dataset(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, bench_url(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    names = [node["name"] for node in result["api"]]
    assert len(names) == 50
    assert names == [row["name"] for row in result["sql"]]
    assert result["api"] == result["sql"]  # stage, customer and owner names as well

    measures = result["measures"]
    assert [m["workload"] for m in measures] == ["W1", "W1", "W3"]
    for m in measures:
        assert m["value"] > 0 and m["limit"] > 0, m
