"""Tenant isolation: two tenants with look-alike data (same customer names, contacts, emails)
live side by side, and nothing done in one of them reads or changes the other.

Tenant B owns everything A owns, under the same names, plus a few records only B has
("Initech"). A response to A that holds a global ID of B, B's slug (every user of B has it in
their email) or a B-only name is a leak; B's data read through B's own admin must be the same
before and after A tried.

The last test walks the whole schema, so a field added tomorrow is checked without anyone
remembering to write a test for it. The schema-walking kit below is shared with
test_permission_walk.py.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Source,
    TokenKind,
    Undefined,
    build_client_schema,
    get_introspection_query,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.language import Lexer, OperationDefinitionNode

from core.graphql.relay import to_global_id
from core.models import OutboxEvent
from core.runtime import Runtime
from core.tenancy import tenant_scope
from tests.support import Api, World, error_codes, make_world

# ==== Schema-walking kit ========================================================================

Path = tuple[str, ...]

# Well-formed stand-ins for every scalar a field may take.
SCALAR_VALUES: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Decimal": "1",
    "Date": "2024-01-01",
    "DateTime": "2024-01-01T00:00:00+00:00",
    "JSON": {},
}
# Strings that pass validation where the argument's name says what it holds, so that a call
# gets past the checks of its other arguments to the ID under test.
STRING_VALUES: dict[str, Callable[[], str]] = {
    "email": lambda: f"walker{next(_serial)}@example.test",
    "password": lambda: "a long enough passphrase 42",
    "roles": lambda: "sales",
    "website": lambda: "https://walker.example",
    "phone": lambda: "+86 21 5555 0100",
}
_serial = itertools.count(1)
# Argument names that always point at a user.
USER_WORDS = {"owner", "manager", "user", "assignee", "mergedby", "createdby", "author"}
MAX_DOCUMENT_TOKENS = 4000  # the server refuses documents above 5000 tokens


async def introspect(api: Api, token: str) -> GraphQLSchema:
    """The schema exactly as this caller's tenant sees it, rebuilt from introspection."""
    body = await api.gql(get_introspection_query(descriptions=False), token=token)
    assert "errors" not in body, body
    return build_client_schema(body["data"])


def _required(item: Any) -> bool:
    return isinstance(item.type, GraphQLNonNull) and item.default_value is Undefined


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    """(operation, name, field) of every Query and Mutation field."""
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field_ in (root.fields if root else {}).items():
            yield operation, name, field_


@dataclass(frozen=True)
class Slot:
    """A place in a field's arguments that holds an ID."""

    path: Path  # argument name, then input field names; "0" stands for a list item
    hints: tuple[str, ...]  # names around the slot, innermost first, to guess the ID's type


def id_slots(name: str, field_: GraphQLField) -> list[Slot]:
    """Every ID a field's arguments can carry, through input objects and lists, recursively
    (an input type is not entered twice on one path, so `and`/`or`/`not` end)."""
    found: list[Slot] = []

    def walk(type_: Any, path: Path, hints: tuple[str, ...], seen: frozenset) -> None:
        inner = _unwrap(type_)
        if isinstance(inner, GraphQLList):
            walk(inner.of_type, (*path, "0"), hints, seen)
        elif isinstance(inner, GraphQLScalarType) and inner.name == "ID":
            found.append(Slot(path, hints))
        elif isinstance(inner, GraphQLInputObjectType) and inner.name not in seen:
            for fname, f in inner.fields.items():
                walk(f.type, (*path, fname), (fname, inner.name, *hints), seen | {inner.name})

    for arg_name, arg in field_.args.items():
        walk(arg.type, (arg_name,), (arg_name, name), frozenset())
    return found


def guess_type(hints: tuple[str, ...], known: set[str]) -> str | None:
    """The node type an ID slot names, read from the names around it: `customerId`,
    `UpdateCustomerInput.id`, `MergeCustomersInput.sourceIds`, `CustomerFilter.owner.eq`."""
    for hint in hints:
        word = hint.lower().replace("_", "")
        for suffix in ("ids", "id"):
            if word.endswith(suffix) and len(word) > len(suffix):
                word = word[: -len(suffix)]
                break
        if word in USER_WORDS and "User" in known:
            return "User"
        matches = [t for t in known if t.lower() in word]
        if matches:
            return max(matches, key=len)
    return None


