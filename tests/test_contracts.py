"""Contracts through the GraphQL API: drafts, activation, renewal and termination and what
each status allows; the renewal reminder and the end of a term on the scheduler's clock;
contracts made from orders through the contract_order hook; who sees what; bad input."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from core.graphql.relay import to_global_id
from core.hookspecs import hookimpl
from core.models import NumberSequence, OutboxEvent
from core.runtime import Runtime
from core.scheduler import Scheduler
from core.tenancy import tenant_scope
from plugins.activities.models import Activity
from plugins.contracts.hookspecs import ContractOrder
from plugins.contracts.jobs import send_renewal_reminders
from plugins.contracts.models import Contract as ContractRow
from plugins.contracts.models import ContractSettings
from plugins.contracts.terms import next_term
from tests.support import Api, World, error_codes, gid_pk, make_world, pdf_text
from tests.test_customers import create_customer, mutate
from tests.test_marketplace import DISABLE

ERRORS = "userErrors { field message code }"
CONTRACT = """id number title status startDate endDate value { amount currency }
  billingFrequency paymentTerms autoRenew activatedAt terminatedAt terminationReason
  renewalRemindedAt version pdfUrl customer { id name } owner { email }
  predecessor { id number status } successor { id number status }"""


def _mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} {ERRORS} }} }}"


CREATE = _mutation("createContract", "CreateContractInput", f"contract {{ {CONTRACT} }}")
UPDATE = _mutation("updateContract", "UpdateContractInput", f"contract {{ {CONTRACT} }}")
ACTIVATE = _mutation("activateContract", "ActivateContractInput", f"contract {{ {CONTRACT} }}")
TERMINATE = _mutation("terminateContract", "TerminateContractInput", f"contract {{ {CONTRACT} }}")
RENEW = _mutation(
    "renewContract",
    "RenewContractInput",
    f"contract {{ {CONTRACT} }} predecessor {{ {CONTRACT} }}",
)
SETTINGS = _mutation(
    "updateContractSettings", "UpdateContractSettingsInput", "settings { renewalReminderDays }"
)
ONE = f"query($id: ID!) {{ contract(id: $id) {{ {CONTRACT} }} }}"
LIST = """query($filter: ContractFilter, $order: [ContractOrder!], $first: Int, $after: String) {
  contracts(first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { number title } } } }"""
TASKS = """{ tasks(first: 50) { edges { node { subject body dueDate priority owner { email }
  related { id } } } } }"""


# -- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def money(amount: str, currency: str = "CNY") -> dict:
    return {"amount": amount, "currency": currency}


def number(n: int) -> str:
    return f"C-{today().year}-{n:05d}"


async def draft(api: Api, token: str, customer_id: str, **fields: Any) -> dict:
    values = {
        "customerId": customer_id,
        "startDate": day(-10),
        "endDate": day(60),
        "value": money("1200.00"),
        **fields,
    }
    return (await mutate(api, CREATE, "createContract", token, values))["contract"]


async def activate(api: Api, token: str, contract_id: str) -> dict:
    return (await mutate(api, ACTIVATE, "activateContract", token, {"id": contract_id}))["contract"]


async def active(api: Api, token: str, customer_id: str, **fields: Any) -> dict:
    return await activate(api, token, (await draft(api, token, customer_id, **fields))["id"])


async def read(api: Api, token: str, contract_id: str) -> dict | None:
    return (await api.data(ONE, {"id": contract_id}, token))["contract"]


async def numbers(api: Api, token: str, **variables: Any) -> list[str]:
    data = await api.data(LIST, {"first": 100, **variables}, token)
    return [e["node"]["number"] for e in data["contracts"]["edges"]]


async def events(world: World, prefix: str = "contract.") -> list[str]:
    with tenant_scope(world.tenant.id):
        names = await OutboxEvent.all().order_by("id").values_list("name", flat=True)
    return [n for n in names if n.startswith(prefix)]


async def tasks(api: Api, token: str) -> list[dict]:
    return [e["node"] for e in (await api.data(TASKS, token=token))["tasks"]["edges"]]


def moment(when: dt.date, hour: int = 1) -> dt.datetime:
    return dt.datetime.combine(when, dt.time(hour), tzinfo=dt.UTC)


async def run_contract_jobs(runtime: Runtime, world: World, when: dt.date) -> None:
    """The contracts plugin's jobs, as registered, for this tenant on that day."""
    jobs = runtime.host.collect_list("register_jobs", only=["contracts"])
    assert [job.name for _, job in jobs] == ["renewal_reminders", "term_ends"]
    with tenant_scope(world.tenant.id):
        for _, job in jobs:
            await job.run(runtime=runtime, tenant_id=world.tenant.id, now=moment(when))


async def customer_of(api: Api, world: World, who: str, name: str) -> str:
    return (await create_customer(api, world.token(who), name=name))["id"]


# -- lifecycle -------------------------------------------------------------------------------


