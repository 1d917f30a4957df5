"""Fixtures for the search contract tests: every backend, prepared on a real store.

The database backend is the one TESSERA_TEST_DATABASE_URL points to (SQLite or PostgreSQL;
default: a SQLite file in a temporary directory). Meilisearch joins when
TESSERA_TEST_MEILISEARCH_URL is set (TESSERA_TEST_MEILISEARCH_KEY optional) and is skipped
otherwise. Tests get a fresh tenant id each, so they never see one another's documents.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator

import pytest
import pytest_asyncio

from core.runtime import Runtime
from core.search import make_backend
from core.search.base import SearchBackend
from core.settings import Settings

MEILISEARCH_URL = os.environ.get("TESSERA_TEST_MEILISEARCH_URL") or None
MEILISEARCH_KEY = os.environ.get("TESSERA_TEST_MEILISEARCH_KEY") or None
# Not "tessera": the suite clears its index, and must not wipe a real one on the same server.
MEILISEARCH_INDEX = "tessera_contract_test"


def _database_url_from_env() -> str | None:
    return os.environ.get("TESSERA_TEST_DATABASE_URL") or None


def _database_kind() -> str:
    url = _database_url_from_env()
    return "postgres" if url and Settings(database_url=url).is_postgres else "sqlite"


BACKENDS = [
    pytest.param(_database_kind(), id=_database_kind()),
    pytest.param(
        "meilisearch",
        id="meilisearch",
        marks=pytest.mark.skipif(
            MEILISEARCH_URL is None,
            reason="no Meilisearch server is available here "
            "(set TESSERA_TEST_MEILISEARCH_URL to run the contract against one)",
        ),
    ),
]


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def database(runtime: Runtime) -> str:
    """The suite's migrated database (tests/conftest.py): the backends write to it."""
    return runtime.settings.database_url


@pytest_asyncio.fixture(loop_scope="session", scope="session", params=BACKENDS)
async def backend(request: pytest.FixtureRequest, database: str) -> SearchBackend:
    """A prepared, emptied backend, shared by the session (tests use distinct tenants)."""
    if request.param == "meilisearch":
        from core.search.meili import MeilisearchBackend

        assert MEILISEARCH_URL is not None
        search: SearchBackend = MeilisearchBackend(
            MEILISEARCH_URL, MEILISEARCH_KEY, index_name=MEILISEARCH_INDEX
        )
    else:
        # Through the factory, so the selection by database URL is exercised too.
        search = make_backend(Settings(database_url=database))
    await search.prepare()
    await search.clear()
    return search


_tenant_ids: Iterator[int] = itertools.count(random.randint(1, 1_000_000) * 1000)


@pytest.fixture
def tenant() -> int:
    """A tenant id no other test uses (random base: runs may share a Meilisearch index)."""
    return next(_tenant_ids)


@pytest.fixture
def other_tenant() -> int:
    return next(_tenant_ids)