IdChooser = Callable[[Path, tuple[str, ...]], str]


def build_value(
    type_: Any,
    path: Path,
    hints: tuple[str, ...],
    include: Callable[[Path], bool],
    choose_id: IdChooser,
    seen: frozenset = frozenset(),
) -> Any:
    """A well-formed value: required input fields and those STRING_VALUES knows always,
    optional ones when `include` asks for their path; IDs from `choose_id`."""
    inner = _unwrap(type_)
    if isinstance(inner, GraphQLList):
        return [build_value(inner.of_type, (*path, "0"), hints, include, choose_id, seen)]
    if isinstance(inner, GraphQLScalarType):
        if inner.name == "ID":
            return choose_id(path, hints)
        if inner.name == "String" and hints[0] in STRING_VALUES:
            return STRING_VALUES[hints[0]]()
        return SCALAR_VALUES.get(inner.name, "x")
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    assert isinstance(inner, GraphQLInputObjectType), inner
    value: dict[str, Any] = {}
    for fname, f in inner.fields.items():
        sub = (*path, fname)
        if _required(f) or fname in STRING_VALUES or (include(sub) and inner.name not in seen):
            value[fname] = build_value(
                f.type, sub, (fname, inner.name, *hints), include, choose_id, seen | {inner.name}
            )
    return value


def build_args(
    name: str,
    field_: GraphQLField,
    choose_id: IdChooser,
    include: Callable[[Path], bool] = lambda path: False,
) -> dict[str, Any]:
    return {
        arg_name: build_value(arg.type, (arg_name,), (arg_name, name), include, choose_id)
        for arg_name, arg in field_.args.items()
        if _required(arg) or include((arg_name,))
    }


def _selection(schema: GraphQLSchema, type_: Any, depth: int) -> str:
    """Every field without required arguments, `depth` levels down; on an interface or union,
    an inline fragment per possible type too (a field whose name another fragment already
    uses with another type is aliased, as GraphQL requires)."""
    named = type_
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    taken: dict[str, str] = {}
    parts = ["__typename"]
    if depth > 0 and isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        parts += _fields(schema, named, depth, taken)
    if depth > 1 and isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        for possible in schema.get_possible_types(named):
            inner = " ".join(_fields(schema, possible, depth - 1, taken))
            parts.append(f"... on {possible.name} {{ {inner} }}")
    return "{ " + " ".join(parts) + " }"


def _fields(schema: GraphQLSchema, type_: Any, depth: int, taken: dict[str, str]) -> list[str]:
    parts = []
    for fname, f in type_.fields.items():
        if any(_required(a) for a in f.args.values()):
            continue
        sub = _selection(schema, f.type, depth - 1)
        shape = f"{f.type} {sub}"
        key = fname if taken.setdefault(fname, shape) == shape else f"{type_.name}_{fname}"
        parts.append((f"{key}: {fname} {sub}" if key != fname else f"{fname} {sub}").strip())
    return parts


