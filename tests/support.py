"""Test helpers: a GraphQL client over real HTTP, tenants with users per role, SQL counting."""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.auth.passwords import hash_password
from core.auth.tokens import issue_session_token
from core.models import Membership, Tenant, User
from core.runtime import Runtime
from core.tenancy import tenant_scope
from core.tenants import create_tenant

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(PASSWORD)


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, query: str, variables: dict | None = None, token: str | None = None, **headers: str
    ) -> httpx.Response:
        if token:
            headers["authorization"] = f"Bearer {token}"
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict | None = None, token: str | None = None
    ) -> dict:
        """The whole GraphQL response body."""
        return (await self.post(query, variables, token)).json()

    async def data(
        self, query: str, variables: dict | None = None, token: str | None = None
    ) -> dict:
        """The data of a response that must have no errors."""
        body = await self.gql(query, variables, token)
        assert "errors" not in body, body
        return body["data"]

    async def login(self, email: str, password: str = PASSWORD, tenant: str | None = None) -> str:
        data = await self.data(
            "mutation($i: LoginInput!) { login(input: $i) { token userErrors { code } } }",
            {"i": {"email": email, "password": password, "tenant": tenant}},
        )
        assert data["login"]["userErrors"] == [], data
        return data["login"]["token"]


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@dataclass
class World:
    """A tenant and its people: tokens and user ids per name."""

    tenant: Tenant
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def token(self, who: str) -> str:
        return self.tokens[who]


# name: (roles, team, reports to)
PEOPLE: dict[str, tuple[list[str], str | None, str | None]] = {
    "admin": (["admin"], None, None),
    "manager": (["manager"], "east", None),
    "sales": (["sales"], "east", "manager"),
    "sales2": (["sales"], "west", None),
    "viewer": (["viewer"], None, None),
    "nobody": ([], None, None),
}

_counter = itertools.count(1)


async def make_world(runtime: Runtime, api: Api, plugins: list[str] | None = None) -> World:
    slug = f"t{next(_counter)}-{uuid.uuid4().hex[:6]}"
    admin_email = f"admin@{slug}.test"
    tenant = await create_tenant(
        runtime,
        slug,
        f"Tenant {slug}",
        admin_email,
        PASSWORD,
        plugins if plugins is not None else list(runtime.host.order),
    )
    world = World(tenant=tenant)
    admin = await User.get(email=admin_email)
    world.user_ids["admin"] = admin.id
    with tenant_scope(tenant.id):
        for name, (roles, team, manager) in PEOPLE.items():
            if name == "admin":
                continue
            user = await User.create(
                email=f"{name}@{slug}.test", name=name.title(), password_hash=_PASSWORD_HASH
            )
            await Membership.create(
                user=user, team=team, manager_id=world.user_ids.get(manager) if manager else None
            )
            await runtime.rbac.set_roles(tenant.id, user.id, roles)
            world.user_ids[name] = user.id
    # Real session tokens, signed as login signs them, without an argon2 check per person
    # (about 0.1 s each, for every test's world). test_auth covers login itself.
    settings = runtime.settings
    for name in PEOPLE:
        world.tokens[name] = issue_session_token(
            settings.secret_key, world.user_ids[name], tenant.id, settings.token_ttl_seconds
        )
    # As after a real sign-in, the tenant's policy is loaded before the test's first request,
    # so tests counting a request's SQL statements count that request's own.
    await api.data("{ me { roles } }", token=world.tokens["admin"])
    world.tenant = await Tenant.get(id=tenant.id)
    return world


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements Tortoise runs inside the block."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Counter(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def gid_pk(global_id: str) -> int:
    from core.graphql.relay import from_global_id

    parsed = from_global_id(global_id)
    assert parsed is not None
    return parsed[1]


def first_error(body: dict) -> Any:
    return body["errors"][0]


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF, as a reader would copy it."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
