"""A page of a list costs the same number of SQL queries whatever its size: owners, contacts,
tags, parents, merge records and customers of a page are each loaded in one batch, never once
per row."""

from __future__ import annotations

import pytest

from core.graphql.relay import to_global_id
from tests.support import Api, World, count_queries

CUSTOMERS_PAGE = """query($first: Int!) { customers(first: $first) {
  totalCount pageInfo { hasNextPage }
  edges { node { name tags owner { email team roles } parent { name owner { email } }
                 contacts { name email owner { email } }
                 merges { sourceName movedContacts mergedBy { email } } } } } }"""
CONTACTS_PAGE = """query($first: Int!) { contacts(first: $first) {
  totalCount pageInfo { hasNextPage }
  edges { node { name email owner { email }
                 customer { name tags owner { email } contacts { name } } } } } }"""
CREATE_CUSTOMERS = """mutation($i: [CreateCustomerInput!]!) { createCustomers(input: $i) {
  customers { id } userErrors { field code } } }"""
CREATE_CONTACTS = """mutation($i: [CreateContactInput!]!) { createContacts(input: $i) {
  contacts { id } userErrors { field code } } }"""
MERGE_CUSTOMERS = """mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) {
  customer { id } userErrors { field code } } }"""
OWNERS = ("manager", "sales")  # both visible to the manager as well as to the admin


async def create_fifty_customers_with_contacts(api: Api, world: World) -> None:
    """Each with two contacts, an owner, a parent and tags; every fifth absorbed another."""
    token = world.token("admin")

    async def bulk(mutation: str, items: list[dict]) -> list[str]:
        [(name, payload)] = (await api.data(mutation, {"i": items}, token)).items()
        assert payload["userErrors"] == [], payload
        return [r["id"] for r in payload[name.removeprefix("create").lower()]]

    owner_ids = [to_global_id("User", world.user_ids[who]) for who in OWNERS]
    [group] = await bulk(CREATE_CUSTOMERS, [{"name": "Group", "ownerId": owner_ids[0]}])
    customers = await bulk(
        CREATE_CUSTOMERS,
        [
            {
                "name": f"Company {i:02d}",
                "ownerId": owner_ids[i % 2],
                "parentId": group,
                "tags": [f"tag-{i % 3}", f"region-{i % 4}"],
            }
            for i in range(50)
        ],
    )
    contacts = [
        {"name": f"Person {i:02d}-{j}", "customerId": c, "email": f"p{i}{j}@c{i}.example"}
        for i, c in enumerate(customers)
        for j in range(2)
    ]
    await bulk(CREATE_CONTACTS, contacts)
    former = await bulk(CREATE_CUSTOMERS, [{"name": f"Former {i:02d}"} for i in range(0, 50, 5)])
    for target, source in zip(customers[::5], former, strict=True):
        merge = {"targetId": target, "sourceIds": [source]}
        payload = (await api.data(MERGE_CUSTOMERS, {"i": merge}, token))["mergeCustomers"]
        assert payload["userErrors"] == [], payload


@pytest.mark.parametrize("who", ["admin", "manager"])
@pytest.mark.parametrize(
    ("query", "field"), [(CUSTOMERS_PAGE, "customers"), (CONTACTS_PAGE, "contacts")]
)
async def test_a_page_of_50_costs_the_queries_of_a_page_of_5(
    api: Api, world: World, who: str, query: str, field: str
) -> None:
    await create_fifty_customers_with_contacts(api, world)
    token = world.token(who)

    async def statements(first: int) -> list[str]:
        with count_queries() as sql:
            data = await api.data(query, {"first": first}, token)
        nodes = [e["node"] for e in data[field]["edges"]]
        assert len(nodes) == first
        assert all(n["owner"] for n in nodes)
        if field == "customers":
            assert all(n["contacts"] and n["tags"] for n in nodes if n["name"] != "Group")
            assert any(n["merges"] for n in nodes)
        else:
            assert all(n["customer"]["contacts"] and n["customer"]["tags"] for n in nodes)
        return sql

    await statements(1)  # the first request of a user loads its tenant's access policy
    small, large = await statements(5), await statements(50)
    assert len(large) == len(small), "\n".join(large)