def _token_count(document: str) -> int:
    lexer, count = Lexer(Source(document)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


@dataclass(frozen=True)
class Call:
    field: str
    document: str
    variables: dict[str, Any]


def make_call(
    schema: GraphQLSchema, operation: str, name: str, field_: GraphQLField, args: dict
) -> Call:
    """One operation calling one root field with `args` as variables, selecting as deep into
    the result as the server's token limit allows (deeper selections catch more leaks)."""
    definitions = ", ".join(f"${a}: {field_.args[a].type}" for a in args)
    head = f"{operation}({definitions})" if definitions else operation
    target = f"{name}({', '.join(f'{a}: ${a}' for a in args)})" if args else name
    for depth in (4, 3, 2, 1, 0):
        document = f"{head} {{ {target} {_selection(schema, field_.type, depth)} }}"
        if _token_count(document) <= MAX_DOCUMENT_TOKENS:
            break
    return Call(name, document, args)


def assert_well_formed(schema: GraphQLSchema, call: Call) -> None:
    """The document and its variables are valid for the schema, so whatever the server says
    about them comes from running the field, not from validating the request."""
    document = parse(call.document)
    assert validate(schema, document) == [], call.document
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    coerced = get_variable_values(schema, operation.variable_definitions or (), call.variables)
    assert not isinstance(coerced, list), (call.document, call.variables, coerced)  # errors


# ==== Two look-alike tenants ====================================================================

CREATE_CUSTOMER = """mutation($i: CreateCustomerInput!) { createCustomer(input: $i) {
  customer { id } userErrors { field code message } } }"""
CREATE_CONTACT = """mutation($i: CreateContactInput!) { createContact(input: $i) {
  contact { id } userErrors { field code message } } }"""
MERGE = """mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) {
  customer { id } userErrors { field code message } } }"""
CREATE_KEY = """mutation { createApiKey(input: {name: "erp sync"}) {
  apiKey { id } secret userErrors { code } } }"""


@dataclass
class Tenant:
    """A tenant with records: global IDs by node type, and names only this tenant uses."""

    world: World
    ids: dict[str, list[str]] = field(default_factory=dict)
    only_here: list[str] = field(default_factory=list)
    merged_away: list[str] = field(default_factory=list)  # IDs of customers merged and gone
    api_key: str = ""

    def token(self, who: str = "admin") -> str:
        return self.world.token(who)

    def id(self, type_name: str) -> str:
        return self.ids[type_name][0]

    def all_ids(self) -> list[str]:
        return [i for ids in self.ids.values() for i in ids]

    def markers(self) -> list[str]:
        """Strings that may appear in no response given to another tenant."""
        return [*self.all_ids(), *self.merged_away, self.world.slug, *self.only_here]


async def _create(api: Api, query: str, key: str, token: str, **values: Any) -> str:
    data = await api.data(query, {"i": values}, token)
    payload = next(iter(data.values()))
    assert payload["userErrors"] == [], payload
    return payload[key]["id"]


async def populate(api: Api, world: World, extra: bool) -> Tenant:
    """The same customers, contacts and emails in every tenant; `extra` adds B-only records."""
    t = Tenant(world)
    admin = world.token("admin")
    sales_id = to_global_id("User", world.user_ids["sales"])
    acme = await _create(
        api,
        CREATE_CUSTOMER,
        "customer",
        admin,
        name="Acme Corp",
        website="https://acme.example",
        tags=["vip"],
        address={"city": "Shanghai"},
        ownerId=sales_id,
    )
    globex = await _create(
        api, CREATE_CUSTOMER, "customer", admin, name="Globex", website="https://globex.example"
    )
    child = await _create(
        api, CREATE_CUSTOMER, "customer", admin, name="Acme Shanghai Branch", parentId=acme
    )
    dup = await _create(
        api, CREATE_CUSTOMER, "customer", admin, name="ACME Corp.", allowDuplicate=True
    )
    contacts = [
        await _create(
            api,
            CREATE_CONTACT,
            "contact",
            admin,
            name="Wang Wei",
            email="wang.wei@acme.example",
            customerId=acme,
        ),
        await _create(
            api,
            CREATE_CONTACT,
            "contact",
            admin,
            name="Li Na",
            email="li.na@globex.example",
            customerId=globex,
        ),
        await _create(
            api,
            CREATE_CONTACT,
            "contact",
            admin,
            name="Zhang Min",
            email="zhang.min@acme.example",
            customerId=dup,
        ),
    ]
    merged = await api.data(MERGE, {"i": {"targetId": acme, "sourceIds": [dup]}}, admin)
    assert merged["mergeCustomers"]["userErrors"] == [], merged
    t.merged_away.append(dup)
    customers = [acme, globex, child]
    if extra:
        initech = await _create(
            api,
            CREATE_CUSTOMER,
            "customer",
            admin,
            name="Initech",
            website="https://initech.example",
        )
        customers.append(initech)
        contacts.append(
            await _create(
                api,
                CREATE_CONTACT,
                "contact",
                admin,
                name="Peter Gibbons",
                email="peter@initech.example",
                customerId=initech,
            )
        )
        t.only_here += ["Initech", "Peter Gibbons", "initech.example"]
    key = (await api.data(CREATE_KEY, token=admin))["createApiKey"]
    t.api_key = key["secret"]
    t.ids = {
        "Customer": customers,
        "Contact": contacts,
        "User": [to_global_id("User", pk) for pk in world.user_ids.values()],
        "ApiKey": [key["apiKey"]["id"]],
        "Tenant": [to_global_id("Tenant", world.tenant.id)],
    }
    return t


async def two_tenants(runtime: Runtime, api: Api, world: World) -> tuple[Tenant, Tenant]:
    a = await populate(api, world, extra=False)
    b = await populate(api, await make_world(runtime, api), extra=True)
    return a, b


def assert_no_leak(body: Any, other: Tenant, context: Any = "") -> None:
    """No marker of `other` in the body; IDs count only whole ("VXNlcjox", User:1, is a
    prefix of User:10's ID)."""
    text = json.dumps(body, ensure_ascii=False)
    leaked = [m for m in other.markers() if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)]
    assert not leaked, (leaked, context, body)


