"""What every API benchmark starts with: a migrated database, a started runtime, one tenant
with every installed plugin, and its admin signed in over the real ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from core.app import create_app
from core.db import close_db, migrate
from core.models import Tenant
from core.runtime import Runtime
from core.settings import Settings
from core.tenants import create_tenant

PASSWORD = "bench-password"


@dataclass
class BenchSession:
    runtime: Runtime
    tenant: Tenant
    client: httpx.AsyncClient
    headers: dict[str, str]  # the signed-in admin's Authorization header

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        """The data of a GraphQL call that must succeed."""
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


@asynccontextmanager
async def bench_session(url: str, slug: str, name: str) -> AsyncIterator[BenchSession]:
    settings = Settings(
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hs256",
        scheduler_interval_seconds=0,
    )
    runtime = Runtime(settings)
    await migrate(url, runtime.host)
    await close_db()
    await runtime.start()
    email = f"admin@{slug}.test"
    try:
        tenant = await create_tenant(runtime, slug, name, email, PASSWORD, list(runtime.host.order))
        app = create_app(runtime=runtime)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=600
        ) as client:
            login = await client.post(
                "/graphql",
                json={
                    "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
                    "variables": {"i": {"email": email, "password": PASSWORD}},
                },
            )
            token = login.json()["data"]["login"]["token"]
            yield BenchSession(runtime, tenant, client, {"authorization": f"Bearer {token}"})
    finally:
        await runtime.stop()
