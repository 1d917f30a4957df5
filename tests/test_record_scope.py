"""Record-level visibility through the API: which customers and contacts each role sees and
may edit, wherever a record can surface (lists, customer(id), node, nodes, search, nested
fields) and whatever a write names.

The rule (core/auth/principal.py): sales see the records they own; a manager sees their team's
(their own, same team, or people reporting to them); admin and viewer see the whole tenant.
A contact follows its own owner, not its customer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from core.graphql.relay import to_global_id
from core.runtime import Runtime
from tests.support import PASSWORD, Api, World

# The world's people, plus two made here: a peer in the manager's team who does not report
# to them, and a rep in another team who does.
EXTRA_PEOPLE = {
    "eastpeer": {"team": "east", "manager": None},
    "remote": {"team": "north", "manager": "manager"},
}
OWNERS = ["admin", "manager", "sales", "sales2", "eastpeer", "remote"]
# Whose records each caller sees.
SCOPE = {
    "sales": {"sales"},
    "sales2": {"sales2"},
    "eastpeer": {"eastpeer"},
    "manager": {"manager", "sales", "eastpeer", "remote"},
    "admin": set(OWNERS),
    "viewer": set(OWNERS),
}


def customer_name(owner: str) -> str:
    return f"{owner.title()} Trading Co"


# Contacts: (name, customer's owner, contact's owner). Two sit at a customer someone else owns.
CONTACTS = [
    *((f"{o.title()} Person", o, o) for o in OWNERS),
    ("Sam Crossover", "sales", "sales2"),  # sales2's contact at sales's customer
    ("Sue Crossover", "sales2", "sales"),  # sales's contact at sales2's customer
]


@dataclass
class Company:
    world: World
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # global IDs
    customers: dict[str, str] = field(default_factory=dict)  # by owner
    contacts: dict[str, str] = field(default_factory=dict)  # by name

    def customers_of(self, owners: set[str]) -> set[str]:
        return {self.customers[o] for o in owners}

    def contacts_of(self, owners: set[str]) -> set[str]:
        return {self.contacts[name] for name, _, owner in CONTACTS if owner in owners}


async def company(api: Api, world: World) -> Company:
    c = Company(world, tokens=dict(world.tokens))
    admin = world.token("admin")
    c.users = {name: to_global_id("User", pk) for name, pk in world.user_ids.items()}
    for name, spec in EXTRA_PEOPLE.items():
        email = f"{name}@{world.slug}.test"
        data = await api.data(
            """mutation($i: CreateUserInput!) { createUser(input: $i) {
                 user { id } userErrors { field code } } }""",
            {
                "i": {
                    "email": email,
                    "name": name.title(),
                    "password": PASSWORD,
                    "roles": ["sales"],
                    "team": spec["team"],
                    "managerId": c.users[spec["manager"]] if spec["manager"] else None,
                }
            },
            admin,
        )
        assert data["createUser"]["userErrors"] == [], data
        c.users[name] = data["createUser"]["user"]["id"]
        c.tokens[name] = await api.login(email)
    data = await api.data(
        """mutation($i: [CreateCustomerInput!]!) { createCustomers(input: $i) {
             customers { id } userErrors { field code } } }""",
        {"i": [{"name": customer_name(o), "ownerId": c.users[o]} for o in OWNERS]},
        admin,
    )
    assert data["createCustomers"]["userErrors"] == [], data
    created = data["createCustomers"]["customers"]
    c.customers = {o: r["id"] for o, r in zip(OWNERS, created, strict=True)}
    data = await api.data(
        """mutation($i: [CreateContactInput!]!) { createContacts(input: $i) {
             contacts { id } userErrors { field code } } }""",
        {
            "i": [
                {"name": name, "customerId": c.customers[at], "ownerId": c.users[owner]}
                for name, at, owner in CONTACTS
            ]
        },
        admin,
    )
    assert data["createContacts"]["userErrors"] == [], data
    created = data["createContacts"]["contacts"]
    c.contacts = {n: r["id"] for (n, _, _), r in zip(CONTACTS, created, strict=True)}
    return c


LISTS = """{ customers(first: 100) { totalCount edges { node { id contacts { id } } } }
  contacts(first: 100) { totalCount edges { node { id customer { id } } } } }"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CUSTOMER = "query($id: ID!) { customer(id: $id) { id } }"
SEARCH = "query($q: String!) { search(query: $q, first: 100) { id type } }"
UPDATE_CUSTOMER = """mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) {
  customer { id name version owner { id } } userErrors { field code } } }"""
UPDATE_CONTACT = """mutation($i: UpdateContactInput!) { updateContact(input: $i) {
  contact { id name } userErrors { field code } } }"""