def snapshot_queries(schema: GraphQLSchema) -> dict[str, str]:
    """One document per Query field that needs no argument, read as deep as the token limit
    allows: what an admin sees of the tenant, whatever plugins it runs. (One document each,
    so that a field the admin may not use, such as `tenants`, does not null the others.)"""
    documents = {}
    for operation, name, field_ in root_fields(schema):
        if operation != "query" or any(_required(a) for a in field_.args.values()):
            continue
        first = "(first: 100)" if "first" in field_.args else ""
        for depth in (3, 2, 1):
            document = f"{{ {name}{first} {_selection(schema, field_.type, depth)} }}"
            if _token_count(document) <= MAX_DOCUMENT_TOKENS:
                break
        documents[name] = document
    return documents


async def snapshot(api: Api, t: Tenant, schema: GraphQLSchema) -> dict:
    """Everything of a tenant, as its own admin reads it, and the count of its events."""
    token = t.token()
    everything = {
        name: await api.gql(document, token=token)
        for name, document in snapshot_queries(schema).items()
    }
    assert everything["customers"]["data"]["customers"]["totalCount"] == len(t.ids["Customer"])
    found = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } "
        'acme: search(query: "acme") { id title } wang: search(query: "wang") { id title } }',
        {"ids": t.all_ids()},
        token,
    )
    found["acme"].sort(key=lambda hit: hit["id"])
    found["wang"].sort(key=lambda hit: hit["id"])
    return {"everything": everything, "found": found, "events": await _event_count(t)}


# ==== What a tenant reads =======================================================================

LISTS = """{ customers(first: 100) { totalCount edges { node { id name owner { email } parent { id }
  contacts { id email } merges { sourceId sourceName } } } }
  contacts(first: 100) { totalCount edges { node { id name email customer { id } } } }
  users(first: 100) { edges { node { id email } } }
  apiKeys { id name } }"""


async def test_lists_show_only_the_callers_tenant(runtime: Runtime, api: Api, world: World) -> None:
    a, b = await two_tenants(runtime, api, world)
    for me, other in ((a, b), (b, a)):
        for who in ("admin", "viewer", "manager", "sales", "nobody"):
            body = await api.gql(LISTS, token=me.token(who))
            assert_no_leak(body, other, who)
        data = await api.data(LISTS, token=me.token())
        ids = {e["node"]["id"] for e in data["customers"]["edges"]}
        assert ids == set(me.ids["Customer"])
        assert data["customers"]["totalCount"] == len(me.ids["Customer"])
        assert {e["node"]["id"] for e in data["contacts"]["edges"]} == set(me.ids["Contact"])
        assert {e["node"]["id"] for e in data["users"]["edges"]} == set(me.ids["User"])
        assert [k["id"] for k in data["apiKeys"]] == me.ids["ApiKey"]
    # Same names on both sides, yet each tenant counts only its own.
    names_a = await api.data("{ customers { edges { node { name } } } }", token=a.token())
    names_b = await api.data("{ customers { edges { node { name } } } }", token=b.token())
    assert {e["node"]["name"] for e in names_b["customers"]["edges"]} == {
        e["node"]["name"] for e in names_a["customers"]["edges"]
    } | {"Initech"}


async def test_foreign_ids_resolve_to_nothing(runtime: Runtime, api: Api, world: World) -> None:
    a, b = await two_tenants(runtime, api, world)
    token = a.token()
    for customer in b.ids["Customer"]:
        data = await api.data(
            "query($id: ID!) { customer(id: $id) { id name } }", {"id": customer}, token
        )
        assert data == {"customer": None}
    for gid in b.all_ids():
        data = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, token)
        assert data == {"node": None}, gid
    data = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": b.all_ids()}, token
    )
    assert data["nodes"] == [None] * len(b.all_ids())
    # The same calls with the tenant's own IDs do find its records.
    own = a.ids["Customer"] + a.ids["Contact"]
    data = await api.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": own}, token)
    assert [n["id"] for n in data["nodes"]] == own


