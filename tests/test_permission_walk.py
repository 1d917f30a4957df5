"""Every field is covered by a permission (DESIGN.md, "Security by construction"), proven by
walking the whole schema rather than by listing fields: a field added tomorrow is walked too.

Each Query and Mutation field is called with well-formed arguments built from introspection
(checked against the schema before sending, so a refusal is the permission check speaking,
not argument validation), by an anonymous caller, by a signed-in user who has no role at all
(`nobody`) and by the read-only `viewer`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema

from core.graphql.relay import to_global_id
from core.runtime import Runtime
from tests.support import Api, World, error_codes
from tests.test_tenant_isolation import (
    Call,
    Tenant,
    assert_well_formed,
    build_args,
    guess_type,
    introspect,
    make_call,
    populate,
    root_fields,
)

# The only field open to anonymous callers.
PUBLIC_FIELDS = {"login"}
# Fields any signed-in user may call; they must show such a user nothing of the tenant.
SIGNED_IN_FIELDS = {"me", "node", "nodes"}


def calls(schema: GraphQLSchema, t: Tenant) -> list[tuple[str, Call]]:
    """(operation, call) for every root field but login: required arguments only, IDs naming
    the tenant's own records (of the type the argument's name suggests)."""
    known = set(t.ids)

    def own_id(path: tuple[str, ...], hints: tuple[str, ...]) -> str:
        return t.id(guess_type(hints, known) or "Customer")

    found = []
    for operation, name, field_ in root_fields(schema):
        if name in PUBLIC_FIELDS:
            continue
        call = make_call(schema, operation, name, field_, build_args(name, field_, own_id))
        assert_well_formed(schema, call)
        found.append((operation, call))
    return found


async def walk_setup(runtime: Runtime, api: Api, world: World) -> tuple[GraphQLSchema, Tenant]:
    t = await populate(api, world, extra=False)
    schema = await introspect(api, world.token("admin"))
    full = runtime.schemas.full()._schema
    # The tenant runs every plugin, so its admin sees the full schema: the walk covers it all.
    assert set(schema.query_type.fields) == set(full.query_type.fields)
    assert set(schema.mutation_type.fields) == set(full.mutation_type.fields)
    return schema, t


RECORDS = """{ customers(first: 100) { edges { node { id name version updatedAt tags
  owner { id } parent { id } contacts { id } } } }
  contacts(first: 100) { edges { node { id name email version updatedAt owner { id } } } }
  users(first: 100) { edges { node { id email roles } } } apiKeys { id revokedAt }
  plugins { name enabled } }"""


def field_value(body: dict, name: str) -> Any:
    return (body.get("data") or {}).get(name)


async def test_every_field_but_login_refuses_anonymous_callers(
    runtime: Runtime, api: Api, world: World
) -> None:
    schema, t = await walk_setup(runtime, api, world)
    walked = calls(schema, t)
    assert len(walked) == len(schema.query_type.fields) + len(schema.mutation_type.fields) - 1
    for _, call in walked:
        body = await api.gql(call.document, call.variables)
        assert set(error_codes(body)) == {"UNAUTHENTICATED"}, (call.document, body)
        assert field_value(body, call.field) is None, body
    # login itself is open, and says nothing more than "wrong" to a wrong password.
    body = await api.data(
        'mutation { login(input: {email: "admin@nowhere.test", password: "x"}) '
        "{ token userErrors { code } } }"
    )
    assert body["login"] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}


async def test_a_user_without_a_role_is_refused_everything_but_sign_in_fields(
    runtime: Runtime, api: Api, world: World
) -> None:
    schema, t = await walk_setup(runtime, api, world)
    token = world.token("nobody")
    allowed = set()
    for _, call in calls(schema, t):
        body = await api.gql(call.document, call.variables, token)
        if call.field in SIGNED_IN_FIELDS:
            assert "errors" not in body, body
            allowed.add(call.field)
            continue
        assert set(error_codes(body)) == {"FORBIDDEN"}, (call.document, body)
        assert [e.get("path") for e in body["errors"]] == [[call.field]], body
        assert field_value(body, call.field) is None, body
    assert allowed == SIGNED_IN_FIELDS

    # What those fields show a user without a role: themselves, and none of the records.
    me = await api.data("{ me { id email roles } }", token=token)
    assert me["me"] == {
        "id": to_global_id("User", world.user_ids["nobody"]),
        "email": f"nobody@{world.slug}.test",
        "roles": [],
    }
    for gid in t.all_ids():
        data = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, token)
        assert data == {"node": None}, gid
    data = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": t.all_ids()}, token
    )
    assert data["nodes"] == [None] * len(t.all_ids())
    # The same records are there for someone allowed to read them.
    data = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": t.ids["Customer"] + t.ids["Contact"]},
        world.token("admin"),
    )
    assert [n["id"] for n in data["nodes"]] == t.ids["Customer"] + t.ids["Contact"]


async def test_viewer_reads_everything_and_writes_nothing(
    runtime: Runtime, api: Api, world: World
) -> None:
    schema, t = await walk_setup(runtime, api, world)
    token = world.token("viewer")
    before = await api.data(RECORDS, token=world.token("admin"))
    owner = runtime.schemas.field_owner
    customer_queries, customer_mutations = set(), set()
    for operation, call in calls(schema, t):
        root = "Query" if operation == "query" else "Mutation"
        if owner.get((root, call.field)) != "customers":
            if operation == "mutation":
                # Viewers audit the tenant; no role of theirs grants any write.
                body = await api.gql(call.document, call.variables, token)
                assert set(error_codes(body)) == {"FORBIDDEN"}, (call.document, body)
            continue
        body = await api.gql(call.document, call.variables, token)
        if operation == "query":
            assert "errors" not in body, body
            assert field_value(body, call.field) is not None, body
            customer_queries.add(call.field)
        else:
            assert set(error_codes(body)) == {"FORBIDDEN"}, (call.document, body)
            assert [e.get("path") for e in body["errors"]] == [[call.field]], body
            assert field_value(body, call.field) is None, body
            customer_mutations.add(call.field)
    assert {"customers", "customer", "contacts"} <= customer_queries
    assert {
        "createCustomer",
        "createCustomers",
        "updateCustomer",
        "deleteCustomer",
        "mergeCustomers",
        "createContact",
        "createContacts",
        "updateContact",
        "deleteContact",
    } <= customer_mutations

    # Reading means the whole tenant, whoever owns the records.
    data = await api.data(
        """{ customers(first: 100) { totalCount } contacts(first: 100) { totalCount }
             search(query: "acme") { id } }""",
        token=token,
    )
    assert data["customers"]["totalCount"] == len(t.ids["Customer"])
    assert data["contacts"]["totalCount"] == len(t.ids["Contact"])
    assert data["search"]
    data = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": t.ids["Customer"]}, token
    )
    assert [n["id"] for n in data["nodes"]] == t.ids["Customer"]
    # And the refused writes changed nothing.
    assert await api.data(RECORDS, token=world.token("admin")) == before