DELETE_CONTACT = """mutation($i: DeleteInput!) { deleteContact(input: $i) {
  deletedId userErrors { field code } } }"""
CREATE_CONTACT = """mutation($i: CreateContactInput!) { createContact(input: $i) {
  contact { id } userErrors { field code } } }"""


def ids(connection: dict) -> set[str]:
    return {e["node"]["id"] for e in connection["edges"]}


def errors(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.mark.parametrize("who", list(SCOPE))
async def test_lists_and_lookups_show_exactly_the_callers_scope(
    runtime: Runtime, api: Api, world: World, who: str
) -> None:
    c = await company(api, world)
    token, mine = c.tokens[who], SCOPE[who]
    data = await api.data(LISTS, token=token)
    assert ids(data["customers"]) == c.customers_of(mine)
    assert data["customers"]["totalCount"] == len(mine)
    assert ids(data["contacts"]) == c.contacts_of(mine)
    assert data["contacts"]["totalCount"] == len(c.contacts_of(mine))

    for owner, gid in c.customers.items():
        visible = owner in mine
        one = await api.data(CUSTOMER, {"id": gid}, token)
        assert (one["customer"] is not None) == visible, (who, owner)
        node = await api.data(NODE, {"id": gid}, token)
        assert (node["node"] is not None) == visible, (who, owner)
        hits = await api.data(SEARCH, {"q": customer_name(owner)}, token)
        assert (gid in {h["id"] for h in hits["search"]}) == visible, (who, owner)
    everything = list(c.customers.values()) + list(c.contacts.values())
    found = await api.data(NODES, {"ids": everything}, token)
    assert {n["id"] for n in found["nodes"] if n} == c.customers_of(mine) | c.contacts_of(mine)
    hits = await api.data(SEARCH, {"q": "trading"}, token)
    assert {h["id"] for h in hits["search"]} == c.customers_of(mine)
    hits = await api.data(SEARCH, {"q": "crossover"}, token)
    assert {h["id"] for h in hits["search"]} == c.contacts_of(mine) & {
        c.contacts["Sam Crossover"],
        c.contacts["Sue Crossover"],
    }


async def test_filters_cannot_reach_past_the_scope(
    runtime: Runtime, api: Api, world: World
) -> None:
    c = await company(api, world)
    for who in ("sales", "manager"):
        for owner in set(OWNERS) - SCOPE[who]:
            data = await api.data(
                """query($o: ID!, $n: String!) {
                     byOwner: customers(filter: {owner: {eq: $o}}) { totalCount }
                     byName: customers(filter: {name: {eq: $n}}) { totalCount }
                     contacts(filter: {owner: {eq: $o}}) { totalCount } }""",
                {"o": c.users[owner], "n": customer_name(owner)},
                c.tokens[who],
            )
            assert data == {
                "byOwner": {"totalCount": 0},
                "byName": {"totalCount": 0},
                "contacts": {"totalCount": 0},
            }, (who, owner)


async def test_sales_edits_only_what_they_own(runtime: Runtime, api: Api, world: World) -> None:
    c = await company(api, world)
    token = c.tokens["sales"]
    before = await api.data(LISTS, token=c.tokens["admin"])

    for owner in set(OWNERS) - {"sales"}:
        body = await api.data(
            UPDATE_CUSTOMER, {"i": {"id": c.customers[owner], "name": "Mine Now"}}, token
        )
        assert body["updateCustomer"] == {
            "customer": None,
            "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
        }, owner
    refused = [
        # sales2's contact, even though it sits at sales's own customer
        (UPDATE_CONTACT, {"id": c.contacts["Sam Crossover"], "name": "x"}, ["id"]),
        (DELETE_CONTACT, {"id": c.contacts["Sam Crossover"]}, ["id"]),
        # moving one's own contact to a customer out of scope
        (
            UPDATE_CONTACT,
            {"id": c.contacts["Sales Person"], "customerId": c.customers["sales2"]},
            ["customerId"],
        ),
        (CREATE_CONTACT, {"name": "New", "customerId": c.customers["sales2"]}, ["customerId"]),
        # handing one's own records to someone out of reach
        (
            UPDATE_CUSTOMER,
            {"id": c.customers["sales"], "ownerId": c.users["sales2"]},
            ["ownerId"],
        ),
        (
            UPDATE_CUSTOMER,
            {"id": c.customers["sales"], "parentId": c.customers["admin"]},
            ["parentId"],
        ),
    ]
    for query, values, path in refused:
        payload = next(iter((await api.data(query, {"i": values}, token)).values()))
        assert errors(payload)[0][0] == path, (values, payload)
        assert errors(payload)[0][1] in ("NOT_FOUND", "NOT_ALLOWED"), (values, payload)
    assert await api.data(LISTS, token=c.tokens["admin"]) == before

    # What is theirs they edit, including their own contact at a customer they cannot see.
    own = await api.data(
        UPDATE_CUSTOMER, {"i": {"id": c.customers["sales"], "name": "Sales Renamed"}}, token
    )
    assert own["updateCustomer"]["userErrors"] == []
    assert own["updateCustomer"]["customer"]["version"] == 2
    crossed = await api.data(
        UPDATE_CONTACT, {"i": {"id": c.contacts["Sue Crossover"], "title": "Buyer"}}, token
    )
    assert crossed["updateContact"]["userErrors"] == []


async def test_manager_edits_the_team_not_other_teams(
    runtime: Runtime, api: Api, world: World
) -> None:
    c = await company(api, world)
    token = c.tokens["manager"]
    for owner in OWNERS:
        body = await api.data(
            UPDATE_CUSTOMER, {"i": {"id": c.customers[owner], "industry": "Retail"}}, token
        )
        payload = body["updateCustomer"]
        if owner in SCOPE["manager"]:
            assert payload["userErrors"] == [], owner
        else:
            assert payload == {
                "customer": None,
                "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
            }, owner
    # Records move freely inside the team, not out of it.
    moved = await api.data(
        UPDATE_CUSTOMER, {"i": {"id": c.customers["sales"], "ownerId": c.users["eastpeer"]}}, token
    )
    assert moved["updateCustomer"]["customer"]["owner"]["id"] == c.users["eastpeer"]
    out = await api.data(
        UPDATE_CUSTOMER, {"i": {"id": c.customers["remote"], "ownerId": c.users["sales2"]}}, token
    )
    assert errors(out["updateCustomer"]) == [(["ownerId"], "NOT_ALLOWED")]
    # The customer handed to eastpeer left sales's sight with it.
    data = await api.data(CUSTOMER, {"id": c.customers["sales"]}, c.tokens["sales"])
    assert data == {"customer": None}
    data = await api.data(CUSTOMER, {"id": c.customers["sales"]}, c.tokens["eastpeer"])
    assert data == {"customer": {"id": c.customers["sales"]}}


async def test_contacts_follow_their_own_owner(runtime: Runtime, api: Api, world: World) -> None:
    c = await company(api, world)
    sam, sue = c.contacts["Sam Crossover"], c.contacts["Sue Crossover"]
    nested = """query($id: ID!) { customer(id: $id) { contacts { id } } }"""
    contact = """query($id: ID!) { node(id: $id) { ... on Contact { id customer { id } } } }"""

    # sales: their customer lists only their own contact there, not sales2's Sam ...
    sales = c.tokens["sales"]
    at_own = await api.data(nested, {"id": c.customers["sales"]}, sales)
    assert {x["id"] for x in at_own["customer"]["contacts"]} == {c.contacts["Sales Person"]}
    assert (await api.data(contact, {"id": sam}, sales)) == {"node": None}
    # ... and they see Sue, theirs, though not the customer she sits at.
    assert (await api.data(contact, {"id": sue}, sales)) == {"node": {"id": sue, "customer": None}}

    # sales2: the mirror image.
    sales2 = c.tokens["sales2"]
    at_own = await api.data(nested, {"id": c.customers["sales2"]}, sales2)
    assert {x["id"] for x in at_own["customer"]["contacts"]} == {c.contacts["Sales2 Person"]}
    assert (await api.data(contact, {"id": sam}, sales2)) == {"node": {"id": sam, "customer": None}}
    assert (await api.data(contact, {"id": sue}, sales2)) == {"node": None}

    # manager: Sue (owned by sales, on the team), not Sam (sales2's), at the team's customer.
    manager = c.tokens["manager"]
    at_team = await api.data(nested, {"id": c.customers["sales"]}, manager)
    assert {x["id"] for x in at_team["customer"]["contacts"]} == {c.contacts["Sales Person"]}
    assert (await api.data(contact, {"id": sue}, manager)) == {
        "node": {"id": sue, "customer": None}
    }

    # admin and viewer: everything, each contact with its customer.
    for who in ("admin", "viewer"):
        at = await api.data(nested, {"id": c.customers["sales"]}, c.tokens[who])
        assert {x["id"] for x in at["customer"]["contacts"]} == {c.contacts["Sales Person"], sam}
        seen = await api.data(contact, {"id": sue}, c.tokens[who])
        assert seen == {"node": {"id": sue, "customer": {"id": c.customers["sales2"]}}}