async def test_filters_naming_foreign_records_match_nothing(
    runtime: Runtime, api: Api, world: World
) -> None:
    a, b = await two_tenants(runtime, api, world)
    b_admin = b.ids["User"][0]
    b_acme = b.id("Customer")
    for query, variables in (
        (
            "query($v: ID!) { customers(filter: {owner: {eq: $v}}) { totalCount edges { node { id } } } }",
            b_admin,
        ),
        (
            "query($v: ID!) { customers(filter: {parent: {eq: $v}}) { totalCount edges { node { id } } } }",
            b_acme,
        ),
        (
            "query($v: ID!) { contacts(filter: {customer: {in: [$v]}}) { totalCount edges { node { id } } } }",
            b_acme,
        ),
        (
            "query($v: ID!) { contacts(filter: {owner: {eq: $v}}) { totalCount edges { node { id } } } }",
            b_admin,
        ),
    ):
        data = await api.data(query, {"v": variables}, a.token())
        assert next(iter(data.values()))["totalCount"] == 0, query


async def test_search_finds_only_the_callers_tenant(
    runtime: Runtime, api: Api, world: World
) -> None:
    a, b = await two_tenants(runtime, api, world)
    for who in ("admin", "viewer", "sales"):
        for words in ("acme", "wang", "globex", "initech", "peter"):
            body = await api.data(
                "query($q: String!) { search(query: $q, first: 100) { id type title node { id } } }",
                {"q": words},
                a.token(who),
            )
            assert_no_leak(body, b, (who, words))
            assert {hit["id"] for hit in body["search"]} <= set(a.all_ids())
    hits = await api.data('{ search(query: "acme") { id } }', token=a.token())
    assert hits["search"], "the look-alike records of the caller's own tenant are found"
    hits = await api.data('{ search(query: "initech") { id } }', token=b.token())
    assert hits["search"], "B finds its own"


UPDATE_CUSTOMER = """mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) {
  customer { id name } userErrors { field code } } }"""
DELETE_CUSTOMER = """mutation($i: DeleteInput!) { deleteCustomer(input: $i) {
  deletedId userErrors { field code } } }"""
UPDATE_CONTACT = """mutation($i: UpdateContactInput!) { updateContact(input: $i) {
  contact { id name customer { id } } userErrors { field code } } }"""
DELETE_CONTACT = """mutation($i: DeleteInput!) { deleteContact(input: $i) {
  deletedId userErrors { field code } } }"""
SET_ROLES = """mutation($i: SetUserRolesInput!) { setUserRoles(input: $i) {
  user { id email } userErrors { field code } } }"""
REVOKE_KEY = """mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) {
  apiKey { id revokedAt } userErrors { field code } } }"""
CREATE_USER = """mutation($i: CreateUserInput!) { createUser(input: $i) {
  user { id email } userErrors { field code } } }"""


