"""Sign-in, tokens, API keys, the platform admin and tenants."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from core.auth.tokens import issue_session_token
from core.demo import ensure_platform_admin
from core.graphql.relay import to_global_id
from core.models import User
from core.runtime import Runtime
from tests.conftest import TEST_SECRET
from tests.support import PASSWORD, Api, World, error_codes, make_world

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token user { email roles } userErrors { field code } } }"


async def test_wrong_password_is_a_user_error(api: Api, world: World) -> None:
    data = await api.data(
        LOGIN, {"i": {"email": f"sales@{world.slug}.test", "password": "nope-nope"}}
    )
    assert data["login"] == {
        "token": None,
        "user": None,
        "userErrors": [{"field": ["input"], "code": "INVALID_CREDENTIALS"}],
    }


async def test_passwords_are_argon2_hashed(world: World) -> None:
    user = await User.get(email=f"sales@{world.slug}.test")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


async def test_member_of_two_tenants_picks_one(api: Api, world: World, runtime: Runtime) -> None:
    other = await make_world(runtime, api)
    email = f"sales@{world.slug}.test"
    await api.data(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { userErrors { code } } }",
        {"i": {"email": email, "name": "Sales", "roles": ["manager"]}},
        other.token("admin"),
    )
    ambiguous = await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}})
    assert ambiguous["login"]["userErrors"] == [{"field": ["tenant"], "code": "TENANT_REQUIRED"}]
    chosen = await api.data(
        LOGIN, {"i": {"email": email, "password": PASSWORD, "tenant": other.slug}}
    )
    assert chosen["login"]["user"]["roles"] == ["manager"]
    me = await api.data("{ me { roles } }", token=chosen["login"]["token"])
    assert me["me"]["roles"] == ["manager"]


async def test_expired_token_is_refused(api: Api, world: World) -> None:
    token = issue_session_token(
        TEST_SECRET, world.user_ids["sales"], world.tenant.id, 60, now=1_000_000
    )
    response = await api.post("{ me { email } }", token=token)
    assert response.status_code == 401 and error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_api_keys_work_until_revoked(api: Api, world: World) -> None:
    admin = world.token("admin")
    created = await api.data(
        'mutation { createApiKey(input: {name: "ERP sync"}) { apiKey { id name prefix } secret userErrors { code } } }',
        token=admin,
    )
    key = created["createApiKey"]
    assert key["secret"].startswith(key["apiKey"]["prefix"])
    me = await api.data("{ me { email } }", token=key["secret"])
    assert me["me"]["email"] == f"admin@{world.slug}.test"
    listed = await api.data("{ apiKeys { name revokedAt } }", token=admin)
    assert listed["apiKeys"] == [{"name": "ERP sync", "revokedAt": None}]
    await api.data(
        "mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { userErrors { code } } }",
        {"i": {"id": key["apiKey"]["id"]}},
        admin,
    )
    response = await api.post("{ me { email } }", token=key["secret"])
    assert response.status_code == 401


async def test_platform_admin_creates_tenants(api: Api, runtime: Runtime) -> None:
    email = f"root-{uuid.uuid4().hex[:6]}@platform.test"
    await ensure_platform_admin(email, PASSWORD)
    root = await api.login(email)
    slug = f"acme-{uuid.uuid4().hex[:6]}"
    created = await api.data(
        "mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { slug plugins } userErrors { field code } } }",
        {
            "i": {
                "slug": slug,
                "name": "Acme",
                "adminEmail": f"boss@{slug}.test",
                "adminPassword": PASSWORD,
                "plugins": ["customers"],
            }
        },
        root,
    )
    assert created["createTenant"] == {
        "tenant": {"slug": slug, "plugins": ["customers"]},
        "userErrors": [],
    }
    assert slug in {
        t["slug"] for t in (await api.data("{ tenants { slug } }", token=root))["tenants"]
    }
    boss = await api.login(f"boss@{slug}.test")
    assert (await api.data("{ me { roles } }", token=boss))["me"]["roles"] == ["admin"]
    refused = await api.gql(
        'mutation { createTenant(input: {slug: "x", name: "x", adminEmail: "a@b.cd", adminPassword: "12345678"}) { userErrors { code } } }',
        token=boss,
    )
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_users_created_by_the_tenant_admin_can_sign_in(api: Api, world: World) -> None:
    created = await api.data(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email roles team managerId } userErrors { code } } }",
        {
            "i": {
                "email": f"new@{world.slug}.test",
                "name": "Newbie",
                "password": PASSWORD,
                "roles": ["sales"],
                "team": "east",
                "managerId": to_global_id("User", world.user_ids["manager"]),
            }
        },
        world.token("admin"),
    )
    assert created["createUser"]["user"]["roles"] == ["sales"]
    token = await api.login(f"new@{world.slug}.test")
    users = await api.data(
        "{ users(first: 50) { totalCount edges { node { email } } } }", token=token
    )
    assert users["users"]["totalCount"] == 7


def test_cli_creates_the_platform_admin(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    env = {**os.environ, "TESSERA_DATABASE_URL": f"sqlite://{db}"}
    tessera = [sys.executable, "-m", "core.cli"]
    subprocess.run([*tessera, "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [*tessera, "create-admin", "--email", "ops@example.com", "--password", PASSWORD],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "ops@example.com" in done.stdout
    row = (
        sqlite3.connect(db)
        .execute(
            "SELECT is_platform_admin, password_hash FROM core_user WHERE email = 'ops@example.com'"
        )
        .fetchone()
    )
    assert row[0] == 1 and row[1].startswith("$argon2id$")


async def test_users_and_api_keys_are_nodes(api: Api, world: World) -> None:
    admin = world.token("admin")
    sales_gid = to_global_id("User", world.user_ids["sales"])
    query = "query($id: ID!) { node(id: $id) { __typename ... on User { email } ... on ApiKey { name } } }"
    assert (await api.data(query, {"id": sales_gid}, world.token("viewer")))["node"] == {
        "__typename": "User",
        "email": f"sales@{world.slug}.test",
    }
    assert (await api.data(query, {"id": sales_gid}, world.token("nobody")))["node"] is None
    key = await api.data(
        'mutation { createApiKey(input: {name: "BI"}) { apiKey { id } } }', token=admin
    )
    key_gid = key["createApiKey"]["apiKey"]["id"]
    assert (await api.data(query, {"id": key_gid}, admin))["node"] == {
        "__typename": "ApiKey",
        "name": "BI",
    }
    assert (await api.data(query, {"id": key_gid}, world.token("manager")))["node"] is None
