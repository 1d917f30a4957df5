"""Customers and contacts through the GraphQL API: what a CRM user sees when they create,
find, page through, de-duplicate, merge, edit concurrently and delete records."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from core.graphql.relay import to_global_id
from core.models import OutboxEvent
from core.tenancy import tenant_scope
from tests.support import Api, World, error_codes, gid_pk

CUSTOMER_FIELDS = """id name industry size website phone lifecycleStage version createdAt
  updatedAt address { street city region postalCode country } owner { id email }
  parent { id name } tags contacts { id name email }
  merges { sourceName movedContacts mergedBy { email } }"""
CONTACT_FIELDS = "id name title email phone version owner { email } customer { id name }"
ERRORS = "userErrors { field message code }"

CREATE_CUSTOMER = f"""mutation($i: CreateCustomerInput!) {{ createCustomer(input: $i) {{
  customer {{ {CUSTOMER_FIELDS} }} {ERRORS} }} }}"""
CREATE_CUSTOMERS = f"""mutation($i: [CreateCustomerInput!]!) {{ createCustomers(input: $i) {{
  customers {{ id name }} {ERRORS} }} }}"""
UPDATE_CUSTOMER = f"""mutation($i: UpdateCustomerInput!) {{ updateCustomer(input: $i) {{
  customer {{ {CUSTOMER_FIELDS} }} {ERRORS} }} }}"""
DELETE_CUSTOMER = f"""mutation($i: DeleteInput!) {{ deleteCustomer(input: $i) {{
  deletedId {ERRORS} }} }}"""
MERGE_CUSTOMERS = f"""mutation($i: MergeCustomersInput!) {{ mergeCustomers(input: $i) {{
  customer {{ {CUSTOMER_FIELDS} }} {ERRORS} }} }}"""
CREATE_CONTACT = f"""mutation($i: CreateContactInput!) {{ createContact(input: $i) {{
  contact {{ {CONTACT_FIELDS} }} {ERRORS} }} }}"""
CREATE_CONTACTS = f"""mutation($i: [CreateContactInput!]!) {{ createContacts(input: $i) {{
  contacts {{ id }} {ERRORS} }} }}"""
UPDATE_CONTACT = f"""mutation($i: UpdateContactInput!) {{ updateContact(input: $i) {{
  contact {{ {CONTACT_FIELDS} }} {ERRORS} }} }}"""
DELETE_CONTACT = f"""mutation($i: DeleteInput!) {{ deleteContact(input: $i) {{
  deletedId {ERRORS} }} }}"""
CUSTOMER = f"query($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}"
CUSTOMERS = """query($first: Int, $after: String, $last: Int, $before: String,
                     $filter: CustomerFilter, $order: [CustomerOrder!]) {
  customers(first: $first, after: $after, last: $last, before: $before,
            filter: $filter, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name createdAt } } } }"""
CONTACTS = """query($filter: ContactFilter) {
  contacts(first: 100, filter: $filter) { totalCount edges { node { name } } } }"""


# -- helpers ---------------------------------------------------------------------------------


async def mutate(api: Api, mutation: str, payload_key: str, token: str, input: Any) -> dict:
    """The payload of a mutation that must succeed without userErrors."""
    payload = (await api.data(mutation, {"i": input}, token))[payload_key]
    assert payload["userErrors"] == [], payload
    return payload


async def create_customer(api: Api, token: str, **fields: Any) -> dict:
    return (await mutate(api, CREATE_CUSTOMER, "createCustomer", token, fields))["customer"]


async def create_contact(api: Api, token: str, **fields: Any) -> dict:
    return (await mutate(api, CREATE_CONTACT, "createContact", token, fields))["contact"]


async def read_customer(api: Api, token: str, gid: str) -> dict | None:
    return (await api.data(CUSTOMER, {"id": gid}, token))["customer"]


async def customer_names(
    api: Api, token: str, filter: dict | None = None, order: list | None = None
) -> list[str]:
    data = await api.data(CUSTOMERS, {"first": 100, "filter": filter, "order": order}, token)
    return [e["node"]["name"] for e in data["customers"]["edges"]]


async def outbox(world: World) -> list[OutboxEvent]:
    with tenant_scope(world.tenant.id):
        return list(await OutboxEvent.all().order_by("id"))


def user_gid(world: World, who: str) -> str:
    return to_global_id("User", world.user_ids[who])


def in_utc_plus_8(iso: str) -> str:
    """The same instant written with a +08:00 offset, as a client in Shanghai sends it."""
    return dt.datetime.fromisoformat(iso).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


# -- create, read, update, delete ------------------------------------------------------------


async def test_customer_can_be_created_read_updated_and_deleted(api: Api, world: World) -> None:
    token = world.token("sales")
    created = await create_customer(
        api,
        token,
        name="  Huayang Trading  ",
        industry="Logistics",
        size="MEDIUM",
        website="https://www.Huayang-Trading.cn/en",
        phone="+86 21 6888 0000",
        address={"street": "88 Century Ave", "city": "Shanghai", "country": "CN"},
        tags=["vip", "asia", "vip"],
        lifecycleStage="QUALIFIED",
    )
    assert created["name"] == "Huayang Trading"
    assert created["version"] == 1
    assert created["owner"]["email"] == f"sales@{world.slug}.test"
    assert created["tags"] == ["asia", "vip"]
    assert created["address"] == {
        "street": "88 Century Ave",
        "city": "Shanghai",
        "region": None,
        "postalCode": None,
        "country": "CN",
    }
    assert await read_customer(api, token, created["id"]) == created

    updated = (
        await mutate(
            api,
            UPDATE_CUSTOMER,
            "updateCustomer",
            token,
            {"id": created["id"], "version": 1, "industry": "Shipping", "tags": ["key-account"]},
        )
    )["customer"]
    assert updated["industry"] == "Shipping"
    assert updated["tags"] == ["key-account"]
    assert updated["version"] == 2
    assert updated["name"] == "Huayang Trading", "fields left out of an update are kept"
    assert updated["updatedAt"] > created["updatedAt"]
    assert await read_customer(api, token, created["id"]) == updated

    deleted = await mutate(
        api, DELETE_CUSTOMER, "deleteCustomer", world.token("admin"), {"id": created["id"]}
    )
    assert deleted["deletedId"] == created["id"]
    assert await read_customer(api, token, created["id"]) is None
    assert await customer_names(api, token) == []


async def test_contact_can_be_created_moved_updated_and_deleted(api: Api, world: World) -> None:
    sales, admin = world.token("sales"), world.token("admin")
    acme = await create_customer(api, sales, name="Acme")
    zenith = await create_customer(api, sales, name="Zenith")

    contact = await create_contact(
        api, admin, name="Li Wei", customerId=acme["id"], title="CTO", email=" LI.Wei@Acme.CN "
    )
    assert contact["email"] == "li.wei@acme.cn"
    assert contact["owner"]["email"] == f"sales@{world.slug}.test", "owner defaults to customer's"
    assert contact["customer"] == {"id": acme["id"], "name": "Acme"}
    assert (await read_customer(api, sales, acme["id"]))["contacts"] == [
        {"id": contact["id"], "name": "Li Wei", "email": "li.wei@acme.cn"}
    ]

    moved = (
        await mutate(
            api,
            UPDATE_CONTACT,
            "updateContact",
            sales,
            {"id": contact["id"], "version": 1, "title": "CEO", "customerId": zenith["id"]},
        )
    )["contact"]
    assert (moved["title"], moved["version"], moved["customer"]["name"]) == ("CEO", 2, "Zenith")
    assert (await read_customer(api, sales, acme["id"]))["contacts"] == []
    by_customer = {"customer": {"eq": zenith["id"]}}
    listed = await api.data(CONTACTS, {"filter": by_customer}, sales)
    assert [e["node"]["name"] for e in listed["contacts"]["edges"]] == ["Li Wei"]

    await mutate(api, DELETE_CONTACT, "deleteContact", sales, {"id": contact["id"]})
    assert (await api.data(CONTACTS, {}, sales))["contacts"]["totalCount"] == 0


# -- bulk create -----------------------------------------------------------------------------


async def test_bulk_create_writes_all_or_nothing_and_errors_name_the_item(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    items = [
        {"name": "Alpha"},
        {"name": "   "},
        {"name": "Gamma", "website": "not a website"},
        {"name": "alpha"},
    ]
    body = await api.data(CREATE_CUSTOMERS, {"i": items}, token)
    payload = body["createCustomers"]
    assert payload["customers"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["1", "name"], "REQUIRED"),
        (["2", "website"], "INVALID"),
        (["3", "name"], "DUPLICATE"),
    ]
    assert "Item 0" in payload["userErrors"][2]["message"]
    assert await customer_names(api, token) == []
    assert await outbox(world) == []

    items[1:] = [{"name": "Beta"}, {"name": "Gamma", "website": "gamma.example"}]
    created = (await mutate(api, CREATE_CUSTOMERS, "createCustomers", token, items))["customers"]
    assert [c["name"] for c in created] == ["Alpha", "Beta", "Gamma"]
    assert await customer_names(api, token) == ["Alpha", "Beta", "Gamma"]


async def test_bulk_create_takes_at_most_500_items(api: Api, world: World) -> None:
    token = world.token("sales")
    items = [{"name": f"Bulk {i:03d}"} for i in range(501)]
    payload = (await api.data(CREATE_CUSTOMERS, {"i": items}, token))["createCustomers"]
    assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY"]
    assert await customer_names(api, token) == []

    created = await mutate(api, CREATE_CUSTOMERS, "createCustomers", token, items[:500])
    assert len(created["customers"]) == 500
    count = await api.data("{ customers { totalCount } }", token=token)
    assert count["customers"]["totalCount"] == 500


async def test_bulk_contacts_are_all_or_nothing_too(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await create_customer(api, token, name="Acme")
    items = [
        {"name": "Ann", "customerId": acme["id"]},
        {"name": "Bo", "customerId": acme["id"], "email": "bo at acme"},
    ]
    payload = (await api.data(CREATE_CONTACTS, {"i": items}, token))["createContacts"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["1", "email"], "INVALID")]
    assert (await api.data(CONTACTS, {}, token))["contacts"]["totalCount"] == 0


# -- filters ---------------------------------------------------------------------------------


async def test_filters_select_customers_by_text_enums_owner_tags_and_dates(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    alpha = await create_customer(
        api,
        admin,
        name="Alpha Trading",
        industry="Logistics",
        size="SMALL",
        tags=["vip", "asia"],
        lifecycleStage="CUSTOMER",
        ownerId=user_gid(world, "sales"),
    )
    beta = await create_customer(
        api,
        admin,
        name="Beta Foods",
        industry="Food",
        size="LARGE",
        tags=["asia"],
        ownerId=user_gid(world, "sales2"),
    )
    await create_customer(
        api,
        admin,
        name="Gamma Logistics",
        industry="Logistics",
        size="MEDIUM",
        tags=["vip"],
        lifecycleStage="CHURNED",
    )
    delta = await create_customer(api, admin, name="Delta", lifecycleStage="QUALIFIED")

    async def names(filter: dict) -> list[str]:
        return await customer_names(api, admin, filter)

    assert await names({"name": {"contains": "LOGIST"}}) == ["Gamma Logistics"]
    assert await names({"name": {"eq": "Beta Foods"}}) == ["Beta Foods"]
    assert await names({"name": {"eq": "beta foods"}}) == [], "eq is exact"
    assert await names({"name": {"in": ["Delta", "Beta Foods", "Omega"]}}) == [
        "Beta Foods",
        "Delta",
    ]
    assert await names({"industry": {"isNull": True}}) == ["Delta"]
    assert await names({"industry": {"ne": "Logistics"}}) == ["Beta Foods", "Delta"], (
        "ne keeps records with no value"
    )
    assert await names({"size": {"eq": "MEDIUM"}}) == ["Gamma Logistics"]
    assert await names({"size": {"in": ["SMALL", "LARGE"]}}) == ["Alpha Trading", "Beta Foods"]
    assert await names({"lifecycleStage": {"ne": "PROSPECT"}}) == [
        "Alpha Trading",
        "Delta",
        "Gamma Logistics",
    ]
    assert await names({"owner": {"eq": user_gid(world, "sales")}}) == ["Alpha Trading"]
    assert await names(
        {"owner": {"in": [user_gid(world, "sales"), user_gid(world, "sales2")]}}
    ) == ["Alpha Trading", "Beta Foods"]
    assert await names({"tags": {"hasAny": ["vip", "asia"]}}) == [
        "Alpha Trading",
        "Beta Foods",
        "Gamma Logistics",
    ]
    assert await names({"tags": {"hasAll": ["vip", "asia"]}}) == ["Alpha Trading"]
    assert await names({"tags": {"hasAny": ["nobody-uses-this"]}}) == []
    assert await names({"or": [{"industry": {"eq": "Food"}}, {"size": {"eq": "MEDIUM"}}]}) == [
        "Beta Foods",
        "Gamma Logistics",
    ]
    assert await names(
        {"and": [{"industry": {"eq": "Logistics"}}, {"tags": {"hasAny": ["asia"]}}]}
    ) == ["Alpha Trading"]
    assert await names({"not": {"tags": {"hasAny": ["vip"]}}}) == ["Beta Foods", "Delta"]
    assert await names(
        {"not": {"or": [{"name": {"contains": "a t"}}, {"industry": {"isNull": True}}]}}
    ) == ["Beta Foods", "Gamma Logistics"]

    window = {"gte": beta["createdAt"], "lt": delta["createdAt"]}
    assert await names({"createdAt": window}) == ["Beta Foods", "Gamma Logistics"]
    shanghai = {k: in_utc_plus_8(v) for k, v in window.items()}
    assert await names({"createdAt": shanghai}) == ["Beta Foods", "Gamma Logistics"], (
        "the same instant with another UTC offset selects the same records"
    )
    assert await names({"createdAt": {"lte": alpha["createdAt"]}}) == ["Alpha Trading"]
    assert await names({"createdAt": {"gt": delta["createdAt"]}}) == []

    sales = world.token("sales")
    everyone = {"tags": {"hasAny": ["vip", "asia"]}}
    assert await customer_names(api, sales, everyone) == ["Alpha Trading"], (
        "a filter never widens what the caller may see"
    )


async def test_contacts_filter_by_text_and_customer(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await create_customer(api, token, name="Acme")
    zenith = await create_customer(api, token, name="Zenith")
    await create_contact(api, token, name="Ann", customerId=acme["id"], email="ann@acme.cn")
    await create_contact(api, token, name="Bo", customerId=acme["id"], title="Buyer")
    await create_contact(api, token, name="Cy", customerId=zenith["id"], email="cy@zenith.cn")

    async def names(filter: dict) -> list[str]:
        data = await api.data(CONTACTS, {"filter": filter}, token)
        return [e["node"]["name"] for e in data["contacts"]["edges"]]

    assert await names({"email": {"contains": "ZENITH"}}) == ["Cy"]
    assert await names({"email": {"isNull": True}}) == ["Bo"]
    assert await names({"customer": {"eq": acme["id"]}}) == ["Ann", "Bo"]
    assert await names({"customer": {"ne": acme["id"]}, "title": {"isNull": True}}) == ["Cy"]


# -- ordering and keyset pagination ----------------------------------------------------------

ORDERS = {
    "name": [{"field": "NAME"}],
    "name desc": [{"field": "NAME", "direction": "DESC"}],
    "created": [{"field": "CREATED_AT"}],
    "created desc": [{"field": "CREATED_AT", "direction": "DESC"}],
}


def expected_order(records: list[dict], order: list[dict]) -> list[str]:
    """IDs in the order the API promises: the ordering field, then the record's id."""
    field = {"NAME": "name", "CREATED_AT": "createdAt"}[order[0]["field"]]
    descending = order[0].get("direction") == "DESC"

    def key(r: dict) -> tuple:
        value = r[field] if field == "name" else dt.datetime.fromisoformat(r[field])
        return value, gid_pk(r["id"])

    return [r["id"] for r in sorted(records, key=key, reverse=descending)]


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
async def test_pages_walk_every_record_exactly_once_forward_and_backward(
    api: Api, world: World, order: list[dict]
) -> None:
    token = world.token("sales")
    # Created out of name order, with two pairs of equal names to exercise tie-breaking.
    names = [f"Company {(i * 7) % 20:02d}" for i in range(20)] + ["Company 03", "Company 11"]
    items = [{"name": n, "allowDuplicate": True} for n in names]
    await mutate(api, CREATE_CUSTOMERS, "createCustomers", token, items)
    await create_customer(api, token, name="Not in the filter")
    matching = {"name": {"contains": "company"}}
    everything = await api.data(CUSTOMERS, {"first": 100, "filter": matching}, token)
    expected = expected_order([e["node"] for e in everything["customers"]["edges"]], order)
    assert len(expected) == 22

    async def page(**args: Any) -> dict:
        data = await api.data(CUSTOMERS, {**args, "filter": matching, "order": order}, token)
        connection = data["customers"]
        assert connection["totalCount"] == 22
        edges = connection["edges"]
        info = connection["pageInfo"]
        assert (info["startCursor"], info["endCursor"]) == (edges[0]["cursor"], edges[-1]["cursor"])
        return connection

    forward: list[str] = []
    after = None
    while True:
        connection = await page(first=5, after=after)
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        forward += [e["node"]["id"] for e in connection["edges"]]
        after = info["endCursor"]
        if not info["hasNextPage"]:
            break
        assert len(connection["edges"]) == 5
    assert forward == expected

    backward: list[str] = []
    before = None
    while True:
        connection = await page(last=5, before=before)
        info = connection["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        backward = [e["node"]["id"] for e in connection["edges"]] + backward
        before = info["startCursor"]
        if not info["hasPreviousPage"]:
            break
    assert backward == expected


async def test_a_cursor_keeps_its_place_when_records_are_added_before_it(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    items = [{"name": f"Shop {i}"} for i in range(1, 7)]
    await mutate(api, CREATE_CUSTOMERS, "createCustomers", token, items)
    first = (await api.data(CUSTOMERS, {"first": 3}, token))["customers"]
    await create_customer(api, token, name="Shop 0")
    after = first["pageInfo"]["endCursor"]
    second = (await api.data(CUSTOMERS, {"first": 3, "after": after}, token))["customers"]
    assert [e["node"]["name"] for e in second["edges"]] == ["Shop 4", "Shop 5", "Shop 6"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["totalCount"] == 7


async def test_page_size_defaults_to_20_and_above_100_is_an_error(api: Api, world: World) -> None:
    token = world.token("sales")
    items = [{"name": f"Firm {i:03d}"} for i in range(101)]
    await mutate(api, CREATE_CUSTOMERS, "createCustomers", token, items)

    default = (await api.data(CUSTOMERS, {}, token))["customers"]
    assert len(default["edges"]) == 20
    assert default["pageInfo"]["hasNextPage"] is True
    assert default["totalCount"] == 101
    assert len((await api.data(CUSTOMERS, {"first": 100}, token))["customers"]["edges"]) == 100
    assert len((await api.data(CUSTOMERS, {"last": 100}, token))["customers"]["edges"]) == 100

    for args in ({"first": 101}, {"last": 101}, {"first": -1}, {"after": "not-a-cursor"}):
        body = await api.gql(CUSTOMERS, args, token)
        assert error_codes(body) == ["BAD_USER_INPUT"], (args, body)
        assert body.get("data") is None, "no silently clamped page"


# -- duplicate warnings ----------------------------------------------------------------------


async def test_creating_a_likely_duplicate_warns_and_names_the_existing_customer(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    acme = await create_customer(api, token, name="Acme Trading", website="https://acme.cn")
    zenith = await create_customer(api, token, name="Zenith")
    await create_contact(api, token, name="Wang", customerId=zenith["id"], email="wang@zenith.io")

    attempts = {
        "same name, other case": ({"name": "ACME trading"}, "name", acme),
        "same web domain": (
            {"name": "Acme CN", "website": "http://www.ACME.cn/about"},
            "website",
            acme,
        ),
        "a contact's email domain": (
            {"name": "Zenith Ltd", "website": "zenith.io"},
            "website",
            zenith,
        ),
    }
    for label, (fields, field, existing) in attempts.items():
        payload = (await api.data(CREATE_CUSTOMER, {"i": fields}, token))["createCustomer"]
        assert payload["customer"] is None, label
        [error] = payload["userErrors"]
        assert (error["field"], error["code"]) == ([field], "DUPLICATE"), label
        assert existing["name"] in error["message"] and existing["id"] in error["message"], label
    assert await customer_names(api, token) == ["Acme Trading", "Zenith"]

    for fields, _, _ in attempts.values():
        await create_customer(api, token, **fields, allowDuplicate=True)
    assert len(await customer_names(api, token)) == 5


async def test_a_shared_mail_provider_is_not_a_company_domain(api: Api, world: World) -> None:
    token = world.token("sales")
    shop = await create_customer(api, token, name="Corner Shop")
    await create_contact(api, token, name="Zhang", customerId=shop["id"], email="zhang@qq.com")
    tencent = await create_customer(api, token, name="Tencent", website="https://www.qq.com")
    assert tencent["website"] == "https://www.qq.com"


# -- merging ---------------------------------------------------------------------------------


async def test_merge_moves_contacts_and_tags_fills_blanks_and_keeps_an_audit_trail(
    api: Api, world: World
) -> None:
    sales, admin = world.token("sales"), world.token("admin")
    target = await create_customer(api, sales, name="Acme", website="https://acme.cn", tags=["vip"])
    retail = await create_customer(
        api,
        sales,
        name="Acme Retail",
        industry="Retail",
        phone="+86 21 1234 5678",
        tags=["asia"],
        allowDuplicate=True,
    )
    shanghai = await create_customer(
        api,
        sales,
        name="Acme Shanghai",
        industry="Wholesale",
        website="https://acme-sh.cn",
        address={"city": "Shanghai"},
        tags=["vip", "east"],
    )
    await create_contact(api, sales, name="Ann", customerId=target["id"])
    await create_contact(api, sales, name="Bo", customerId=retail["id"])
    await create_contact(api, sales, name="Cy", customerId=retail["id"])

    merge = {"targetId": target["id"], "sourceIds": [retail["id"], shanghai["id"]]}
    merged = (await mutate(api, MERGE_CUSTOMERS, "mergeCustomers", admin, merge))["customer"]

    assert [c["name"] for c in merged["contacts"]] == ["Ann", "Bo", "Cy"]
    assert merged["tags"] == ["asia", "east", "vip"]
    assert merged["industry"] == "Retail", "the first source fills a blank, later ones do not"
    assert merged["phone"] == "+86 21 1234 5678"
    assert merged["address"]["city"] == "Shanghai"
    assert merged["website"] == "https://acme.cn", "the target's own values are kept"
    assert merged["version"] == 2
    assert merged["merges"] == [
        {
            "sourceName": "Acme Retail",
            "movedContacts": 2,
            "mergedBy": {"email": f"admin@{world.slug}.test"},
        },
        {
            "sourceName": "Acme Shanghai",
            "movedContacts": 0,
            "mergedBy": {"email": f"admin@{world.slug}.test"},
        },
    ]
    assert await read_customer(api, sales, target["id"]) == merged
    for source in (retail, shanghai):
        assert await read_customer(api, sales, source["id"]) is None
    assert await customer_names(api, sales) == ["Acme"]
    hits = await api.data(
        '{ search(query: "acme", types: ["Customer"]) { id title } }', token=sales
    )
    assert hits["search"] == [{"id": target["id"], "title": "Acme"}]


async def test_merging_a_customer_that_absorbed_others_keeps_their_history(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    group = await create_customer(api, admin, name="Acme Group")
    acme = await create_customer(api, admin, name="Acme")
    branch = await create_customer(api, admin, name="Acme Branch")
    await mutate(
        api,
        MERGE_CUSTOMERS,
        "mergeCustomers",
        admin,
        {"targetId": acme["id"], "sourceIds": [branch["id"]]},
    )
    merged = (
        await mutate(
            api,
            MERGE_CUSTOMERS,
            "mergeCustomers",
            admin,
            {"targetId": group["id"], "sourceIds": [acme["id"]]},
        )
    )["customer"]
    assert [m["sourceName"] for m in merged["merges"]] == ["Acme Branch", "Acme"]


async def test_only_roles_with_the_merge_permission_may_merge(api: Api, world: World) -> None:
    sales = world.token("sales")
    a = await create_customer(api, sales, name="A")
    b = await create_customer(api, sales, name="B")
    body = await api.gql(
        MERGE_CUSTOMERS, {"i": {"targetId": a["id"], "sourceIds": [b["id"]]}}, sales
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert await customer_names(api, sales) == ["A", "B"]


# -- optimistic locking ----------------------------------------------------------------------


async def test_an_update_based_on_a_stale_version_conflicts_and_changes_nothing(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    customer = await create_customer(api, token, name="Acme", industry="Retail")
    first = {"id": customer["id"], "version": 1, "industry": "Logistics"}
    await mutate(api, UPDATE_CUSTOMER, "updateCustomer", token, first)
    events = len(await outbox(world))

    second = {"id": customer["id"], "version": 1, "industry": "Food", "tags": ["lost"]}
    body = await api.gql(UPDATE_CUSTOMER, {"i": second}, token)
    assert error_codes(body) == ["CONFLICT"]
    now = await read_customer(api, token, customer["id"])
    assert (now["industry"], now["tags"], now["version"]) == ("Logistics", [], 2)
    assert len(await outbox(world)) == events

    without_version = {"id": customer["id"], "industry": "Food"}
    updated = await mutate(api, UPDATE_CUSTOMER, "updateCustomer", token, without_version)
    assert updated["customer"]["version"] == 3, "no version means last write wins"


async def test_of_two_simultaneous_updates_with_one_version_exactly_one_wins(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    customer = await create_customer(api, token, name="Acme")
    bodies = await asyncio.gather(
        *(
            api.gql(
                UPDATE_CUSTOMER, {"i": {"id": customer["id"], "version": 1, "industry": i}}, token
            )
            for i in ("Retail", "Food")
        )
    )
    winners = [b["data"]["updateCustomer"]["customer"] for b in bodies if "errors" not in b]
    assert len(winners) == 1, bodies
    assert sorted(code for b in bodies for code in error_codes(b)) == ["CONFLICT"]
    now = await read_customer(api, token, customer["id"])
    assert (now["industry"], now["version"]) == (winners[0]["industry"], 2)


async def test_contacts_are_protected_by_their_version_too(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await create_customer(api, token, name="Acme")
    contact = await create_contact(api, token, name="Ann", customerId=acme["id"])
    await mutate(
        api,
        UPDATE_CONTACT,
        "updateContact",
        token,
        {"id": contact["id"], "version": 1, "title": "CEO"},
    )
    body = await api.gql(
        UPDATE_CONTACT, {"i": {"id": contact["id"], "version": 1, "title": "CFO"}}, token
    )
    assert error_codes(body) == ["CONFLICT"]
    assert (await read_customer(api, token, acme["id"]))["contacts"][0]["name"] == "Ann"


# -- deleting --------------------------------------------------------------------------------


async def test_a_customer_with_contacts_cannot_be_deleted(api: Api, world: World) -> None:
    admin = world.token("admin")
    acme = await create_customer(api, admin, name="Acme")
    contact = await create_contact(api, admin, name="Ann", customerId=acme["id"])

    payload = (await api.data(DELETE_CUSTOMER, {"i": {"id": acme["id"]}}, admin))["deleteCustomer"]
    assert payload["deletedId"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["id"], "HAS_DEPENDENTS")
    assert "1 contact" in error["message"]
    assert (await read_customer(api, admin, acme["id"]))["contacts"][0]["id"] == contact["id"]

    await mutate(api, DELETE_CONTACT, "deleteContact", admin, {"id": contact["id"]})
    await mutate(api, DELETE_CUSTOMER, "deleteCustomer", admin, {"id": acme["id"]})
    assert await read_customer(api, admin, acme["id"]) is None


# -- outbox ----------------------------------------------------------------------------------


async def test_every_successful_change_writes_outbox_events_and_a_failed_one_none(
    api: Api, world: World
) -> None:
    sales, admin = world.token("sales"), world.token("admin")
    seen: list[OutboxEvent] = []

    async def new_events() -> list[tuple[str, str | None, int | None]]:
        rows = await outbox(world)
        fresh = rows[len(seen) :]
        seen.extend(fresh)
        assert all(r.tenant_id == world.tenant.id for r in fresh)
        return [(r.name, r.record_type, r.record_id) for r in fresh]

    acme = await create_customer(api, sales, name="Acme")
    acme_pk = gid_pk(acme["id"])
    assert await new_events() == [("customer.created", "Customer", acme_pk)]
    assert seen[-1].actor_id == world.user_ids["sales"]

    both = [{"name": "Beta"}, {"name": "Gamma"}]
    created = (await mutate(api, CREATE_CUSTOMERS, "createCustomers", sales, both))["customers"]
    assert await new_events() == [
        ("customer.created", "Customer", gid_pk(c["id"])) for c in created
    ]

    await mutate(
        api, UPDATE_CUSTOMER, "updateCustomer", sales, {"id": acme["id"], "phone": "+86 1"}
    )
    assert await new_events() == [("customer.updated", "Customer", acme_pk)]
    assert seen[-1].payload == {"fields": ["phone"]}

    contact = await create_contact(api, sales, name="Ann", customerId=acme["id"])
    contact_pk = gid_pk(contact["id"])
    assert await new_events() == [("contact.created", "Contact", contact_pk)]

    failures = [
        (CREATE_CUSTOMER, {"name": "Delta", "website": "no website"}, sales),
        (CREATE_CUSTOMER, {"name": "ACME"}, sales),
        (CREATE_CUSTOMERS, [{"name": "Delta"}, {"name": ""}], sales),
        (UPDATE_CUSTOMER, {"id": acme["id"], "version": 1, "name": "Stale"}, sales),
        (UPDATE_CUSTOMER, {"id": acme["id"], "website": "bad website"}, sales),
        (DELETE_CUSTOMER, {"id": acme["id"]}, admin),
        (CREATE_CONTACT, {"name": "Bo", "customerId": acme["id"], "email": "bo@"}, sales),
        (UPDATE_CONTACT, {"id": contact["id"], "version": 7, "title": "CEO"}, sales),
    ]
    for mutation, input, token in failures:
        body = await api.gql(mutation, {"i": input}, token)
        payloads = (body.get("data") or {}).values()
        assert body.get("errors") or any(p["userErrors"] for p in payloads), body
        assert await new_events() == [], input

    await mutate(api, DELETE_CONTACT, "deleteContact", sales, {"id": contact["id"]})
    await mutate(api, DELETE_CUSTOMER, "deleteCustomer", admin, {"id": acme["id"]})
    assert await new_events() == [
        ("contact.deleted", "Contact", contact_pk),
        ("customer.deleted", "Customer", acme_pk),
    ]

    beta, gamma = (gid_pk(c["id"]) for c in created)
    merge = {"targetId": created[0]["id"], "sourceIds": [created[1]["id"]]}
    await mutate(api, MERGE_CUSTOMERS, "mergeCustomers", admin, merge)
    assert await new_events() == [
        ("customer.deleted", "Customer", gamma),
        ("customer.updated", "Customer", beta),
        ("customer.merged", "Customer", beta),
    ]


async def test_merging_a_descendant_into_its_ancestor_leaves_no_loop(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    grand = await create_customer(api, token, name="Grand Holding")
    middle = await create_customer(api, token, name="Middle Co", parentId=grand["id"])
    top = await create_customer(api, token, name="Top Ltd")
    # top -> middle -> grand: merging the top ancestor into the bottom customer.
    await api.data(
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }",
        {"i": {"id": top["id"], "parentId": middle["id"]}},
        token,
    )
    merged = await api.data(
        "mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) { customer { name parent { name } } userErrors { code } } }",
        {"i": {"targetId": top["id"], "sourceIds": [grand["id"]]}},
        token,
    )
    assert merged["mergeCustomers"]["userErrors"] == []
    assert merged["mergeCustomers"]["customer"] == {
        "name": "Top Ltd",
        "parent": {"name": "Middle Co"},
    }
    middle_now = await api.data(
        "query($id: ID!) { customer(id: $id) { parent { name } } }", {"id": middle["id"]}, token
    )
    assert middle_now["customer"]["parent"] is None


async def test_merge_history_outlives_the_target(api: Api, world: World) -> None:
    from core.tenancy import tenant_scope
    from plugins.customers.models import CustomerMerge

    token = world.token("admin")
    keep = await create_customer(api, token, name="Keeper")
    gone = await create_customer(api, token, name="Folded")
    await api.data(
        "mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) { userErrors { code } } }",
        {"i": {"targetId": keep["id"], "sourceIds": [gone["id"]]}},
        token,
    )
    deleted = await api.data(
        "mutation($i: DeleteInput!) { deleteCustomer(input: $i) { userErrors { code } } }",
        {"i": {"id": keep["id"]}},
        token,
    )
    assert deleted["deleteCustomer"]["userErrors"] == []
    with tenant_scope(world.tenant.id):
        assert await CustomerMerge.filter(source_name="Folded").count() == 1


async def test_concurrent_creates_of_one_customer_let_exactly_one_through(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    payloads = await asyncio.gather(
        *(api.data(CREATE_CUSTOMER, {"i": {"name": "Racing Robotics"}}, token) for _ in range(4))
    )
    outcomes = sorted(
        "created"
        if p["createCustomer"]["customer"]
        else p["createCustomer"]["userErrors"][0]["code"]
        for p in payloads
    )
    assert outcomes == ["DUPLICATE", "DUPLICATE", "DUPLICATE", "created"]


async def test_names_compare_case_insensitively_beyond_ascii(api: Api, world: World) -> None:
    token = world.token("sales")
    await create_customer(api, token, name="Ωmega Straße")
    payload = (await api.data(CREATE_CUSTOMER, {"i": {"name": "ωMEGA STRASSE"}}, token))[
        "createCustomer"
    ]
    assert [e["code"] for e in payload["userErrors"]] == ["DUPLICATE"]


async def test_bulk_create_checks_duplicates_in_bulk(api: Api, world: World) -> None:
    from tests.support import count_queries

    token = world.token("sales")

    async def statements(n: int, prefix: str) -> int:
        items = [
            {"name": f"{prefix} {i:03d}", "website": f"https://{prefix}{i}.example"}
            for i in range(n)
        ]
        with count_queries() as sql:
            payload = (await api.data(CREATE_CUSTOMERS, {"i": items}, token))["createCustomers"]
        assert payload["userErrors"] == []
        return len(sql)

    small, large = await statements(5, "small"), await statements(50, "large")
    # Each extra customer costs its INSERT only: lookups, tags, events and index are batched.
    assert large - small == 45
