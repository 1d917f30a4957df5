"""Suite-wide fixtures: one real database per run (SQLite by default, PostgreSQL when
TESSERA_TEST_DATABASE_URL names one), migrated with the real migrations, and the real ASGI
app driven over HTTP. Tests isolate themselves by creating their own tenants."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio

from core.app import create_app
from core.db import close_db, migrate
from core.runtime import Runtime
from core.settings import Settings
from tests.support import Api, World, make_world

TEST_SECRET = "test-secret-key-for-the-suite-only"


async def _recreate_postgres_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TESSERA_TEST_DATABASE_URL") or (
        f"sqlite://{tmp_path_factory.mktemp('db') / 'tessera.sqlite3'}"
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # The insights test plugin rides along so every hook is exercised through the real app.
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        extra_plugins=("tests.plugins.insights",),
        # TESSERA_TEST_PLUGINS=a,b runs the suite with only those built-in plugins installed.
        allowed_plugins=tuple(filter(None, os.environ.get("TESSERA_TEST_PLUGINS", "").split(","))),
        scheduler_interval_seconds=0,
    )


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    if settings.is_postgres:
        await _recreate_postgres_database(settings.database_url)
    runtime = Runtime(settings)
    await migrate(settings.database_url, runtime.host)
    await close_db()
    await runtime.start()
    yield runtime
    await runtime.stop()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def api(runtime: Runtime) -> AsyncIterator[Api]:
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as client:
        yield Api(client)


@pytest_asyncio.fixture(loop_scope="session")
async def world(runtime: Runtime, api: Api) -> World:
    """A fresh tenant with every built-in plugin and one user per role."""
    return await make_world(runtime, api)