async def test_a_draft_is_edited_activated_and_terminated(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Lifecycle")
    created = await draft(api, token, acme, billingFrequency="MONTHLY", paymentTerms=" Net 30 ")
    assert created == {
        **created,
        "number": number(1),
        "title": "Acme Lifecycle",
        "status": "DRAFT",
        "startDate": day(-10),
        "endDate": day(60),
        "value": money("1200.00"),
        "billingFrequency": "MONTHLY",
        "paymentTerms": "Net 30",
        "autoRenew": False,
        "activatedAt": None,
        "version": 1,
        "customer": {"id": acme, "name": "Acme Lifecycle"},
        "owner": {"email": f"sales@{world.slug}.test"},
        "predecessor": None,
        "successor": None,
    }
    edited = (
        await mutate(
            api,
            UPDATE,
            "updateContract",
            token,
            {"id": created["id"], "version": 1, "title": "Support 2026", "value": money("99.50")},
        )
    )["contract"]
    assert (edited["title"], edited["value"], edited["version"]) == (
        "Support 2026",
        money("99.50"),
        2,
    )
    activated = await activate(api, token, created["id"])
    assert activated["status"] == "ACTIVE" and activated["activatedAt"]
    ended = (
        await mutate(
            api,
            TERMINATE,
            "terminateContract",
            token,
            {"id": created["id"], "reason": "Customer went bankrupt", "version": 3},
        )
    )["contract"]
    assert (ended["status"], ended["terminationReason"], ended["version"]) == (
        "TERMINATED",
        "Customer went bankrupt",
        4,
    )
    assert ended["terminatedAt"]
    assert await events(world) == [
        "contract.created",
        "contract.updated",
        "contract.updated",
        "contract.activated",
        "contract.updated",
        "contract.terminated",
    ]


async def test_numbers_are_gap_free_per_tenant_and_year(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Numbers")
    assert (await draft(api, token, acme))["number"] == number(1)
    refused = await api.data(
        CREATE,
        {"i": {"customerId": acme, "startDate": day(5), "endDate": day(1), "value": money("1")}},
        token,
    )
    assert refused["createContract"]["contract"] is None
    assert (await draft(api, token, acme))["number"] == number(2), "a refusal takes no number"
    other = await make_world(runtime, api)
    theirs = await customer_of(api, other, "sales", "Acme Numbers")
    assert (await draft(api, other.token("sales"), theirs))["number"] == number(1)


async def test_each_status_allows_only_its_own_changes(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Rules")
    the_draft = await draft(api, token, acme)
    running = await active(api, token, acme)
    ended = await draft(api, token, acme, startDate=day(-400), endDate=day(-40))
    over = await active(api, token, acme)
    await mutate(api, TERMINATE, "terminateContract", token, {"id": over["id"], "reason": "x"})
    before = (await events(world), [await read(api, token, c["id"]) for c in (the_draft, running)])

    refused = [
        (ACTIVATE, {"id": running["id"]}, [(["id"], "INVALID_STATUS")]),
        (ACTIVATE, {"id": ended["id"]}, [(["id"], "ENDED")]),
        (TERMINATE, {"id": the_draft["id"], "reason": "x"}, [(["id"], "INVALID_STATUS")]),
        (TERMINATE, {"id": over["id"], "reason": "again"}, [(["id"], "INVALID_STATUS")]),
        (RENEW, {"id": the_draft["id"]}, [(["id"], "INVALID_STATUS")]),
        (RENEW, {"id": over["id"]}, [(["id"], "INVALID_STATUS")]),
        (UPDATE, {"id": over["id"], "autoRenew": True}, [(["id"], "INVALID_STATUS")]),
        (
            UPDATE,
            {"id": running["id"], "value": money("1"), "endDate": day(90), "autoRenew": True},
            [(["value"], "INVALID_STATUS"), (["endDate"], "INVALID_STATUS")],
        ),
    ]
    for query, values, expected in refused:
        body = await api.data(query, {"i": values}, token)
        payload = next(iter(body.values()))
        assert payload["contract"] is None, (values, payload)
        assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == sorted(expected)
        assert all(e["message"] for e in payload["userErrors"])
    after = (await events(world), [await read(api, token, c["id"]) for c in (the_draft, running)])
    assert after == before, "refusals write nothing"

    # What an active contract may still change: its owner, and whether it renews itself.
    manager = to_global_id("User", world.user_ids["manager"])
    handed = (
        await mutate(
            api,
            UPDATE,
            "updateContract",
            world.token("manager"),
            {"id": running["id"], "autoRenew": True, "ownerId": manager},
        )
    )["contract"]
    assert (handed["autoRenew"], handed["owner"], handed["status"]) == (
        True,
        {"email": f"manager@{world.slug}.test"},
        "ACTIVE",
    )


async def test_an_old_version_is_a_conflict_and_changes_nothing(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Versions")
    created = await draft(api, token, acme)
    await mutate(api, UPDATE, "updateContract", token, {"id": created["id"], "title": "Newer"})
    for query, values in (
        (UPDATE, {"id": created["id"], "version": 1, "title": "Older"}),
        (ACTIVATE, {"id": created["id"], "version": 1}),
    ):
        body = await api.gql(query, {"i": values}, token)
        assert error_codes(body) == ["CONFLICT"]
    current = await read(api, token, created["id"])
    assert (current["title"], current["status"], current["version"]) == ("Newer", "DRAFT", 2)


# -- renewal ---------------------------------------------------------------------------------


async def test_renewal_links_the_successor_and_its_predecessor(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Renewals")
    year = today().year + 1
    first = await active(
        api, token, acme, startDate=f"{year}-01-01", endDate=f"{year}-12-31", title="Hosting"
    )
    renewed = await mutate(api, RENEW, "renewContract", token, {"id": first["id"], "version": 2})
    successor, predecessor = renewed["contract"], renewed["predecessor"]
    assert successor == {
        **successor,
        "number": number(2),
        "title": "Hosting",
        "status": "ACTIVE",
        "startDate": f"{year + 1}-01-01",
        "endDate": f"{year + 1}-12-31",
        "value": money("1200.00"),
        "predecessor": {"id": first["id"], "number": number(1), "status": "RENEWED"},
        "successor": None,
    }
    assert predecessor["status"] == "RENEWED"
    assert predecessor["successor"] == {
        "id": successor["id"],
        "number": number(2),
        "status": "ACTIVE",
    }
    # The successor renews in turn, on new terms this time.
    again = await mutate(
        api,
        RENEW,
        "renewContract",
        token,
        {
            "id": successor["id"],
            "startDate": f"{year + 2}-02-01",
            "endDate": f"{year + 2}-07-31",
            "value": money("700.00", "USD"),
            "autoRenew": True,
        },
    )
    third = again["contract"]
    assert (third["startDate"], third["endDate"], third["value"], third["autoRenew"]) == (
        f"{year + 2}-02-01",
        f"{year + 2}-07-31",
        money("700.00", "USD"),
        True,
    )
    body = await api.data(RENEW, {"i": {"id": first["id"]}}, token)
    assert body["renewContract"]["userErrors"][0]["code"] == "INVALID_STATUS"
    assert (await events(world)).count("contract.renewed") == 2


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # A calendar year is followed by the next, leap day or not.
        ("2026-01-01", "2026-12-31", ("2027-01-01", "2027-12-31")),
        ("2027-03-01", "2028-02-29", ("2028-03-01", "2029-02-28")),
        # Whole months stay whole months, whatever the months' lengths.
        ("2026-01-01", "2026-03-31", ("2026-04-01", "2026-06-30")),
        ("2026-02-01", "2026-02-28", ("2026-03-01", "2026-03-31")),
        # Anything else keeps its number of days.
        ("2026-01-10", "2026-02-18", ("2026-02-19", "2026-03-30")),
    ],
)
def test_a_renewed_term_is_as_long_as_the_last(
    start: str, end: str, expected: tuple[str, str]
) -> None:
    new = next_term(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert tuple(d.isoformat() for d in new) == expected


# -- lists -----------------------------------------------------------------------------------


async def test_expires_within_days_finds_active_contracts_ending_soon(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Expiry")
    for title, end in (("today", 0), ("soon", 5), ("month", 30), ("later", 31)):
        await active(api, token, acme, title=title, endDate=day(end))
    await draft(api, token, acme, title="draft", endDate=day(5))
    data = await api.data(
        LIST,
        {"filter": {"expiresWithinDays": 30}, "order": [{"field": "END_DATE"}], "first": 100},
        token,
    )
    assert [e["node"]["title"] for e in data["contracts"]["edges"]] == ["today", "soon", "month"]
    data = await api.data(
        LIST,
        {"filter": {"expiresWithinDays": 30, "title": {"ne": "soon"}}, "first": 1},
        token,
    )
    assert data["contracts"]["totalCount"] == 2 and data["contracts"]["pageInfo"]["hasNextPage"]
    for bad in (-1, 3651):
        body = await api.gql(LIST, {"filter": {"expiresWithinDays": bad}}, token)
        assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_filters_search_order_and_pages(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Robotics")
    globex = await customer_of(api, world, "sales", "Globex")
    await active(api, token, acme, title="Maintenance", autoRenew=True, value=money("9.00"))
    await draft(api, token, acme, title="Spare parts", value=money("100.00"))
    await draft(api, token, globex, title="Robotics audit", value=money("30.00"))

    async def titles(**variables: Any) -> list[str]:
        data = await api.data(LIST, {"first": 100, **variables}, token)
        return [e["node"]["title"] for e in data["contracts"]["edges"]]

    assert await titles(filter={"search": "robotics"}) == [
        "Robotics audit",
        "Spare parts",
        "Maintenance",
    ]
    assert await titles(filter={"search": "acme spare"}) == ["Spare parts"]
    assert await titles(filter={"search": number(2)}) == ["Spare parts"]
    assert await titles(filter={"customer": {"eq": globex}}) == ["Robotics audit"]
    assert await titles(filter={"status": {"eq": "ACTIVE"}, "autoRenew": {"eq": True}}) == [
        "Maintenance"
    ]
    # Amounts order as numbers (100 > 30 > 9), not as text.
    assert await titles(order=[{"field": "VALUE", "direction": "DESC"}]) == [
        "Spare parts",
        "Robotics audit",
        "Maintenance",
    ]
    first = await api.data(LIST, {"first": 2, "order": [{"field": "TITLE"}]}, token)
    page = first["contracts"]
    rest = await api.data(
        LIST,
        {"first": 2, "after": page["pageInfo"]["endCursor"], "order": [{"field": "TITLE"}]},
        token,
    )
    assert [e["node"]["title"] for e in page["edges"] + rest["contracts"]["edges"]] == [
        "Maintenance",
        "Robotics audit",
        "Spare parts",
    ]


async def test_customers_show_their_contracts(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Parent")
    await draft(api, token, acme, title="One")
    await active(api, token, acme, title="Two")
    await draft(api, token, await customer_of(api, world, "sales", "Other"), title="Elsewhere")
    query = """query($id: ID!, $filter: ContractFilter) { customer(id: $id) {
      contracts(first: 10, filter: $filter) { totalCount edges { node { title } } } } }"""
    data = await api.data(query, {"id": acme}, token)
    assert data["customer"]["contracts"] == {
        "totalCount": 2,
        "edges": [{"node": {"title": "Two"}}, {"node": {"title": "One"}}],
    }
    data = await api.data(query, {"id": acme, "filter": {"status": {"eq": "DRAFT"}}}, token)
    assert data["customer"]["contracts"]["edges"] == [{"node": {"title": "One"}}]
    # Contracts follow their own owner: one of this customer's, owned in another team, shows
    # to the admin but not to the customer's owner.
    await draft(
        api,
        world.token("admin"),
        acme,
        title="West",
        ownerId=to_global_id("User", world.user_ids["sales2"]),
    )
    data = await api.data(query, {"id": acme}, world.token("admin"))
    assert data["customer"]["contracts"]["totalCount"] == 3
    data = await api.data(query, {"id": acme}, token)
    assert data["customer"]["contracts"]["totalCount"] == 2


async def test_a_customer_with_contracts_stays_and_merging_moves_them(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    acme = await customer_of(api, world, "admin", "Acme Keep")
    twin = await customer_of(api, world, "admin", "Acme Twin")
    contract = await draft(api, token, twin)
    body = await api.data(
        "mutation($i: DeleteInput!) { deleteCustomer(input: $i) { deletedId userErrors { code message } } }",
        {"i": {"id": twin}},
        token,
    )
    assert body["deleteCustomer"]["userErrors"][0]["code"] == "HAS_DEPENDENTS"
    assert "1 contracts" in body["deleteCustomer"]["userErrors"][0]["message"]
    merged = await api.data(
        "mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) { userErrors { code } } }",
        {"i": {"targetId": acme, "sourceIds": [twin]}},
        token,
    )
    assert merged["mergeCustomers"]["userErrors"] == []
    assert (await read(api, token, contract["id"]))["customer"]["id"] == acme


async def test_notes_and_tasks_attach_to_contracts_their_author_may_see(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    contract = await draft(api, token, await customer_of(api, world, "sales", "Acme Notes"))
    note = """mutation($i: CreateNoteInput!) { createNote(input: $i) {
      activity { related { id } } userErrors { field code } } }"""
    written = await api.data(note, {"i": {"relatedId": contract["id"], "body": "Signed"}}, token)
    assert written["createNote"] == {
        "activity": {"related": {"id": contract["id"]}},
        "userErrors": [],
    }
    refused = await api.data(
        note, {"i": {"relatedId": contract["id"], "body": "Mine?"}}, world.token("sales2")
    )
    assert refused["createNote"]["userErrors"] == [{"field": ["relatedId"], "code": "NOT_FOUND"}]


# -- who sees what ---------------------------------------------------------------------------


async def test_people_see_the_contracts_their_role_reaches(api: Api, world: World) -> None:
    mine = await draft(
        api, world.token("sales"), await customer_of(api, world, "sales", "Acme Sales")
    )
    theirs = await draft(
        api, world.token("sales2"), await customer_of(api, world, "sales2", "Acme West")
    )
    both = sorted([mine["number"], theirs["number"]])
    assert await numbers(api, world.token("sales")) == [mine["number"]]
    assert await numbers(api, world.token("sales2")) == [theirs["number"]]
    assert await numbers(api, world.token("manager")) == [mine["number"]]  # team east
    assert sorted(await numbers(api, world.token("admin"))) == both
    assert sorted(await numbers(api, world.token("viewer"))) == both

    assert await read(api, world.token("sales2"), mine["id"]) is None
    node = await api.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": mine["id"]}, world.token("sales2")
    )
    assert node == {"node": None}
    body = await api.data(ACTIVATE, {"i": {"id": mine["id"]}}, world.token("sales2"))
    assert body["activateContract"]["userErrors"] == [
        {"field": ["id"], "message": "No such contract.", "code": "NOT_FOUND"}
    ]
    body = await api.gql(ACTIVATE, {"i": {"id": mine["id"]}}, world.token("viewer"))
    assert error_codes(body) == ["FORBIDDEN"]
    body = await api.gql(SETTINGS, {"i": {"renewalReminderDays": 7}}, world.token("manager"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert error_codes(await api.gql(LIST, token=world.token("nobody"))) == ["FORBIDDEN"]
    assert (await read(api, world.token("sales"), mine["id"]))["status"] == "DRAFT"


async def test_another_tenant_cannot_see_or_touch_a_contract(
    api: Api, world: World, runtime: Runtime
) -> None:
    acme = await customer_of(api, world, "admin", "Acme Private")
    contract = await draft(api, world.token("admin"), acme)
    other = await make_world(runtime, api)
    token = other.token("admin")
    assert await read(api, token, contract["id"]) is None
    assert await numbers(api, token) == []
    data = await api.data(LIST, {"filter": {"customer": {"eq": acme}}}, token)
    assert data["contracts"]["totalCount"] == 0
    for query, values, field in (
        (ACTIVATE, {"id": contract["id"]}, ["id"]),
        (UPDATE, {"id": contract["id"], "title": "Mine now"}, ["id"]),
        (RENEW, {"id": contract["id"]}, ["id"]),
        (TERMINATE, {"id": contract["id"], "reason": "x"}, ["id"]),
        (
            CREATE,
            {"customerId": acme, "startDate": day(0), "endDate": day(9), "value": money("1")},
            ["customerId"],
        ),
    ):
        payload = next(iter((await api.data(query, {"i": values}, token)).values()))
        assert (field, "NOT_FOUND") in [(e["field"], e["code"]) for e in payload["userErrors"]]
    assert (await read(api, world.token("admin"), contract["id"]))["title"] == "Acme Private"
    assert await events(other) == []


# -- the scheduler: reminders and the end of a term ------------------------------------------


class FakeOrders:
    """Stands in for the orders plugin: answers contract_order from a dict of orders."""

    def __init__(self, orders: dict[int, ContractOrder]) -> None:
        self.orders = orders
        self.asked_by: list[int] = []

    @hookimpl
    async def contract_order(self, ctx: Any, order_id: int) -> ContractOrder | None:
        self.asked_by.append(ctx.principal.user_id)
        return self.orders.get(order_id)


class OrdersWithoutContracts:
    """An orders plugin that does not implement contract_order."""


@contextmanager
def orders_plugin(runtime: Runtime, stand_in: object) -> Iterator[None]:
    """Put `stand_in` in the orders plugin's place in the plugin manager for a while."""
    pm = runtime.host.pm
    real = pm.unregister(name="orders")
    pm.register(stand_in, name="orders")
    try:
        yield
    finally:
        pm.unregister(name="orders")
        pm.register(real, name="orders")


async def test_a_contract_from_an_order_reminds_its_owner_once_30_days_before_its_end(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Orders")
    order = ContractOrder(7, "SO-2026-00007", gid_pk(acme), Decimal("5000"), "EUR")
    end = today() + dt.timedelta(days=90)
    with orders_plugin(runtime, FakeOrders({7: order})):
        contract = (
            await mutate(
                api,
                CREATE,
                "createContract",
                token,
                {
                    "orderId": to_global_id("Order", 7),
                    "startDate": day(0),
                    "endDate": end.isoformat(),
                },
            )
        )["contract"]
    assert (contract["title"], contract["value"], contract["customer"]["id"]) == (
        "Order SO-2026-00007",
        money("5000.00", "EUR"),
        acme,
    )
    await activate(api, token, contract["id"])

    clock = {"now": moment(end - dt.timedelta(days=31))}
    scheduler = Scheduler(runtime, clock=lambda: clock["now"])
    await scheduler.run_due()
    assert await events(world, "contract.renewal_due") == []
    clock["now"] = moment(end - dt.timedelta(days=30))
    await asyncio.gather(
        scheduler.run_due(), Scheduler(runtime, clock=lambda: clock["now"]).run_due()
    )
    clock["now"] = moment(end - dt.timedelta(days=29))
    await scheduler.run_due()
    assert await events(world, "contract.renewal_due") == ["contract.renewal_due"]
    assert await tasks(api, token) == [
        {
            "subject": f"Renew contract {contract['number']}",
            "body": f"Order SO-2026-00007 ends on {end.isoformat()}.",
            "dueDate": end.isoformat(),
            "priority": "HIGH",
            "owner": {"email": f"sales@{world.slug}.test"},
            "related": {"id": contract["id"]},
        }
    ]
    reminded = await read(api, token, contract["id"])
    assert reminded["renewalRemindedAt"].startswith((end - dt.timedelta(days=30)).isoformat())
    timeline = await api.data(
        "query($id: ID!) { contract(id: $id) { timeline { edges { node { kind title } } } } }",
        {"id": contract["id"]},
        token,
    )
    kinds = [e["node"]["kind"] for e in timeline["contract"]["timeline"]["edges"]]
    assert {"TASK", "contract.renewal_due", "contract.activated", "contract.created"} <= set(kinds)


async def test_overlapping_reminder_runs_remind_once(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Overlap")
    contracts = [await active(api, token, acme, endDate=day(20 + i)) for i in range(3)]
    now = moment(today())

    async def remind() -> int:
        with tenant_scope(world.tenant.id):
            return await send_renewal_reminders(runtime=runtime, tenant_id=world.tenant.id, now=now)

    assert sum(await asyncio.gather(remind(), remind())) == 3
    assert await remind() == 0
    assert await events(world, "contract.renewal_due") == ["contract.renewal_due"] * 3
    assert sorted(t["related"]["id"] for t in await tasks(api, token)) == sorted(
        c["id"] for c in contracts
    )


async def test_each_tenant_chooses_how_early_reminders_go(
    api: Api, world: World, runtime: Runtime
) -> None:
    other = await make_world(runtime, api)
    settings = await mutate(
        api, SETTINGS, "updateContractSettings", world.token("admin"), {"renewalReminderDays": 10}
    )
    assert settings["settings"] == {"renewalReminderDays": 10}
    read_back = "{ contractSettings { renewalReminderDays } }"
    assert (await api.data(read_back, token=world.token("viewer")))["contractSettings"] == {
        "renewalReminderDays": 10
    }
    assert (await api.data(read_back, token=other.token("admin")))["contractSettings"] == {
        "renewalReminderDays": 30
    }
    end = today() + dt.timedelta(days=40)
    for w in (world, other):
        token = w.token("sales")
        await active(
            api, token, await customer_of(api, w, "sales", "Acme N"), endDate=end.isoformat()
        )
        await run_contract_jobs(runtime, w, end - dt.timedelta(days=20))
    assert await events(world, "contract.renewal_due") == []
    assert await events(other, "contract.renewal_due") == ["contract.renewal_due"]
    await run_contract_jobs(runtime, world, end - dt.timedelta(days=10))
    assert await events(world, "contract.renewal_due") == ["contract.renewal_due"]
    with tenant_scope(world.tenant.id):
        assert await ContractSettings.all().count() == 1


async def test_without_activities_the_reminder_still_goes_out(
    api: Api, world: World, runtime: Runtime
) -> None:
    admin = world.token("admin")
    disabled = await api.data(DISABLE, {"n": "activities"}, admin)
    assert disabled["disablePlugin"]["userErrors"] == []
    token = world.token("sales")
    end = today() + dt.timedelta(days=15)
    await active(
        api, token, await customer_of(api, world, "sales", "Acme Quiet"), endDate=end.isoformat()
    )
    await run_contract_jobs(runtime, world, today())
    assert await events(world, "contract.renewal_due") == ["contract.renewal_due"]
    with tenant_scope(world.tenant.id):
        assert await Activity.all().count() == 0


async def test_an_auto_renew_contract_renews_itself_at_its_end_date_once(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Auto")
    start, end = today() - dt.timedelta(days=30), today() + dt.timedelta(days=30)
    contract = await active(
        api, token, acme, startDate=start.isoformat(), endDate=end.isoformat(), autoRenew=True
    )
    await run_contract_jobs(runtime, world, end - dt.timedelta(days=1))
    assert (await read(api, token, contract["id"]))["status"] == "ACTIVE"
    await run_contract_jobs(runtime, world, end)
    await run_contract_jobs(runtime, world, end)
    renewed = await read(api, token, contract["id"])
    assert renewed["status"] == "RENEWED"
    successor = await read(api, token, renewed["successor"]["id"])
    assert (successor["status"], successor["startDate"], successor["endDate"]) == (
        "ACTIVE",
        *(d.isoformat() for d in next_term(start, end)),
    )
    assert (successor["value"], successor["autoRenew"], successor["owner"]) == (
        money("1200.00"),
        True,
        {"email": f"sales@{world.slug}.test"},
    )
    assert (await events(world)).count("contract.renewed") == 1
    # Days the job missed are caught up: each successor due by then renews in turn (terms of
    # about 61 days: the third ends before day 130, the fourth after it).
    await run_contract_jobs(runtime, world, end + dt.timedelta(days=130))
    chain = await api.data(
        "{ contracts(orderBy: [{field: START_DATE}]) { edges { node { status predecessor { id } } } } }",
        token=token,
    )
    nodes = [e["node"] for e in chain["contracts"]["edges"]]
    assert [n["status"] for n in nodes] == ["RENEWED", "RENEWED", "RENEWED", "ACTIVE"]
    assert all(n["predecessor"] for n in nodes[1:])


async def test_a_contract_that_does_not_renew_expires_after_its_end_date(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Ending")
    end = today() + dt.timedelta(days=3)
    contract = await active(api, token, acme, endDate=end.isoformat())
    await run_contract_jobs(runtime, world, end)
    assert (await read(api, token, contract["id"]))["status"] == "ACTIVE"
    await run_contract_jobs(runtime, world, end + dt.timedelta(days=1))
    await run_contract_jobs(runtime, world, end + dt.timedelta(days=2))
    expired = await read(api, token, contract["id"])
    assert (expired["status"], expired["version"]) == ("EXPIRED", 3)
    assert (await events(world)).count("contract.expired") == 1
    # An expired contract may still be renewed, late, for a term that is not over.
    body = await api.data(RENEW, {"i": {"id": contract["id"], "endDate": day(2)}}, token)
    assert body["renewContract"]["userErrors"][0]["field"] == ["endDate"]
    late = await mutate(
        api,
        RENEW,
        "renewContract",
        token,
        {"id": contract["id"], "startDate": day(10), "endDate": day(100)},
    )
    assert late["predecessor"]["status"] == "RENEWED"
    assert late["contract"]["status"] == "ACTIVE"


# -- orders ----------------------------------------------------------------------------------


async def test_an_order_must_be_known_and_agree_with_the_customer(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    acme = await customer_of(api, world, "sales", "Acme Buyer")
    globex = await customer_of(api, world, "sales", "Globex Buyer")
    orders = FakeOrders({3: ContractOrder(3, "SO-3", gid_pk(acme), Decimal("80.5"), "CNY")})
    terms = {"startDate": day(0), "endDate": day(30)}

    async def errors(values: dict) -> list[tuple]:
        payload = (await api.data(CREATE, {"i": {**terms, **values}}, token))["createContract"]
        assert payload["contract"] is None or not payload["userErrors"]
        return [(e["field"], e["code"]) for e in payload["userErrors"]]

    with orders_plugin(runtime, orders):
        assert await errors({"orderId": to_global_id("Order", 3), "customerId": globex}) == [
            (["customerId"], "MISMATCH")
        ]
        assert await errors({"orderId": to_global_id("Order", 4)}) == [(["orderId"], "NOT_FOUND")]
        assert await errors({"orderId": acme}) == [(["orderId"], "NOT_FOUND")]
        made = await mutate(
            api,
            CREATE,
            "createContract",
            token,
            {
                **terms,
                "orderId": to_global_id("Order", 3),
                "customerId": acme,
                "value": money("75.00"),
            },
        )
        assert made["contract"]["value"] == money("75.00")
        assert orders.asked_by[-1] == world.user_ids["sales"]
    with orders_plugin(runtime, OrdersWithoutContracts()):
        assert await errors({"orderId": to_global_id("Order", 3)}) == [
            (["orderId"], "MODULE_DISABLED")
        ]
    shown = await api.data(
        "query($id: ID!) { contract(id: $id) { orderId orderNumber } }",
        {"id": made["contract"]["id"]},
        token,
    )
    assert shown["contract"] == {"orderId": to_global_id("Order", 3), "orderNumber": "SO-3"}
    assert await events(world) == ["contract.created"]


async def test_without_orders_there_is_no_order_to_name(api: Api, runtime: Runtime) -> None:
    world = await make_world(runtime, api, plugins=["customers", "contracts"])
    token = world.token("admin")
    shape = """{ contract: __type(name: "Contract") { fields { name } }
                 input: __type(name: "CreateContractInput") { inputFields { name } } }"""
    data = await api.data(shape, token=token)
    assert not {"orderId", "orderNumber"} & {f["name"] for f in data["contract"]["fields"]}
    assert "orderId" not in {f["name"] for f in data["input"]["inputFields"]}
    acme = await customer_of(api, world, "admin", "Acme Plain")
    values = {"customerId": acme, "startDate": day(0), "endDate": day(30), "value": money("1")}
    body = await api.gql(CREATE, {"i": {**values, "orderId": to_global_id("Order", 1)}}, token)
    assert error_codes(body) == ["BAD_USER_INPUT"] and "orderId" in body["errors"][0]["message"]
    assert await events(world) == []


# -- the PDF --------------------------------------------------------------------------------


async def download(api: Api, url: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await api.client.get(url, headers=headers)


async def test_a_contract_prints_as_a_pdf_for_those_who_may_read_it(
    api: Api, world: World, runtime: Runtime
) -> None:
    token = world.token("sales")
    customer = (
        await create_customer(api, token, name="上海贸易有限公司", address={"city": "上海"})
    )["id"]
    contract = await active(
        api,
        token,
        customer,
        title="Annual maintenance",
        startDate="2027-01-01",
        endDate="2027-12-31",
        value=money("120000.00"),
        billingFrequency="QUARTERLY",
        paymentTerms="Net 30",
        autoRenew=True,
    )
    assert contract["pdfUrl"] == f"/contracts/{contract['id']}.pdf"
    response = await download(api, contract["pdfUrl"], token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{contract["number"]}.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for printed in (
        contract["number"],
        "Annual maintenance",
        "上海贸易有限公司",
        "2027-01-01",
        "2027-12-31",
        "120,000.00 CNY",
        "Quarterly",
        "Net 30",
        "Active",
        "Sales",
        world.tenant.name,
    ):
        assert printed in text, (printed, text)

    # Only those who may read the contract get it; to anyone else it does not exist.
    refused = {
        "a colleague in another team": (world.token("sales2"), 404, "NOT_FOUND"),
        "someone without a role": (world.token("nobody"), 403, "FORBIDDEN"),
        "nobody signed in": (None, 401, "UNAUTHENTICATED"),
        "another tenant": ((await make_world(runtime, api)).token("admin"), 404, "NOT_FOUND"),
    }
    for who, (caller, status, code) in refused.items():
        response = await download(api, contract["pdfUrl"], caller)
        assert (response.status_code, error_codes(response.json())) == (status, [code]), who
    missing = await download(api, f"/contracts/{to_global_id('Contract', 10**9)}.pdf", token)
    assert missing.status_code == 404
    assert (await download(api, contract["pdfUrl"], world.token("viewer"))).status_code == 200


# -- bad input -------------------------------------------------------------------------------


@dataclass
class Scene:
    """Contracts in each status, owned by sales, in a tenant of their own."""

    world: World
    customer: str
    foreign_customer: str
    draft: str
    ended_draft: str
    active: str
    terminated: str

    def user(self, who: str) -> str:
        return to_global_id("User", self.world.user_ids[who])


@dataclass(frozen=True)
class Case:
    query: str
    input: Callable[[Scene], dict]
    errors: list[tuple[list[str], str]]
    who: str = "sales"


MISSING = to_global_id("Contract", 10**9)


def terms(s: Scene, **values: Any) -> dict:
    return {
        "customerId": s.customer,
        "startDate": day(0),
        "endDate": day(30),
        "value": money("1"),
        **values,
    }


CASES: dict[str, Case] = {
    "createContract end before start": Case(
        CREATE, lambda s: terms(s, endDate=day(-1)), [(["endDate"], "INVALID")]
    ),
    "createContract one-day term": Case(
        CREATE, lambda s: terms(s, endDate=day(0)), [(["endDate"], "INVALID")]
    ),
    "createContract dates out of range": Case(
        CREATE,
        lambda s: terms(s, startDate="1800-01-01", endDate="3001-01-01"),
        [(["startDate"], "OUT_OF_RANGE"), (["endDate"], "OUT_OF_RANGE")],
    ),
    "createContract term over a century": Case(
        CREATE,
        lambda s: terms(s, startDate="2000-01-01", endDate="2100-01-02"),
        [(["endDate"], "TOO_LONG")],
    ),
    "createContract neither customer nor order": Case(
        CREATE,
        lambda s: {"startDate": day(0), "endDate": day(9)},
        [(["customerId"], "REQUIRED"), (["value"], "REQUIRED")],
    ),
    "createContract unknown customer": Case(
        CREATE, lambda s: terms(s, customerId=MISSING), [(["customerId"], "NOT_FOUND")]
    ),
    "createContract a colleague's customer": Case(
        CREATE, lambda s: terms(s, customerId=s.foreign_customer), [(["customerId"], "NOT_FOUND")]
    ),
    "createContract negative value": Case(
        CREATE, lambda s: terms(s, value=money("-1")), [(["value", "amount"], "NEGATIVE")]
    ),
    "createContract fractions of a cent": Case(
        CREATE, lambda s: terms(s, value=money("1.001")), [(["value", "amount"], "INVALID")]
    ),
    "createContract yen with decimals": Case(
        CREATE, lambda s: terms(s, value=money("1.5", "JPY")), [(["value", "amount"], "INVALID")]
    ),
    "createContract bad currency": Case(
        CREATE, lambda s: terms(s, value=money("1", "yuan")), [(["value", "currency"], "INVALID")]
    ),
    "createContract long title and payment terms": Case(
        CREATE,
        lambda s: terms(s, title="x" * 201, paymentTerms="y" * 201),
        [(["title"], "TOO_LONG"), (["paymentTerms"], "TOO_LONG")],
    ),
    "createContract unknown owner": Case(
        CREATE,
        lambda s: terms(s, ownerId=to_global_id("User", 10**9)),
        [(["ownerId"], "NOT_FOUND")],
    ),
    "createContract owner outside the caller's team": Case(
        CREATE, lambda s: terms(s, ownerId=s.user("sales2")), [(["ownerId"], "NOT_ALLOWED")]
    ),
    "updateContract unknown id": Case(
        UPDATE, lambda s: {"id": MISSING, "title": "x"}, [(["id"], "NOT_FOUND")]
    ),
    "updateContract id of a customer": Case(
        UPDATE, lambda s: {"id": s.customer, "title": "x"}, [(["id"], "NOT_FOUND")]
    ),
    "updateContract blank title": Case(
        UPDATE, lambda s: {"id": s.draft, "title": "  "}, [(["title"], "REQUIRED")]
    ),
    "updateContract nulls": Case(
        UPDATE,
        lambda s: {
            "id": s.draft,
            "title": None,
            "startDate": None,
            "value": None,
            "autoRenew": None,
            "ownerId": None,
        },
        [
            (["title"], "REQUIRED"),
            (["startDate"], "REQUIRED"),
            (["value"], "REQUIRED"),
            (["autoRenew"], "REQUIRED"),
            (["ownerId"], "REQUIRED"),
        ],
    ),
    "updateContract end before start": Case(
        UPDATE, lambda s: {"id": s.draft, "endDate": day(-30)}, [(["endDate"], "INVALID")]
    ),
    "updateContract unknown customer and bad value": Case(
        UPDATE,
        lambda s: {"id": s.draft, "customerId": MISSING, "value": money("0.001")},
        [(["customerId"], "NOT_FOUND"), (["value", "amount"], "INVALID")],
    ),
    "updateContract terms of an active contract": Case(
        UPDATE,
        lambda s: {"id": s.active, "title": "x", "billingFrequency": "MONTHLY"},
        [(["title"], "INVALID_STATUS"), (["billingFrequency"], "INVALID_STATUS")],
    ),
    "updateContract a terminated contract": Case(
        UPDATE, lambda s: {"id": s.terminated, "autoRenew": True}, [(["id"], "INVALID_STATUS")]
    ),
    "updateContract owner outside the caller's team": Case(
        UPDATE,
        lambda s: {"id": s.active, "ownerId": s.user("sales2")},
        [(["ownerId"], "NOT_ALLOWED")],
    ),
    "activateContract unknown id": Case(
        ACTIVATE, lambda s: {"id": MISSING}, [(["id"], "NOT_FOUND")]
    ),
    "activateContract an active one": Case(
        ACTIVATE, lambda s: {"id": s.active}, [(["id"], "INVALID_STATUS")]
    ),
    "activateContract a term that is over": Case(
        ACTIVATE, lambda s: {"id": s.ended_draft}, [(["id"], "ENDED")]
    ),
    "renewContract unknown id": Case(RENEW, lambda s: {"id": MISSING}, [(["id"], "NOT_FOUND")]),
    "renewContract a draft": Case(RENEW, lambda s: {"id": s.draft}, [(["id"], "INVALID_STATUS")]),
    "renewContract starting inside the current term": Case(
        RENEW, lambda s: {"id": s.active, "startDate": day(30)}, [(["startDate"], "INVALID")]
    ),
    "renewContract start out of range": Case(
        RENEW,
        lambda s: {"id": s.active, "startDate": "9999-12-31"},
        [(["startDate"], "OUT_OF_RANGE")],
    ),
    "renewContract ending before it starts": Case(
        RENEW, lambda s: {"id": s.active, "endDate": day(61)}, [(["endDate"], "INVALID")]
    ),
    "renewContract bad value": Case(
        RENEW, lambda s: {"id": s.active, "value": money("-5")}, [(["value", "amount"], "NEGATIVE")]
    ),
    "terminateContract blank reason": Case(
        TERMINATE, lambda s: {"id": s.active, "reason": " "}, [(["reason"], "REQUIRED")]
    ),
    "terminateContract long reason": Case(
        TERMINATE, lambda s: {"id": s.active, "reason": "x" * 501}, [(["reason"], "TOO_LONG")]
    ),
    "terminateContract a draft": Case(
        TERMINATE, lambda s: {"id": s.draft, "reason": "x"}, [(["id"], "INVALID_STATUS")]
    ),
    "terminateContract unknown id": Case(
        TERMINATE, lambda s: {"id": MISSING, "reason": "x"}, [(["id"], "NOT_FOUND")]
    ),
    "updateContractSettings zero days": Case(
        SETTINGS,
        lambda s: {"renewalReminderDays": 0},
        [(["renewalReminderDays"], "OUT_OF_RANGE")],
        "admin",
    ),
    "updateContractSettings over a year": Case(
        SETTINGS,
        lambda s: {"renewalReminderDays": 366},
        [(["renewalReminderDays"], "OUT_OF_RANGE")],
        "admin",
    ),
}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def scene(runtime: Runtime, api: Api) -> Scene:
    world = await make_world(runtime, api)
    token = world.token("sales")
    customer = await customer_of(api, world, "sales", "Acme Scene")
    terminated = await active(api, token, customer)
    await mutate(
        api, TERMINATE, "terminateContract", token, {"id": terminated["id"], "reason": "x"}
    )
    return Scene(
        world=world,
        customer=customer,
        foreign_customer=await customer_of(api, world, "sales2", "Acme West Scene"),
        draft=(await draft(api, token, customer))["id"],
        ended_draft=(await draft(api, token, customer, startDate=day(-90), endDate=day(-1)))["id"],
        active=(await active(api, token, customer))["id"],
        terminated=terminated["id"],
    )


async def database_state(tenant_id: int) -> dict[str, Any]:
    with tenant_scope(tenant_id):
        return {
            "contracts": await ContractRow.all()
            .order_by("id")
            .values_list(
                "id", "status", "version", "title", "value", "end_date", "owner_id", "auto_renew"
            ),
            "events": await OutboxEvent.all().count(),
            "numbers": await NumberSequence.all().order_by("key").values_list("key", "value"),
            "settings": await ContractSettings.all().values_list("renewal_reminder_days"),
        }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_bad_input_answers_with_user_errors_and_writes_nothing(
    api: Api, scene: Scene, case: Case
) -> None:
    before = await database_state(scene.world.tenant.id)
    body = await api.gql(case.query, {"i": case.input(scene)}, scene.world.token(case.who))
    assert "errors" not in body, body
    [payload] = body["data"].values()
    assert all(value is None for key, value in payload.items() if key != "userErrors"), payload
    errors = payload["userErrors"]
    assert all(e["message"].strip() for e in errors), errors
    assert sorted((e["field"], e["code"]) for e in errors) == sorted(case.errors)
    assert await database_state(scene.world.tenant.id) == before


async def test_every_contracts_mutation_has_bad_input_rows(runtime: Runtime) -> None:
    owned = {
        name
        for (type_name, name), owner in runtime.schemas.field_owner.items()
        if type_name == "Mutation" and owner == "contracts"
    }
    covered = {case.query.split("{")[1].split("(")[0].strip() for case in CASES.values()}
    assert owned == covered
