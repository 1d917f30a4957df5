"""One test per hook (tests/test_docs.py fails when a hook has none): each proves the hook's
contribution reaches users. Most use tests/plugins/insights.py, loaded into the suite."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

from pypdf import PdfReader
from tortoise import Tortoise

from core.documents import render_document
from core.runtime import Runtime
from core.scheduler import Scheduler
from core.tenancy import tenant_scope
from tests.plugins import insights
from tests.support import Api, World, error_codes

CREATE = "mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } userErrors { code } } }"


async def test_hook_register_models(runtime: Runtime) -> None:
    models = Tortoise.apps["customers"]
    assert {"Customer", "Contact", "CustomerTag", "CustomerMerge"} <= set(models)
    assert models["Customer"]._meta.db_table == "customers_customer"


async def test_hook_register_graphql_types(api: Api, world: World) -> None:
    token = world.token("admin")
    created = await api.data(CREATE, {"n": "Typed Ltd"}, token)
    gid = created["createCustomer"]["customer"]["id"]
    node = await api.data(
        "query($id: ID!) { node(id: $id) { __typename ... on Customer { name } } }",
        {"id": gid},
        token,
    )
    assert node["node"] == {"__typename": "Customer", "name": "Typed Ltd"}


async def test_hook_register_queries(api: Api, world: World) -> None:
    data = await api.data("{ insightEvents }", token=world.token("admin"))
    assert data["insightEvents"] == []


async def test_hook_register_mutations(api: Api, world: World, runtime: Runtime) -> None:
    assert runtime.schemas.field_owner[("Mutation", "createCustomer")] == "customers"
    created = await api.data(CREATE, {"n": "Mutated Inc"}, world.token("sales"))
    assert created["createCustomer"]["userErrors"] == []


async def test_hook_register_type_extensions(api: Api, world: World) -> None:
    token = world.token("admin")
    await api.data(CREATE, {"n": "Extended"}, token)
    data = await api.data(
        "{ customers(first: 1) { edges { node { name nameLength } } } }", token=token
    )
    assert data["customers"]["edges"][0]["node"] == {"name": "Extended", "nameLength": 8}


async def test_hook_register_default_grants(api: Api, world: World) -> None:
    assert (await api.data("{ insightEvents }", token=world.token("manager"))) == {
        "insightEvents": []
    }
    assert error_codes(await api.gql("{ insightEvents }", token=world.token("sales"))) == [
        "FORBIDDEN"
    ]


async def test_hook_register_search_documents(api: Api, world: World) -> None:
    token = world.token("admin")
    await api.data(CREATE, {"n": "Findable Widgets"}, token)
    hits = await api.data(
        '{ search(query: "findable", types: ["Customer"]) { type title node { __typename } } }',
        token=token,
    )
    assert hits["search"] == [
        {"type": "Customer", "title": "Findable Widgets", "node": {"__typename": "Customer"}}
    ]


async def test_hook_register_jobs(runtime: Runtime, world: World) -> None:
    now = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    clock = lambda: now  # noqa: E731 - the tests move time by rebinding `now`
    workers = [Scheduler(runtime, clock=clock) for _ in range(3)]
    ran = await asyncio.gather(*(w.run_due() for w in workers))
    # Other plugins' jobs run for the tenant too; this test follows the insights one.
    mine = [r for batch in ran for r in batch if r == ("insights.tick", world.tenant.id)]
    assert mine == [("insights.tick", world.tenant.id)]  # three workers, one run
    assert insights.TICKS[world.tenant.id] == [now]
    assert [r for r in await workers[0].run_due() if r[1] == world.tenant.id] == []
    now = now + dt.timedelta(hours=1)
    assert ("insights.tick", world.tenant.id) in await workers[1].run_due()
    assert len(insights.TICKS[world.tenant.id]) == 2


async def test_hook_register_routes(api: Api, world: World) -> None:
    response = await api.client.get("/insights/ping")
    assert response.json() == {"plugin": "insights", "pong": True}

    async def summary(who: str | None) -> tuple[int, dict]:
        headers = {"authorization": f"Bearer {world.token(who)}"} if who else {}
        r = await api.client.get("/insights/summary", headers=headers)
        return r.status_code, r.json()

    assert await summary("admin") == (200, {"tenant": world.slug, "events": 0})
    status, body = await summary(None)
    assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"]
    status, body = await summary("sales")
    assert status == 403 and error_codes(body) == ["FORBIDDEN"]
    await api.data(
        'mutation { disablePlugin(input: {name: "insights"}) { userErrors { code } } }',
        token=world.token("admin"),
    )
    status, body = await summary("admin")
    assert status == 403 and error_codes(body) == ["MODULE_DISABLED"]


async def test_hook_register_report_metrics(api: Api, world: World) -> None:
    for name in ("A", "B"):
        await api.data(CREATE, {"n": f"Metric {name}"}, world.token("admin"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    query = """query($d: Date!) { leaderboard(from: $d, to: $d) {
      metrics { name title money } rows { name metrics { name value } } } }"""
    board = (await api.data(query, {"d": today}, world.token("admin")))["leaderboard"]
    assert {"name": "customersCreated", "title": "Customers created", "money": False} in board[
        "metrics"
    ]
    me = (await api.data("{ me { name } }", token=world.token("admin")))["me"]["name"]
    values = {r["name"]: r["metrics"] for r in board["rows"]}
    assert {"name": "customersCreated", "value": "2"} in values[me]
    assert {"name": "customersCreated", "value": "0"} in values["Sales"]
    # A role without the metric's permission gets the leaderboard without that column.
    board = (await api.data(query, {"d": today}, world.token("sales")))["leaderboard"]
    assert "customersCreated" not in [m["name"] for m in board["metrics"]]


async def test_hook_register_document_templates(runtime: Runtime, api: Api, world: World) -> None:
    data = await api.data(
        "{ documentTemplates { name title plugin isOverridden } }", token=world.token("admin")
    )
    assert {
        "name": "insights.summary",
        "title": "Insights summary",
        "plugin": "insights",
        "isOverridden": False,
    } in data["documentTemplates"]
    with tenant_scope(world.tenant.id):
        pdf = await render_document(
            runtime,
            "insights.summary",
            {"period": "2026-12", "rows": [{"event": "lead.converted", "count": 7}]},
        )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert (
        "洞察摘要 Insights summary" in text
        and "lead.converted" in text
        and world.tenant.name in text
    )


async def test_hook_on_event(api: Api, world: World) -> None:
    token = world.token("admin")
    await api.data(CREATE, {"n": "Eventful"}, token)
    await api.data(CREATE, {"n": ""}, token)  # refused: no event
    assert (await api.data("{ insightEvents }", token=token))["insightEvents"] == [
        "customer.created"
    ]


async def test_hook_startup(runtime: Runtime) -> None:
    assert runtime in insights.STARTED


async def test_reindex_rebuilds_the_index_from_the_database(
    api: Api, world: World, runtime: Runtime
) -> None:
    from core.search.reindex import reindex

    token = world.token("admin")
    await api.data(CREATE, {"n": "Reindexed Rivets"}, token)
    await runtime.search.clear()
    assert (await api.data('{ search(query: "rivets") { title } }', token=token))["search"] == []
    assert await reindex(runtime) >= 1
    hits = await api.data('{ search(query: "rivets") { title } }', token=token)
    assert hits["search"] == [{"title": "Reindexed Rivets"}]
