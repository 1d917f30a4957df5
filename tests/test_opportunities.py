"""Opportunities through the GraphQL API: the pipeline a tenant configures, deals moving
through it to won or lost with their history, the board, who sees what, and the lead
conversion hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.auth.authenticate import authenticate
from core.graphql.context import RequestContext
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserInputError
from core.graphql.relay import to_global_id
from core.models import OutboxEvent
from core.runtime import Runtime
from core.tenancy import tenant_scope
from plugins.opportunities import convert_lead_opportunity
from plugins.opportunities.models import Opportunity as OpportunityRow
from tests.support import Api, World, error_codes, gid_pk
from tests.test_customers import create_contact, create_customer, mutate
from tests.test_marketplace import DISABLE, ENABLE

ERRORS = "userErrors { field message code }"
STAGE = "id name order probability kind"
OPPORTUNITY = f"""id name version status probability probabilityOverridden forecastCategory
  amount {{ amount currency }} weightedAmount {{ amount currency }} expectedCloseDate
  closeReason closedDate nextStep sourceLeadId stage {{ {STAGE} }} owner {{ email }}
  customer {{ id name }} contacts {{ name }}
  stageHistory {{ fromStageName toStageName daysInPreviousStage changedBy {{ email }}
    fromStage {{ name }} toStage {{ name }} }}"""


def _mutation(name: str, input_type: str, selection: str) -> str:
    return f"""mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} {ERRORS} }} }}"""


STAGES = f"{{ pipelineStages {{ {STAGE} }} }}"
UPDATE_STAGES = _mutation(
    "updatePipelineStages", "UpdatePipelineStagesInput", f"stages {{ {STAGE} }}"
)
CREATE = _mutation(
    "createOpportunity", "CreateOpportunityInput", f"opportunity {{ {OPPORTUNITY} }}"
)
CREATE_MANY = _mutation("createOpportunities", "[CreateOpportunityInput!]", "opportunities { id }")
UPDATE = _mutation(
    "updateOpportunity", "UpdateOpportunityInput", f"opportunity {{ {OPPORTUNITY} }}"
)
MOVE = _mutation("moveOpportunity", "MoveOpportunityInput", f"opportunity {{ {OPPORTUNITY} }}")
CLOSE = _mutation("closeOpportunity", "CloseOpportunityInput", f"opportunity {{ {OPPORTUNITY} }}")
REOPEN = _mutation(
    "reopenOpportunity", "ReopenOpportunityInput", f"opportunity {{ {OPPORTUNITY} }}"
)
DELETE = _mutation("deleteOpportunity", "DeleteOpportunityInput", "deletedId")
ONE = f"query($id: ID!) {{ opportunity(id: $id) {{ {OPPORTUNITY} }} }}"
LIST = """query($filter: OpportunityFilter, $order: [OpportunityOrder!], $first: Int,
                 $after: String) {
  opportunities(first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"""
BOARD = """query($closed: Boolean, $first: Int) { pipelineBoard(includeClosed: $closed) {
  columns { stage { name kind } count
    totals { amount { amount currency } weightedAmount { amount currency } }
    opportunities(first: $first) { totalCount pageInfo { hasNextPage }
      edges { node { name } } } } } }"""


# -- helpers ---------------------------------------------------------------------------------


async def stages(api: Api, token: str) -> dict[str, dict]:
    return {s["name"]: s for s in (await api.data(STAGES, token=token))["pipelineStages"]}


async def create(api: Api, token: str, **fields: Any) -> dict:
    return (await mutate(api, CREATE, "createOpportunity", token, fields))["opportunity"]


async def names(api: Api, token: str, **variables: Any) -> list[str]:
    data = await api.data(LIST, {"first": 100, **variables}, token)
    return [e["node"]["name"] for e in data["opportunities"]["edges"]]


def money(amount: str, currency: str = "CNY") -> dict:
    return {"amount": amount, "currency": currency}


async def outbox_names(world: World) -> list[str]:
    with tenant_scope(world.tenant.id):
        return [e.name for e in await OutboxEvent.all().order_by("id")]


async def age_stage(world: World, gid: str, days: float) -> None:
    """Pretend the opportunity entered its current stage `days` ago."""
    with tenant_scope(world.tenant.id):
        await OpportunityRow.filter(id=gid_pk(gid)).update(
            stage_entered_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        )


# -- pipeline --------------------------------------------------------------------------------


async def test_a_tenant_starts_with_the_default_pipeline(api: Api, world: World) -> None:
    pipeline = (await api.data(STAGES, token=world.token("viewer")))["pipelineStages"]
    assert [(s["name"], s["order"], s["probability"], s["kind"]) for s in pipeline] == [
        ("Qualification", 1, 10, "OPEN"),
        ("Needs analysis", 2, 25, "OPEN"),
        ("Proposal", 3, 50, "OPEN"),
        ("Negotiation", 4, 75, "OPEN"),
        ("Won", 5, 100, "WON"),
        ("Lost", 6, 0, "LOST"),
    ]
    assert await stages(api, world.token("admin")) == {s["name"]: s for s in pipeline}


async def test_admin_replaces_the_pipeline_but_not_a_stage_in_use(api: Api, world: World) -> None:
    admin = world.token("admin")
    old = await stages(api, admin)
    customer = await create_customer(api, admin, name="Acme")
    deal = await create(
        api,
        admin,
        name="Big deal",
        customerId=customer["id"],
        stage=old["Proposal"]["id"],
        amount=money("1000"),
    )
    keep = [
        {"id": old["Qualification"]["id"], "name": "Discovery", "probability": 5},
        {"name": "Demo", "probability": 30},
        {"id": old["Won"]["id"], "name": "Won", "probability": 100, "kind": "WON"},
        {"id": old["Lost"]["id"], "name": "Lost", "probability": 0, "kind": "LOST"},
    ]
    refused = (await api.data(UPDATE_STAGES, {"i": {"stages": keep}}, admin))[
        "updatePipelineStages"
    ]
    assert refused["stages"] is None
    assert refused["userErrors"] == [
        {
            "field": ["stages"],
            "message": "Stage 'Proposal' has opportunities: move them before removing it.",
            "code": "STAGE_IN_USE",
        }
    ]
    assert await stages(api, admin) == old, "nothing changed"

    # Keeping Proposal (at a new probability) is fine; its open deals follow the new figure.
    keep.insert(2, {"id": old["Proposal"]["id"], "name": "Proposal", "probability": 60})
    updated = (await mutate(api, UPDATE_STAGES, "updatePipelineStages", admin, {"stages": keep}))[
        "stages"
    ]
    assert [(s["name"], s["order"], s["probability"]) for s in updated] == [
        ("Discovery", 1, 5),
        ("Demo", 2, 30),
        ("Proposal", 3, 60),
        ("Won", 4, 100),
        ("Lost", 5, 0),
    ]
    assert updated[0]["id"] == old["Qualification"]["id"], "a renamed stage keeps its ID"
    got = (await api.data(ONE, {"id": deal["id"]}, admin))["opportunity"]
    assert got["probability"] == 60
    assert got["weightedAmount"] == money("600.00")


async def test_pipeline_rules_are_enforced(api: Api, world: World) -> None:
    admin = world.token("admin")
    before = await stages(api, admin)
    bad = [
        {"name": "Open", "probability": 150},
        {"name": " open ", "probability": 20},
        {"name": "Won", "probability": 90, "kind": "WON"},
        {"name": "Won again", "probability": 100, "kind": "WON"},
    ]
    payload = (await api.data(UPDATE_STAGES, {"i": {"stages": bad}}, admin))["updatePipelineStages"]
    codes = {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]}
    assert codes == {
        (("stages", "0", "probability"), "OUT_OF_RANGE"),
        (("stages", "1", "name"), "DUPLICATE"),
        (("stages", "2", "probability"), "INVALID"),
        (("stages",), "INVALID"),
    }
    assert await stages(api, admin) == before
    body = await api.gql(UPDATE_STAGES, {"i": {"stages": bad}}, world.token("manager"))
    assert error_codes(body) == ["FORBIDDEN"]


# -- the life of an opportunity --------------------------------------------------------------


async def test_deal_moves_through_three_stages_to_won_with_its_history(
    api: Api, world: World
) -> None:
    sales, manager = world.token("sales"), world.token("manager")
    pipeline = await stages(api, sales)
    customer = await create_customer(api, sales, name="Huayang Trading")
    contact = await create_contact(api, sales, name="Li Wei", customerId=customer["id"])
    deal = await create(
        api,
        sales,
        name="  Warehouse robots  ",
        customerId=customer["id"],
        contactIds=[contact["id"]],
        amount=money("120000.50"),
        expectedCloseDate="2027-03-31",
        nextStep="Send the brochure",
    )
    assert deal["name"] == "Warehouse robots"
    assert deal["stage"]["name"] == "Qualification"
    assert (deal["status"], deal["probability"], deal["forecastCategory"]) == (
        "OPEN",
        10,
        "PIPELINE",
    )
    assert deal["amount"] == money("120000.50")
    assert deal["weightedAmount"] == money("12000.05")
    assert deal["owner"]["email"] == f"sales@{world.slug}.test"
    assert deal["customer"]["name"] == "Huayang Trading"
    assert deal["contacts"] == [{"name": "Li Wei"}]
    assert [(h["fromStageName"], h["toStageName"]) for h in deal["stageHistory"]] == [
        (None, "Qualification")
    ]

    version = deal["version"]
    for stage, days, who in (
        ("Needs analysis", 3, sales),
        ("Proposal", 5.5, manager),
        ("Negotiation", 2, sales),
    ):
        await age_stage(world, deal["id"], days)
        moved = (
            await mutate(
                api,
                MOVE,
                "moveOpportunity",
                who,
                {"id": deal["id"], "stage": pipeline[stage]["id"], "version": version},
            )
        )["opportunity"]
        assert moved["stage"]["name"] == stage
        assert moved["probability"] == pipeline[stage]["probability"]
        assert moved["version"] == version + 1
        version = moved["version"]

    await age_stage(world, deal["id"], 1)
    won = (
        await mutate(
            api,
            CLOSE,
            "closeOpportunity",
            sales,
            {
                "id": deal["id"],
                "won": True,
                "reason": "Best price",
                "amount": money("118000"),
                "version": version,
            },
        )
    )["opportunity"]
    assert (won["status"], won["stage"]["name"], won["probability"]) == ("WON", "Won", 100)
    assert won["forecastCategory"] == "CLOSED"
    assert won["closedDate"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert won["closeReason"] == "Best price"
    assert won["amount"] == won["weightedAmount"] == money("118000.00")
    history = [
        (
            h["fromStageName"],
            h["toStageName"],
            h["daysInPreviousStage"],
            h["changedBy"]["email"].split("@")[0],
        )
        for h in won["stageHistory"]
    ]
    assert history == [
        (None, "Qualification", None, "sales"),
        ("Qualification", "Needs analysis", 3.0, "sales"),
        ("Needs analysis", "Proposal", 5.5, "manager"),
        ("Proposal", "Negotiation", 2.0, "sales"),
        ("Negotiation", "Won", 1.0, "sales"),
    ]
    assert won["stageHistory"][-1]["toStage"] == {"name": "Won"}
    events = await outbox_names(world)
    assert events.count("opportunity.stage_changed") == 4
    assert events.count("opportunity.won") == 1
    assert "opportunity.created" in events and "opportunity.updated" in events


async def test_stale_version_is_a_conflict_and_changes_nothing(api: Api, world: World) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    customer = await create_customer(api, sales, name="Acme")
    deal = await create(api, sales, name="Deal", customerId=customer["id"])
    await mutate(
        api,
        UPDATE,
        "updateOpportunity",
        sales,
        {"id": deal["id"], "version": 1, "nextStep": "Call"},
    )
    for mutation, input in (
        (UPDATE, {"id": deal["id"], "version": 1, "name": "Mine"}),
        (MOVE, {"id": deal["id"], "version": 1, "stage": pipeline["Proposal"]["id"]}),
        (CLOSE, {"id": deal["id"], "version": 1, "won": True}),
    ):
        body = await api.gql(mutation, {"i": input}, sales)
        assert error_codes(body) == ["CONFLICT"], body
    got = (await api.data(ONE, {"id": deal["id"]}, sales))["opportunity"]
    assert (got["name"], got["version"], got["stage"]["name"]) == ("Deal", 2, "Qualification")
    assert len(got["stageHistory"]) == 1


async def test_lost_needs_a_reason_and_reopening_returns_to_the_last_open_stage(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    customer = await create_customer(api, sales, name="Acme")
    deal = await create(
        api, sales, name="Deal", customerId=customer["id"], stage=pipeline["Proposal"]["id"]
    )
    refused = (
        await api.data(CLOSE, {"i": {"id": deal["id"], "won": False, "reason": " "}}, sales)
    )["closeOpportunity"]
    assert refused == {
        "opportunity": None,
        "userErrors": [
            {"field": ["reason"], "message": "This field is required.", "code": "REQUIRED"}
        ],
    }
    lost = (
        await mutate(
            api,
            CLOSE,
            "closeOpportunity",
            sales,
            {"id": deal["id"], "won": False, "reason": "Budget cut"},
        )
    )["opportunity"]
    assert (lost["status"], lost["stage"]["name"], lost["probability"]) == ("LOST", "Lost", 0)
    assert lost["closeReason"] == "Budget cut"
    assert "opportunity.lost" in await outbox_names(world)

    again = (await api.data(CLOSE, {"i": {"id": deal["id"], "won": True}}, sales))[
        "closeOpportunity"
    ]
    assert again["userErrors"][0]["code"] == "ALREADY_CLOSED"
    moved = (
        await api.data(
            MOVE, {"i": {"id": deal["id"], "stage": pipeline["Qualification"]["id"]}}, sales
        )
    )["moveOpportunity"]
    assert moved["userErrors"][0]["code"] == "CLOSED"

    reopened = (await mutate(api, REOPEN, "reopenOpportunity", sales, {"id": deal["id"]}))[
        "opportunity"
    ]
    assert (reopened["status"], reopened["stage"]["name"]) == ("OPEN", "Proposal")
    assert (reopened["closeReason"], reopened["closedDate"]) == (None, None)
    assert reopened["forecastCategory"] == "PIPELINE"
    assert [h["toStageName"] for h in reopened["stageHistory"]] == ["Proposal", "Lost", "Proposal"]


async def test_probability_override_and_forecast_category(api: Api, world: World) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    customer = await create_customer(api, sales, name="Acme")
    deal = await create(
        api, sales, name="Deal", customerId=customer["id"], probability=40, amount=money("200")
    )
    assert (deal["probability"], deal["probabilityOverridden"]) == (40, True)
    moved = (
        await mutate(
            api,
            MOVE,
            "moveOpportunity",
            sales,
            {"id": deal["id"], "stage": pipeline["Proposal"]["id"]},
        )
    )["opportunity"]
    assert moved["probability"] == 40, "an override survives stage changes"
    cleared = (
        await mutate(
            api,
            UPDATE,
            "updateOpportunity",
            sales,
            {"id": deal["id"], "probability": None, "forecastCategory": "COMMIT"},
        )
    )["opportunity"]
    assert (cleared["probability"], cleared["probabilityOverridden"]) == (50, False)
    assert cleared["weightedAmount"] == money("100.00")
    assert cleared["forecastCategory"] == "COMMIT"
    bad = (await api.data(UPDATE, {"i": {"id": deal["id"], "forecastCategory": "CLOSED"}}, sales))[
        "updateOpportunity"
    ]
    assert bad["userErrors"][0]["field"] == ["forecastCategory"]


async def test_bad_input_gives_user_errors_and_writes_nothing(api: Api, world: World) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    mine = await create_customer(api, sales, name="Mine")
    other = await create_customer(api, world.token("sales2"), name="Theirs")
    neighbour = await create_customer(api, sales, name="Neighbour")
    stranger = await create_contact(api, sales, name="Zhao", customerId=neighbour["id"])
    before = await outbox_names(world)
    payload = (
        await api.data(
            CREATE,
            {
                "i": {
                    "name": "",
                    "customerId": mine["id"],
                    "contactIds": [stranger["id"]],
                    "amount": money("-5", "yuan"),
                    "probability": 101,
                    "stage": pipeline["Won"]["id"],
                    "ownerId": to_global_id("User", 999999),
                }
            },
            sales,
        )
    )["createOpportunity"]
    assert payload["opportunity"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {
        (("name",), "REQUIRED"),
        (("amount", "amount"), "NEGATIVE"),
        (("amount", "currency"), "INVALID"),
        (("probability",), "OUT_OF_RANGE"),
        (("contactIds", "0"), "INVALID"),
        (("ownerId",), "NOT_FOUND"),
        (("stage",), "INVALID_STAGE"),
    }
    # More decimals than the currency has is refused, not rounded: yen have none.
    yen = (
        await api.data(
            CREATE,
            {"i": {"name": "Y", "customerId": mine["id"], "amount": money("1.5", "JPY")}},
            sales,
        )
    )["createOpportunity"]
    assert [(e["field"], e["code"]) for e in yen["userErrors"]] == [
        (["amount", "amount"], "INVALID")
    ]
    hidden = (await api.data(CREATE, {"i": {"name": "X", "customerId": other["id"]}}, sales))[
        "createOpportunity"
    ]
    assert hidden["userErrors"] == [
        {"field": ["customerId"], "message": "No such customer.", "code": "NOT_FOUND"}
    ]
    bulk = (
        await api.data(
            CREATE_MANY,
            {
                "i": [
                    {"name": "Fine", "customerId": mine["id"]},
                    {"name": "x" * 201, "customerId": mine["id"]},
                ]
            },
            sales,
        )
    )["createOpportunities"]
    assert bulk["opportunities"] is None
    assert [(e["field"], e["code"]) for e in bulk["userErrors"]] == [(["1", "name"], "TOO_LONG")]
    assert await names(api, world.token("admin")) == []
    assert await outbox_names(world) == before, "no event for a refused write"


async def test_bulk_create_and_delete(api: Api, world: World) -> None:
    sales = world.token("sales")
    customer = await create_customer(api, sales, name="Acme")
    created = (
        await mutate(
            api,
            CREATE_MANY,
            "createOpportunities",
            sales,
            [{"name": f"Deal {i}", "customerId": customer["id"]} for i in range(3)],
        )
    )["opportunities"]
    assert len(created) == 3
    body = await api.gql(DELETE, {"i": {"id": created[0]["id"]}}, sales)
    assert error_codes(body) == ["FORBIDDEN"], "sales may not delete"
    deleted = await mutate(
        api, DELETE, "deleteOpportunity", world.token("manager"), {"id": created[0]["id"]}
    )
    assert deleted["deletedId"] == created[0]["id"]
    assert sorted(await names(api, sales)) == ["Deal 1", "Deal 2"]


# -- reading ---------------------------------------------------------------------------------


async def test_filters_ordering_and_pages(api: Api, world: World) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    acme = await create_customer(api, sales, name="Acme")
    beta = await create_customer(api, sales, name="Beta")
    for name, customer, amount, close, stage in (
        ("A", acme, "500", "2027-01-10", "Qualification"),
        ("B", acme, "1500", "2027-02-10", "Proposal"),
        ("C", beta, "90", "2027-03-10", "Proposal"),
        ("D", beta, None, "2027-04-10", "Negotiation"),
    ):
        await create(
            api,
            sales,
            name=name,
            customerId=customer["id"],
            amount=money(amount) if amount else None,
            expectedCloseDate=close,
            stage=pipeline[stage]["id"],
        )
    gid = await names(api, sales, order=[{"field": "NAME"}])
    assert gid == ["A", "B", "C", "D"]
    assert await names(api, sales, order=[{"field": "AMOUNT", "direction": "DESC"}]) == [
        "B",
        "A",
        "C",
        "D",
    ]
    assert await names(api, sales, filter={"amount": {"gte": "100", "lte": "1000"}}) == ["A"]
    # Bounds no amount can hold (between two thousandths, beyond any) filter, never fail.
    between = await names(
        api, sales, filter={"amount": {"gt": "499.9995", "lt": "1e400"}}, order=[{"field": "NAME"}]
    )
    assert between == ["A", "B"]
    assert await names(
        api, sales, filter={"stage": {"eq": pipeline["Proposal"]["id"]}}, order=[{"field": "NAME"}]
    ) == ["B", "C"]
    assert await names(
        api,
        sales,
        filter={"customer": {"eq": beta["id"]}, "expectedCloseDate": {"lt": "2027-04-01"}},
    ) == ["C"]
    assert await names(api, sales, filter={"status": {"eq": "WON"}}) == []
    assert await names(
        api,
        sales,
        filter={
            "owner": {"eq": to_global_id("User", world.user_ids["sales"])},
            "forecastCategory": {"eq": "PIPELINE"},
        },
        order=[{"field": "EXPECTED_CLOSE_DATE", "direction": "DESC"}],
    ) == ["D", "C", "B", "A"]
    page = (await api.data(LIST, {"first": 3, "order": [{"field": "AMOUNT"}]}, sales))[
        "opportunities"
    ]
    assert [e["node"]["name"] for e in page["edges"]] == ["D", "C", "A"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"]
    rest = (
        await api.data(
            LIST,
            {"first": 3, "after": page["pageInfo"]["endCursor"], "order": [{"field": "AMOUNT"}]},
            sales,
        )
    )["opportunities"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["B"]


async def test_each_role_sees_its_own_team_or_everything(api: Api, world: World) -> None:
    for who in ("sales", "sales2", "manager"):
        customer = await create_customer(api, world.token(who), name=f"{who} customer")
        await create(api, world.token(who), name=f"{who} deal", customerId=customer["id"])
    assert await names(api, world.token("sales")) == ["sales deal"]
    assert sorted(await names(api, world.token("manager"))) == ["manager deal", "sales deal"]
    assert len(await names(api, world.token("admin"))) == 3
    assert len(await names(api, world.token("viewer"))) == 3
    sales2_deal = (await api.data(LIST, {"first": 1}, world.token("sales2")))["opportunities"]
    gid = (
        await api.data(
            "{ opportunities(first: 1) { edges { node { id } } } }", token=world.token("sales2")
        )
    )["opportunities"]["edges"][0]["node"]["id"]
    assert sales2_deal["totalCount"] == 1
    for query in (ONE, "query($id: ID!) { node(id: $id) { id } }"):
        data = await api.data(query, {"id": gid}, world.token("sales"))
        assert list(data.values()) == [None]
    moved = (await api.data(UPDATE, {"i": {"id": gid, "name": "Stolen"}}, world.token("sales")))[
        "updateOpportunity"
    ]
    assert moved["userErrors"][0]["code"] == "NOT_FOUND"
    board = (await api.data(BOARD, {"first": 10}, world.token("sales")))["pipelineBoard"]
    assert sum(c["count"] for c in board["columns"]) == 1
    body = await api.gql(BOARD, {}, world.token("nobody"))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_board_counts_and_sums_each_column(api: Api, world: World) -> None:
    sales = world.token("sales")
    pipeline = await stages(api, sales)
    customer = await create_customer(api, sales, name="Acme")
    for name, stage, amount, currency, probability in (
        ("A", "Qualification", "1000", "CNY", None),  # 10%: 100
        ("B", "Qualification", "250.50", "CNY", None),  # 10%: 25.05
        ("C", "Qualification", "300", "USD", None),  # 10%: 30
        ("D", "Qualification", None, None, None),
        ("E", "Proposal", "4000", "CNY", 80),  # overridden 80%: 3200
        ("F", "Proposal", "1000", "CNY", None),  # 50%: 500
    ):
        await create(
            api,
            sales,
            name=name,
            customerId=customer["id"],
            stage=pipeline[stage]["id"],
            amount=money(amount, currency) if amount else None,
            probability=probability,
            expectedCloseDate=f"2027-01-{ord(name) - 60:02d}",
        )
    won = await create(api, sales, name="G", customerId=customer["id"], amount=money("999"))
    await mutate(api, CLOSE, "closeOpportunity", sales, {"id": won["id"], "won": True})

    board = (await api.data(BOARD, {"first": 2}, sales))["pipelineBoard"]["columns"]
    columns = {c["stage"]["name"]: c for c in board}
    assert list(columns) == ["Qualification", "Needs analysis", "Proposal", "Negotiation"]
    q = columns["Qualification"]
    assert q["count"] == 4
    assert q["totals"] == [
        {"amount": money("1250.50"), "weightedAmount": money("125.05")},
        {"amount": money("300.00", "USD"), "weightedAmount": money("30.00", "USD")},
    ]
    assert [e["node"]["name"] for e in q["opportunities"]["edges"]] == ["A", "B"]
    assert q["opportunities"]["pageInfo"]["hasNextPage"]
    assert q["opportunities"]["totalCount"] == 4
    p = columns["Proposal"]
    assert (p["count"], p["totals"]) == (
        2,
        [{"amount": money("5000.00"), "weightedAmount": money("3700.00")}],
    )
    assert (columns["Needs analysis"]["count"], columns["Needs analysis"]["totals"]) == (0, [])

    closed = (await api.data(BOARD, {"closed": True}, sales))["pipelineBoard"]["columns"]
    assert [c["stage"]["name"] for c in closed][-2:] == ["Won", "Lost"]
    assert closed[-2]["totals"] == [{"amount": money("999.00"), "weightedAmount": money("999.00")}]


# -- the customer's side, search, and switching the plugin off --------------------------------

CUSTOMER_DEALS = """query($id: ID!) { customer(id: $id) { name
  opportunities { name } won: opportunities(status: WON) { name } } }"""


async def test_customer_lists_its_opportunities_until_the_plugin_is_disabled(
    api: Api, world: World
) -> None:
    sales, admin = world.token("sales"), world.token("admin")
    customer = await create_customer(api, sales, name="Acme")
    first = await create(api, sales, name="First", customerId=customer["id"])
    await create(api, sales, name="Second", customerId=customer["id"])
    await mutate(api, CLOSE, "closeOpportunity", sales, {"id": first["id"], "won": True})
    data = (await api.data(CUSTOMER_DEALS, {"id": customer["id"]}, sales))["customer"]
    assert data == {
        "name": "Acme",
        "opportunities": [{"name": "Second"}, {"name": "First"}],
        "won": [{"name": "First"}],
    }
    hits = (await api.data('{ search(query: "Second") { type node { id } } }', token=sales))[
        "search"
    ]
    assert [h["type"] for h in hits] == ["Opportunity"]

    disabled = (await api.data(DISABLE, {"n": "opportunities"}, admin))["disablePlugin"]
    if disabled["userErrors"]:
        # A plugin requiring opportunities (leads integrates only) would block this.
        raise AssertionError(disabled)
    fields = await api.data('{ __type(name: "Customer") { fields { name } } }', token=sales)
    assert "opportunities" not in {f["name"] for f in fields["__type"]["fields"]}
    body = await api.gql(CUSTOMER_DEALS, {"id": customer["id"]}, sales)
    assert error_codes(body) == ["MODULE_DISABLED"]
    still = await api.data(
        "query($id: ID!) { customer(id: $id) { name } }", {"id": customer["id"]}, sales
    )
    assert still["customer"]["name"] == "Acme", "customers keep working"
    await api.data(ENABLE, {"n": "opportunities"}, admin)
    data = (await api.data(CUSTOMER_DEALS, {"id": customer["id"]}, sales))["customer"]
    assert len(data["opportunities"]) == 2


async def test_customer_opportunities_cost_constant_queries(api: Api, world: World) -> None:
    from tests.support import count_queries

    sales = world.token("sales")
    query = "{ customers(first: 50) { edges { node { opportunities { name stage { name } owner { email } } } } } }"

    async def measure() -> int:
        with count_queries() as statements:
            await api.data(query, token=sales)
        return len(statements)

    customer = await create_customer(api, sales, name="C0")
    await create(api, sales, name="D0", customerId=customer["id"])
    small = await measure()
    for i in range(1, 6):
        customer = await create_customer(api, sales, name=f"C{i}")
        await create(api, sales, name=f"D{i}", customerId=customer["id"])
    assert await measure() == small


# -- lead conversion hook --------------------------------------------------------------------


async def test_lead_conversion_creates_the_opportunity_in_its_transaction(
    api: Api, world: World, runtime: Runtime
) -> None:
    sales = world.token("sales")
    customer = await create_customer(api, sales, name="From a lead")
    contact = await create_contact(api, sales, name="Lead person", customerId=customer["id"])
    principal = await authenticate(runtime, f"Bearer {sales}")
    ctx = RequestContext(
        runtime=runtime, principal=principal, enabled=frozenset(runtime.host.order)
    )
    with tenant_scope(world.tenant.id):
        async with ctx.write() as work:
            gid = await convert_lead_opportunity(
                ctx=ctx,
                work=work,
                lead_id=42,
                customer_id=gid_pk(customer["id"]),
                contact_id=gid_pk(contact["id"]),
                owner_id=world.user_ids["sales"],
                name="Converted deal",
                amount=MoneyInput(amount=Decimal("5000"), currency="EUR"),
            )
    deal = (await api.data(ONE, {"id": gid}, sales))["opportunity"]
    assert deal["sourceLeadId"] == 42
    assert (deal["name"], deal["stage"]["name"]) == ("Converted deal", "Qualification")
    assert deal["amount"] == money("5000.00", "EUR")
    assert deal["contacts"] == [{"name": "Lead person"}]
    assert await names(api, sales, filter={"sourceLeadId": {"eq": 42}}) == ["Converted deal"]


async def test_a_refused_lead_conversion_writes_no_opportunity(
    api: Api, world: World, runtime: Runtime
) -> None:
    sales = world.token("sales")
    customer = await create_customer(api, sales, name="From a lead")
    principal = await authenticate(runtime, f"Bearer {sales}")
    ctx = RequestContext(
        runtime=runtime, principal=principal, enabled=frozenset(runtime.host.order)
    )
    before = await outbox_names(world)
    with tenant_scope(world.tenant.id):
        try:
            async with ctx.write() as work:
                await convert_lead_opportunity(
                    ctx=ctx,
                    work=work,
                    lead_id=7,
                    customer_id=gid_pk(customer["id"]),
                    contact_id=None,
                    owner_id=world.user_ids["sales"],
                    name="Deal",
                    amount=MoneyInput(amount=Decimal("-1"), currency="EUR"),
                )
        except UserInputError as refused:
            assert [(e.field, e.code) for e in refused.errors] == [
                (["amount", "amount"], "NEGATIVE")
            ]
        else:
            raise AssertionError("a negative amount must refuse the conversion")
    assert await names(api, sales) == []
    assert await outbox_names(world) == before


async def test_contacts_must_belong_to_the_customer_and_can_be_replaced(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    acme = await create_customer(api, sales, name="Acme")
    beta = await create_customer(api, sales, name="Beta")
    li = await create_contact(api, sales, name="Li", customerId=acme["id"])
    wang = await create_contact(api, sales, name="Wang", customerId=acme["id"])
    zhao = await create_contact(api, sales, name="Zhao", customerId=beta["id"])
    deal = await create(api, sales, name="Deal", customerId=acme["id"], contactIds=[li["id"]])
    replaced = (
        await mutate(
            api,
            UPDATE,
            "updateOpportunity",
            sales,
            {"id": deal["id"], "contactIds": [wang["id"], li["id"]]},
        )
    )["opportunity"]
    assert replaced["contacts"] == [{"name": "Li"}, {"name": "Wang"}]
    refused = (
        await api.data(UPDATE, {"i": {"id": deal["id"], "contactIds": [zhao["id"]]}}, sales)
    )["updateOpportunity"]
    assert refused["userErrors"] == [
        {
            "field": ["contactIds", "0"],
            "message": "This contact works for another customer.",
            "code": "INVALID",
        }
    ]
    moved = (
        await mutate(
            api, UPDATE, "updateOpportunity", sales, {"id": deal["id"], "customerId": beta["id"]}
        )
    )["opportunity"]
    assert (moved["customer"]["name"], moved["contacts"]) == ("Beta", [])


async def test_board_costs_the_same_whatever_the_number_of_deals(api: Api, world: World) -> None:
    from tests.support import count_queries

    sales = world.token("sales")
    customer = await create_customer(api, sales, name="Acme")
    query = """{ pipelineBoard { columns { count totals { amount { amount } }
      opportunities(first: 5) { edges { node { name stage { name } owner { email } } } } } } }"""

    async def measure() -> int:
        with count_queries() as statements:
            await api.data(query, token=sales)
        return len(statements)

    await create(api, sales, name="First", customerId=customer["id"], amount=money("1"))
    few = await measure()
    await mutate(
        api,
        CREATE_MANY,
        "createOpportunities",
        sales,
        [
            {"name": f"Deal {i}", "customerId": customer["id"], "amount": money("2")}
            for i in range(30)
        ],
    )
    assert await measure() == few


async def test_other_tenants_deals_are_invisible_everywhere(
    api: Api, world: World, runtime: Runtime
) -> None:
    from tests.support import make_world

    other = await make_world(runtime, api)
    theirs_customer = await create_customer(api, other.token("admin"), name="Secret customer")
    theirs = await create(
        api, other.token("admin"), name="Secret deal", customerId=theirs_customer["id"]
    )
    their_stages = await stages(api, other.token("admin"))
    admin = world.token("admin")
    assert (await api.data(ONE, {"id": theirs["id"]}, admin))["opportunity"] is None
    node = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": theirs["id"]}, admin)
    assert node["node"] is None
    assert await names(api, admin) == []
    board = (await api.data(BOARD, {"closed": True}, admin))["pipelineBoard"]["columns"]
    assert sum(c["count"] for c in board) == 0
    hits = await api.data('{ search(query: "Secret") { id } }', token=admin)
    assert hits["search"] == []
    for mutation, input in (
        (UPDATE, {"id": theirs["id"], "name": "Mine"}),
        (MOVE, {"id": theirs["id"], "stage": their_stages["Proposal"]["id"]}),
        (CLOSE, {"id": theirs["id"], "won": True}),
        (DELETE, {"id": theirs["id"]}),
    ):
        payload = next(iter((await api.data(mutation, {"i": input}, admin)).values()))
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    mine = await create_customer(api, admin, name="Mine")
    refused = (
        await api.data(
            CREATE,
            {"i": {"name": "X", "customerId": mine["id"], "stage": their_stages["Proposal"]["id"]}},
            admin,
        )
    )["createOpportunity"]
    assert refused["userErrors"][0]["code"] == "INVALID_STAGE"
    still = (await api.data(ONE, {"id": theirs["id"]}, other.token("admin")))["opportunity"]
    assert (still["name"], still["version"]) == ("Secret deal", 1)


async def test_customers_with_deals_are_not_deleted_and_merges_carry_deals(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    created = await api.data(
        'mutation { a: createCustomer(input: {name: "Deal Keeper"}) { customer { id } } '
        'b: createCustomer(input: {name: "Deal Holder"}) { customer { id } } }',
        token=token,
    )
    keeper, holder = created["a"]["customer"]["id"], created["b"]["customer"]["id"]
    deal = await api.data(
        "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } userErrors { code } } }",
        {"i": {"name": "Big deal", "customerId": holder}},
        token,
    )
    assert deal["createOpportunity"]["userErrors"] == []
    refused = await api.data(
        "mutation($i: DeleteInput!) { deleteCustomer(input: $i) { userErrors { code message } } }",
        {"i": {"id": holder}},
        token,
    )
    [error] = refused["deleteCustomer"]["userErrors"]
    assert error["code"] == "HAS_DEPENDENTS" and "1 opportunities" in error["message"]
    merged = await api.data(
        "mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) { customer { opportunities { name } } userErrors { code } } }",
        {"i": {"targetId": keeper, "sourceIds": [holder]}},
        token,
    )
    assert merged["mergeCustomers"] == {
        "customer": {"opportunities": [{"name": "Big deal"}]},
        "userErrors": [],
    }