async def test_mutations_cannot_reach_foreign_records(
    runtime: Runtime, api: Api, world: World
) -> None:
    a, b = await two_tenants(runtime, api, world)
    schema = await introspect(api, b.token())
    before = await snapshot(api, b, schema)
    b_acme, b_contact, b_admin = b.id("Customer"), b.id("Contact"), b.ids["User"][0]
    a_acme, a_contact = a.id("Customer"), a.id("Contact")
    refused = [
        (UPDATE_CUSTOMER, {"id": b_acme, "name": "Hijacked"}, ["id"]),
        (UPDATE_CUSTOMER, {"id": a_acme, "parentId": b_acme}, ["parentId"]),
        (UPDATE_CUSTOMER, {"id": a_acme, "ownerId": b_admin}, ["ownerId"]),
        (DELETE_CUSTOMER, {"id": b_acme}, ["id"]),
        (MERGE, {"targetId": a_acme, "sourceIds": [b_acme]}, ["sourceIds", "0"]),
        (MERGE, {"targetId": b_acme, "sourceIds": [a.ids["Customer"][1]]}, ["targetId"]),
        (CREATE_CUSTOMER, {"name": "New Co", "parentId": b_acme}, ["parentId"]),
        (CREATE_CUSTOMER, {"name": "New Co", "ownerId": b_admin}, ["ownerId"]),
        (CREATE_CONTACT, {"name": "Spy", "customerId": b_acme}, ["customerId"]),
        (UPDATE_CONTACT, {"id": b_contact, "name": "Hijacked"}, ["id"]),
        (UPDATE_CONTACT, {"id": a_contact, "customerId": b_acme}, ["customerId"]),
        (UPDATE_CONTACT, {"id": a_contact, "ownerId": b_admin}, ["ownerId"]),
        (DELETE_CONTACT, {"id": b_contact}, ["id"]),
        (SET_ROLES, {"userId": b_admin, "roles": ["viewer"]}, ["userId"]),
        (REVOKE_KEY, {"id": b.id("ApiKey")}, ["id"]),
        (
            CREATE_USER,
            {
                "email": f"new@{a.world.slug}.test",
                "name": "New",
                "password": "a long enough passphrase",
                "managerId": b_admin,
            },
            ["managerId"],
        ),
    ]
    for query, values, path in refused:
        body = await api.gql(query, {"i": values}, a.token())
        assert "errors" not in body, body
        payload = next(iter(body["data"].values()))
        errors = [(e["field"], e["code"]) for e in payload["userErrors"]]
        assert (path, "NOT_FOUND") in errors, (values, payload)
        assert_no_leak(body, b, values)
    assert await snapshot(api, b, schema) == before
    # B's key still opens B, and A's own records kept their place.
    data = await api.data("{ apiKeys { revokedAt } }", token=b.api_key)
    assert data["apiKeys"] == [{"revokedAt": None}]
    contact = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Contact { customer { id } } } }",
        {"id": a_contact},
        a.token(),
    )
    assert contact["node"]["customer"]["id"] == a_acme


async def test_bulk_calls_with_one_foreign_id_write_nothing(
    runtime: Runtime, api: Api, world: World
) -> None:
    a, b = await two_tenants(runtime, api, world)
    count = "{ customers { totalCount } contacts { totalCount } }"
    before_a = await api.data(count, token=a.token())
    before_b = await api.data(count, token=b.token())
    body = await api.data(
        """mutation($i: [CreateContactInput!]!) { createContacts(input: $i) {
             contacts { id } userErrors { field code } } }""",
        {
            "i": [
                {"name": "Fine", "customerId": a.id("Customer")},
                {"name": "Spy", "customerId": b.id("Customer")},
            ]
        },
        a.token(),
    )
    assert body["createContacts"] == {
        "contacts": None,
        "userErrors": [{"field": ["1", "customerId"], "code": "NOT_FOUND"}],
    }
    body = await api.data(
        """mutation($i: [CreateCustomerInput!]!) { createCustomers(input: $i) {
             customers { id } userErrors { field code } } }""",
        {"i": [{"name": "Fine Co"}, {"name": "Child Co", "parentId": b.id("Customer")}]},
        a.token(),
    )
    assert body["createCustomers"] == {
        "customers": None,
        "userErrors": [{"field": ["1", "parentId"], "code": "NOT_FOUND"}],
    }
    assert await api.data(count, token=a.token()) == before_a
    assert await api.data(count, token=b.token()) == before_b


async def test_duplicate_detection_ignores_other_tenants(
    runtime: Runtime, api: Api, world: World
) -> None:
    """A's new customer named like B's Initech, on B's web domain, is no duplicate: B's
    record neither blocks it nor is named in a warning."""
    a, b = await two_tenants(runtime, api, world)
    body = await api.gql(
        CREATE_CUSTOMER, {"i": {"name": "Initech", "website": "https://initech.example"}}, a.token()
    )
    payload = body["data"]["createCustomer"]
    assert payload["userErrors"] == []
    assert payload["customer"]["id"] not in b.all_ids()
    # Within a tenant, the same check does fire (so the test above is not vacuous).
    body = await api.gql(CREATE_CUSTOMER, {"i": {"name": "initech"}}, b.token())
    assert [e["code"] for e in body["data"]["createCustomer"]["userErrors"]] == ["DUPLICATE"]


