"""Tenant admins switch plugins on and off; each tenant's API is exactly its plugins."""

from __future__ import annotations

import httpx

from core.app import create_app
from core.graphql.relay import to_global_id
from core.runtime import Runtime
from tests.support import Api, World, error_codes, make_world

FIELDS = "{ __schema { queryType { fields { name } } } }"
CUSTOMER_FIELDS = '{ __type(name: "Customer") { fields { name } } }'
ENABLE = "mutation($n: String!) { enablePlugin(input: {name: $n}) { plugin { name enabled } userErrors { field code message } } }"
DISABLE = "mutation($n: String!) { disablePlugin(input: {name: $n}) { plugin { name enabled } userErrors { field code message } } }"


async def query_fields(api: Api, token: str) -> set[str]:
    data = await api.data(FIELDS, token=token)
    return {f["name"] for f in data["__schema"]["queryType"]["fields"]}


async def test_disabling_changes_only_that_tenants_introspection(
    api: Api, world: World, runtime: Runtime
) -> None:
    other = await make_world(runtime, api)
    admin = world.token("admin")
    assert "insightEvents" in await query_fields(api, admin)

    result = await api.data(DISABLE, {"n": "insights"}, admin)
    assert result["disablePlugin"] == {
        "plugin": {"name": "insights", "enabled": False},
        "userErrors": [],
    }

    assert "insightEvents" not in await query_fields(api, admin)
    customer_fields = await api.data(CUSTOMER_FIELDS, token=admin)
    assert "nameLength" not in {f["name"] for f in customer_fields["__type"]["fields"]}
    # The other tenant, served by the same process, is untouched.
    assert "insightEvents" in await query_fields(api, other.token("admin"))

    await api.data(ENABLE, {"n": "insights"}, admin)
    assert "insightEvents" in await query_fields(api, admin)


async def test_call_into_a_disabled_plugin_is_module_disabled(api: Api, world: World) -> None:
    admin = world.token("admin")
    await api.data(DISABLE, {"n": "insights"}, admin)
    body = await api.gql("{ insightEvents }", token=admin)
    assert error_codes(body) == ["MODULE_DISABLED"]
    assert "insights" in body["errors"][0]["message"]
    body = await api.gql("{ customers(first: 1) { edges { node { nameLength } } } }", token=admin)
    assert error_codes(body) == ["MODULE_DISABLED"]
    # A plain typo is still an ordinary validation error, not MODULE_DISABLED.
    body = await api.gql("{ customerz }", token=admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_dependencies_are_checked_both_ways(api: Api, runtime: Runtime) -> None:
    world = await make_world(runtime, api, plugins=["customers", "insights"])
    admin = world.token("admin")
    refused = await api.data(DISABLE, {"n": "customers"}, admin)
    assert refused["disablePlugin"]["userErrors"][0]["code"] == "REQUIRED_BY_ENABLED"
    assert "insights" in refused["disablePlugin"]["userErrors"][0]["message"]

    await api.data(DISABLE, {"n": "insights"}, admin)
    await api.data(DISABLE, {"n": "customers"}, admin)
    refused = await api.data(ENABLE, {"n": "insights"}, admin)
    assert refused["enablePlugin"]["userErrors"] == [
        {
            "field": ["name"],
            "code": "MISSING_DEPENDENCY",
            "message": "Enable customers first: 'insights' requires it.",
        }
    ]
    body = await api.gql("{ customers { totalCount } }", token=admin)
    assert error_codes(body) == ["MODULE_DISABLED"]

    unknown = await api.data(ENABLE, {"n": "nonexistent"}, admin)
    assert unknown["enablePlugin"]["userErrors"][0]["code"] == "UNKNOWN_PLUGIN"


async def test_only_tenant_admins_switch_plugins(api: Api, world: World) -> None:
    for who in ("manager", "sales", "viewer"):
        body = await api.gql(DISABLE, {"n": "insights"}, world.token(who))
        assert error_codes(body) == ["FORBIDDEN"], who
    plugins = await api.data(
        "{ plugins { name enabled requires { name versionRange } } }", token=world.token("sales")
    )
    insights = next(p for p in plugins["plugins"] if p["name"] == "insights")
    assert insights == {
        "name": "insights",
        "enabled": True,
        "requires": [{"name": "customers", "versionRange": ">=1.0,<2"}],
    }


async def test_change_reaches_every_worker_without_restart(
    api: Api, world: World, runtime: Runtime
) -> None:
    # A second worker: its own runtime (schema cache, policy cache) on the same database.
    second = Runtime(runtime.settings, host=runtime.host)
    second.started = True
    transport = httpx.ASGITransport(app=create_app(runtime=second))
    async with httpx.AsyncClient(transport=transport, base_url="http://worker2") as client:
        worker2 = Api(client)
        admin = world.token("admin")
        assert "insightEvents" in await query_fields(worker2, admin)
        await api.data(DISABLE, {"n": "insights"}, admin)  # through worker 1
        assert "insightEvents" not in await query_fields(worker2, admin)
        # Roles changed on worker 1 are enforced by worker 2 on its next request.
        sales_id = world.user_ids["sales"]
        await api.data(
            "mutation($i: SetUserRolesInput!) { setUserRoles(input: $i) { userErrors { code } } }",
            {"i": {"userId": to_global_id("User", sales_id), "roles": ["viewer"]}},
            admin,
        )
        body = await worker2.gql(
            'mutation { createCustomer(input: {name: "X"}) { userErrors { code } } }',
            token=world.token("sales"),
        )
        assert error_codes(body) == ["FORBIDDEN"]


async def test_one_schema_per_distinct_plugin_set(api: Api, runtime: Runtime) -> None:
    before = runtime.schemas.cached_count
    worlds = [await make_world(runtime, api, plugins=["customers"]) for _ in range(3)]
    for w in worlds:
        await api.data("{ me { email } }", token=w.token("admin"))
    schema = runtime.schemas.for_plugins(frozenset({"customers"}))
    assert schema is runtime.schemas.for_plugins(frozenset({"customers"}))
    assert runtime.schemas.cached_count <= before + 1