async def test_nothing_in_a_request_can_choose_another_tenant(
    runtime: Runtime, api: Api, world: World
) -> None:
    a, b = await two_tenants(runtime, api, world)
    body = await api.gql(
        "mutation($i: LoginInput!) { login(input: $i) { token userErrors { field code } } }",
        {
            "i": {
                "email": f"admin@{a.world.slug}.test",
                "password": "correct-horse-battery",
                "tenant": b.world.slug,
            }
        },
    )
    assert body["data"]["login"] == {
        "token": None,
        "userErrors": [{"field": ["tenant"], "code": "INVALID_CREDENTIALS"}],
    }
    # An API key works in the tenant it was made in, and only there.
    body = await api.data(LISTS, token=a.api_key)
    assert_no_leak(body, b, "api key")
    assert {e["node"]["id"] for e in body["customers"]["edges"]} == set(a.ids["Customer"])


# ==== The walk ==================================================================================


def _walk_calls(schema: GraphQLSchema, a: Tenant, b: Tenant) -> Iterator[tuple[str, Call]]:
    """For every root field that takes an ID anywhere in its arguments: one call per ID slot
    holding B's ID (of the type the slot names, or every type B has when the name says
    nothing), every other ID being A's own; and one call where every ID is B's."""
    known = set(b.ids)

    def a_id(hints: tuple[str, ...]) -> str:
        return a.id(guess_type(hints, known) or "Customer")

    for operation, name, field_ in root_fields(schema):
        slots = id_slots(name, field_)
        for slot in slots:
            guessed = guess_type(slot.hints, known)
            for type_name in [guessed] if guessed else sorted(known):

                def choose(
                    path: Path, hints: tuple[str, ...], at: Path = slot.path, t=type_name
                ) -> str:
                    return b.id(t) if path == at else a_id(hints)

                def wanted(path: Path, at: Path = slot.path) -> bool:
                    return at[: len(path)] == path

                args = build_args(name, field_, choose, wanted)
                yield operation, make_call(schema, operation, name, field_, args)
        if slots:
            args = build_args(
                name,
                field_,
                lambda path, hints: b.id(guess_type(hints, known) or "Customer"),
                lambda path, all_=tuple(slots): any(s.path[: len(path)] == path for s in all_),
            )
            yield operation, make_call(schema, operation, name, field_, args)


async def _event_count(t: Tenant) -> int:
    with tenant_scope(t.world.tenant.id):
        return await OutboxEvent.all().count()


async def test_schema_walk_no_id_taking_field_crosses_tenants(
    runtime: Runtime, api: Api, world: World
) -> None:
    """Every Query and Mutation field that takes an ID (as an argument or anywhere inside an
    input object) is called by A's admin with B's IDs: nothing of B comes back, nothing of B
    changes, and no call crashes."""
    a, b = await two_tenants(runtime, api, world)
    schema = await introspect(api, a.token())
    full = runtime.schemas.full()._schema
    assert set(schema.query_type.fields) == set(full.query_type.fields)
    assert set(schema.mutation_type.fields) == set(full.mutation_type.fields)
    before = await snapshot(api, b, await introspect(api, b.token()))

    walked: set[str] = set()
    for operation, call in _walk_calls(schema, a, b):
        assert_well_formed(schema, call)
        events = await _event_count(a)
        body = await api.gql(call.document, call.variables, a.token())
        assert_no_leak(body, b, (call.document, call.variables))
        assert "INTERNAL_SERVER_ERROR" not in error_codes(body), (call, body)
        assert "data" in body or error_codes(body), body
        if operation == "mutation":
            # B's record is a missing record to A: the mutation is refused and writes nothing
            # (not even in A, where it would point at B's record).
            payload = (body.get("data") or {}).get(call.field) or {}
            assert error_codes(body) or payload.get("userErrors"), (call, body)
            assert await _event_count(a) == events, (call, body)
        walked.add(call.field)

    # The walk found the ID-taking fields we know of (so it is not walking nothing) ...
    assert {
        "customer",
        "customers",
        "contacts",
        "node",
        "nodes",
        "updateCustomer",
        "deleteCustomer",
        "mergeCustomers",
        "createContact",
        "createContacts",
        "updateContact",
        "deleteContact",
        "createCustomer",
        "createCustomers",
        "setUserRoles",
        "revokeApiKey",
        "createUser",
    } <= walked
    # ... and B is exactly as it was.
    after = await snapshot(api, b, await introspect(api, b.token()))
    assert after == before
