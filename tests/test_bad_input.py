"""Bad input to any mutation answers with userErrors naming the field and the problem, and
writes nothing anywhere: no record, tag, merge, outbox event, user, membership, tenant,
Casbin rule, API key, document template or logo, and no edit to an existing row.

One row of CASES per bad input: adding a mutation means adding rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from casbin_tortoise_adapter.model import CasbinRule

from core.demo import ensure_platform_admin
from core.graphql.relay import to_global_id
from core.models import (
    ApiKey,
    DocumentTemplateOverride,
    Membership,
    OutboxEvent,
    Tenant,
    TenantBranding,
    User,
)
from core.runtime import Runtime
from core.tenancy import ALL_TENANTS, tenant_scope
from plugins.customers.models import Contact, Customer, CustomerMerge, CustomerTag
from tests.support import PASSWORD, Api, World, make_world


@dataclass(frozen=True)
class Mutation:
    name: str
    input_type: str
    result: str  # the payload field that carries the changed object; null on bad input

    @property
    def document(self) -> str:
        return (
            f"mutation($i: {self.input_type}) {{ {self.name}(input: $i) {{ {self.result} "
            "userErrors { field message code } } }"
        )

    @property
    def result_key(self) -> str:
        return self.result.split()[0]


CREATE_CUSTOMER = Mutation("createCustomer", "CreateCustomerInput!", "customer { id }")
CREATE_CUSTOMERS = Mutation("createCustomers", "[CreateCustomerInput!]!", "customers { id }")
UPDATE_CUSTOMER = Mutation("updateCustomer", "UpdateCustomerInput!", "customer { id }")
DELETE_CUSTOMER = Mutation("deleteCustomer", "DeleteInput!", "deletedId")
MERGE_CUSTOMERS = Mutation("mergeCustomers", "MergeCustomersInput!", "customer { id }")
CREATE_CONTACT = Mutation("createContact", "CreateContactInput!", "contact { id }")
CREATE_CONTACTS = Mutation("createContacts", "[CreateContactInput!]!", "contacts { id }")
UPDATE_CONTACT = Mutation("updateContact", "UpdateContactInput!", "contact { id }")
DELETE_CONTACT = Mutation("deleteContact", "DeleteInput!", "deletedId")
CREATE_USER = Mutation("createUser", "CreateUserInput!", "user { id }")
SET_USER_ROLES = Mutation("setUserRoles", "SetUserRolesInput!", "user { id }")
CREATE_TENANT = Mutation("createTenant", "CreateTenantInput!", "tenant { id }")
ENABLE_PLUGIN = Mutation("enablePlugin", "PluginInput!", "plugin { name }")
DISABLE_PLUGIN = Mutation("disablePlugin", "PluginInput!", "plugin { name }")
CREATE_API_KEY = Mutation("createApiKey", "CreateApiKeyInput!", "secret")
REVOKE_API_KEY = Mutation("revokeApiKey", "RevokeApiKeyInput!", "apiKey { id }")
LOGIN = Mutation("login", "LoginInput!", "token")
SET_DOCUMENT_TEMPLATE = Mutation(
    "setDocumentTemplate", "SetDocumentTemplateInput!", "documentTemplate { name }"
)
RESET_DOCUMENT_TEMPLATE = Mutation(
    "resetDocumentTemplate", "ResetDocumentTemplateInput!", "documentTemplate { name }"
)
SET_DOCUMENT_LOGO = Mutation("setDocumentLogo", "SetDocumentLogoInput!", "logo")
# A document template of the insights test plugin, which the suite always loads.
DOCUMENT = "insights.summary"


@dataclass
class Scene:
    """A tenant with a customer (owned by sales, with a contact) and a second customer,
    plus a platform admin signed in without a tenant."""

    world: World
    platform_token: str
    customer: str
    contact: str
    other_customer: str

    @property
    def slug(self) -> str:
        return self.world.slug

    def user(self, who: str) -> str:
        return to_global_id("User", self.world.user_ids[who])

    def token(self, who: str) -> str | None:
        if who == "anonymous":
            return None
        return self.platform_token if who == "platform" else self.world.token(who)


MISSING_CUSTOMER = to_global_id("Customer", 10**9)
MISSING_CONTACT = to_global_id("Contact", 10**9)
LONG_PHONE = "+" + "1" * 40 + " ext. 123456"  # looks like a phone number, too long to store


def long(n: int) -> str:
    return "x" * n


def email_of(length: int) -> str:
    return "a" * (length - len("@example.com")) + "@example.com"


@dataclass(frozen=True)
class Case:
    mutation: Mutation
    input: Callable[[Scene], Any]
    errors: list[tuple[list[str] | None, str]]
    who: str = "admin"


CASES: dict[str, Case] = {
    # -- customers ------------------------------------------------------------------------
    "createCustomer blank name": Case(
        CREATE_CUSTOMER, lambda s: {"name": "   "}, [(["name"], "REQUIRED")]
    ),
    "createCustomer name too long": Case(
        CREATE_CUSTOMER, lambda s: {"name": long(201)}, [(["name"], "TOO_LONG")]
    ),
    "createCustomer control character": Case(
        CREATE_CUSTOMER, lambda s: {"name": "Acme\x00"}, [(["name"], "INVALID")]
    ),
    "createCustomer bad website": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "website": "not a website"},
        [(["website"], "INVALID")],
    ),
    "createCustomer bad phone": Case(
        CREATE_CUSTOMER, lambda s: {"name": "Acme", "phone": "call me"}, [(["phone"], "INVALID")]
    ),
    "createCustomer phone too long": Case(
        CREATE_CUSTOMER, lambda s: {"name": "Acme", "phone": LONG_PHONE}, [(["phone"], "TOO_LONG")]
    ),
    "createCustomer industry too long": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "industry": long(101)},
        [(["industry"], "TOO_LONG")],
    ),
    "createCustomer city too long": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "address": {"city": long(101)}},
        [(["address", "city"], "TOO_LONG")],
    ),
    "createCustomer too many tags": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "tags": [f"t{i}" for i in range(21)]},
        [(["tags"], "TOO_MANY")],
    ),
    "createCustomer blank and long tags": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "tags": ["ok", " ", long(51)]},
        [(["tags", "1"], "REQUIRED"), (["tags", "2"], "TOO_LONG")],
    ),
    "createCustomer unknown owner": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "ownerId": to_global_id("User", 10**9)},
        [(["ownerId"], "NOT_FOUND")],
    ),
    "createCustomer owner outside the caller's reach": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "ownerId": s.user("sales2")},
        [(["ownerId"], "NOT_ALLOWED")],
        who="sales",
    ),
    "createCustomer unknown parent": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "parentId": MISSING_CUSTOMER},
        [(["parentId"], "NOT_FOUND")],
    ),
    "createCustomer duplicate name": Case(
        CREATE_CUSTOMER, lambda s: {"name": "existing co"}, [(["name"], "DUPLICATE")]
    ),
    "createCustomer duplicate domain": Case(
        CREATE_CUSTOMER,
        lambda s: {"name": "Acme", "website": "https://existing.example/"},
        [(["website"], "DUPLICATE")],
    ),
    "createCustomers empty list": Case(CREATE_CUSTOMERS, lambda s: [], [(["input"], "TOO_MANY")]),
    "createCustomers 501 items": Case(
        CREATE_CUSTOMERS,
        lambda s: [{"name": f"Bulk {i}"} for i in range(501)],
        [(["input"], "TOO_MANY")],
    ),
    "createCustomers one bad item": Case(
        CREATE_CUSTOMERS,
        lambda s: [{"name": "Fine"}, {"name": ""}, {"name": "Also fine", "phone": "?"}],
        [(["1", "name"], "REQUIRED"), (["2", "phone"], "INVALID")],
    ),
    "createCustomers duplicate within the batch": Case(
        CREATE_CUSTOMERS,
        lambda s: [{"name": "Twin"}, {"name": "TWIN"}],
        [(["1", "name"], "DUPLICATE")],
    ),
    "updateCustomer unknown id": Case(
        UPDATE_CUSTOMER, lambda s: {"id": MISSING_CUSTOMER, "name": "X"}, [(["id"], "NOT_FOUND")]
    ),
    "updateCustomer id of another type": Case(
        UPDATE_CUSTOMER, lambda s: {"id": s.contact, "name": "X"}, [(["id"], "NOT_FOUND")]
    ),
    "updateCustomer blank name": Case(
        UPDATE_CUSTOMER, lambda s: {"id": s.customer, "name": " "}, [(["name"], "REQUIRED")]
    ),
    "updateCustomer null name": Case(
        UPDATE_CUSTOMER, lambda s: {"id": s.customer, "name": None}, [(["name"], "REQUIRED")]
    ),
    "updateCustomer bad website and phone": Case(
        UPDATE_CUSTOMER,
        lambda s: {"id": s.customer, "name": "Renamed", "website": "nope", "phone": "?"},
        [(["website"], "INVALID"), (["phone"], "INVALID")],
    ),
    "updateCustomer null owner": Case(
        UPDATE_CUSTOMER, lambda s: {"id": s.customer, "ownerId": None}, [(["ownerId"], "REQUIRED")]
    ),
    "updateCustomer own parent": Case(
        UPDATE_CUSTOMER,
        lambda s: {"id": s.customer, "parentId": s.customer},
        [(["parentId"], "CYCLE")],
    ),
    "updateCustomer null lifecycle stage": Case(
        UPDATE_CUSTOMER,
        lambda s: {"id": s.customer, "lifecycleStage": None},
        [(["lifecycleStage"], "REQUIRED")],
    ),
    "updateCustomer tag too long": Case(
        UPDATE_CUSTOMER,
        lambda s: {"id": s.customer, "tags": [long(51)]},
        [(["tags", "0"], "TOO_LONG")],
    ),
    "deleteCustomer unknown id": Case(
        DELETE_CUSTOMER, lambda s: {"id": MISSING_CUSTOMER}, [(["id"], "NOT_FOUND")]
    ),
    "deleteCustomer with contacts": Case(
        DELETE_CUSTOMER, lambda s: {"id": s.customer}, [(["id"], "HAS_DEPENDENTS")]
    ),
    "mergeCustomers unknown target": Case(
        MERGE_CUSTOMERS,
        lambda s: {"targetId": MISSING_CUSTOMER, "sourceIds": [s.customer]},
        [(["targetId"], "NOT_FOUND")],
    ),
    "mergeCustomers no sources": Case(
        MERGE_CUSTOMERS,
        lambda s: {"targetId": s.customer, "sourceIds": []},
        [(["sourceIds"], "REQUIRED")],
    ),
    "mergeCustomers into itself": Case(
        MERGE_CUSTOMERS,
        lambda s: {"targetId": s.customer, "sourceIds": [s.customer]},
        [(["sourceIds", "0"], "INVALID")],
    ),
    "mergeCustomers one unknown source": Case(
        MERGE_CUSTOMERS,
        lambda s: {"targetId": s.customer, "sourceIds": [s.other_customer, MISSING_CUSTOMER]},
        [(["sourceIds", "1"], "NOT_FOUND")],
    ),
    # -- contacts -------------------------------------------------------------------------
    "createContact blank name": Case(
        CREATE_CONTACT,
        lambda s: {"name": "", "customerId": s.customer},
        [(["name"], "REQUIRED")],
    ),
    "createContact bad email": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": s.customer, "email": "ann@"},
        [(["email"], "INVALID")],
    ),
    "createContact email too long": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": s.customer, "email": email_of(255)},
        [(["email"], "INVALID")],
    ),
    "createContact phone too long": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": s.customer, "phone": LONG_PHONE},
        [(["phone"], "TOO_LONG")],
    ),
    "createContact title too long": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": s.customer, "title": long(101)},
        [(["title"], "TOO_LONG")],
    ),
    "createContact unknown customer": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": MISSING_CUSTOMER},
        [(["customerId"], "NOT_FOUND")],
    ),
    "createContact unknown owner": Case(
        CREATE_CONTACT,
        lambda s: {"name": "Ann", "customerId": s.customer, "ownerId": "bm9wZQ"},
        [(["ownerId"], "NOT_FOUND")],
    ),
    "createContacts empty list": Case(CREATE_CONTACTS, lambda s: [], [(["input"], "TOO_MANY")]),
    "createContacts one bad item": Case(
        CREATE_CONTACTS,
        lambda s: [
            {"name": "Ann", "customerId": s.customer},
            {"name": "Bo", "customerId": MISSING_CUSTOMER, "email": "bo"},
        ],
        [(["1", "email"], "INVALID"), (["1", "customerId"], "NOT_FOUND")],
    ),
    "updateContact unknown id": Case(
        UPDATE_CONTACT, lambda s: {"id": MISSING_CONTACT, "title": "CEO"}, [(["id"], "NOT_FOUND")]
    ),
    "updateContact null name": Case(
        UPDATE_CONTACT, lambda s: {"id": s.contact, "name": None}, [(["name"], "REQUIRED")]
    ),
    "updateContact bad email": Case(
        UPDATE_CONTACT, lambda s: {"id": s.contact, "email": "x@y"}, [(["email"], "INVALID")]
    ),
    "updateContact unknown customer": Case(
        UPDATE_CONTACT,
        lambda s: {"id": s.contact, "title": "CEO", "customerId": MISSING_CUSTOMER},
        [(["customerId"], "NOT_FOUND")],
    ),
    "updateContact null owner": Case(
        UPDATE_CONTACT, lambda s: {"id": s.contact, "ownerId": None}, [(["ownerId"], "REQUIRED")]
    ),
    "deleteContact unknown id": Case(
        DELETE_CONTACT, lambda s: {"id": MISSING_CONTACT}, [(["id"], "NOT_FOUND")]
    ),
    # -- core: users, tenants, plugins, API keys, sign-in ---------------------------------
    "createUser bad email, blank name, short password, unknown role": Case(
        CREATE_USER,
        lambda s: {"email": "nope", "name": " ", "password": "short", "roles": ["wizard"]},
        [
            (["email"], "INVALID"),
            (["name"], "REQUIRED"),
            (["password"], "TOO_SHORT"),
            (["roles"], "INVALID"),
        ],
    ),
    "createUser name too long": Case(
        CREATE_USER,
        lambda s: {"email": "new@example.com", "name": long(201), "password": PASSWORD},
        [(["name"], "TOO_LONG")],
    ),
    "createUser email too long": Case(
        CREATE_USER,
        lambda s: {"email": email_of(255), "name": "New", "password": PASSWORD},
        [(["email"], "INVALID")],
    ),
    "createUser team too long": Case(
        CREATE_USER,
        lambda s: {
            "email": "new@example.com",
            "name": "New",
            "password": PASSWORD,
            "team": long(101),
        },
        [(["team"], "TOO_LONG")],
    ),
    "createUser unknown manager": Case(
        CREATE_USER,
        lambda s: {
            "email": "new@example.com",
            "name": "New",
            "password": PASSWORD,
            "managerId": to_global_id("User", 10**9),
        },
        [(["managerId"], "NOT_FOUND")],
    ),
    "createUser already a member": Case(
        CREATE_USER,
        lambda s: {"email": f"SALES@{s.slug}.test", "name": "Sales"},
        [(["email"], "TAKEN")],
    ),
    "createUser new user without password": Case(
        CREATE_USER,
        lambda s: {"email": "new@example.com", "name": "New"},
        [(["password"], "REQUIRED")],
    ),
    "setUserRoles unknown user": Case(
        SET_USER_ROLES,
        lambda s: {"userId": to_global_id("User", 10**9), "roles": ["sales"]},
        [(["userId"], "NOT_FOUND")],
    ),
    "setUserRoles unknown role": Case(
        SET_USER_ROLES,
        lambda s: {"userId": s.user("sales"), "roles": ["sales", "wizard"]},
        [(["roles"], "INVALID")],
    ),
    "createTenant bad slug, blank name, bad email, short password, unknown plugin": Case(
        CREATE_TENANT,
        lambda s: {
            "slug": "Not A Slug",
            "name": "",
            "adminEmail": "nope",
            "adminPassword": "short",
            "plugins": ["customers", "no-such-plugin"],
        },
        [
            (["slug"], "INVALID"),
            (["name"], "REQUIRED"),
            (["adminEmail"], "INVALID"),
            (["adminPassword"], "TOO_SHORT"),
            (["plugins"], "UNKNOWN_PLUGIN"),
        ],
        who="platform",
    ),
    "createTenant taken slug and admin email": Case(
        CREATE_TENANT,
        lambda s: {
            "slug": s.slug,
            "name": "Again",
            "adminEmail": f"admin@{s.slug}.test",
            "adminPassword": PASSWORD,
        },
        [(["slug"], "TAKEN"), (["adminEmail"], "TAKEN")],
        who="platform",
    ),
    "createTenant name too long": Case(
        CREATE_TENANT,
        lambda s: {
            "slug": f"new-{s.slug}",
            "name": long(201),
            "adminEmail": f"admin@new-{s.slug}.test",
            "adminPassword": PASSWORD,
        },
        [(["name"], "TOO_LONG")],
        who="platform",
    ),
    "createTenant admin email too long": Case(
        CREATE_TENANT,
        lambda s: {
            "slug": f"new-{s.slug}",
            "name": "New",
            "adminEmail": email_of(255),
            "adminPassword": PASSWORD,
        },
        [(["adminEmail"], "INVALID")],
        who="platform",
    ),
    "enablePlugin unknown": Case(
        ENABLE_PLUGIN, lambda s: {"name": "no-such-plugin"}, [(["name"], "UNKNOWN_PLUGIN")]
    ),
    "enablePlugin already enabled": Case(
        ENABLE_PLUGIN, lambda s: {"name": "customers"}, [(["name"], "ALREADY_ENABLED")]
    ),
    "disablePlugin not enabled": Case(
        DISABLE_PLUGIN, lambda s: {"name": "no-such-plugin"}, [(["name"], "NOT_ENABLED")]
    ),
    "createApiKey blank name": Case(
        CREATE_API_KEY, lambda s: {"name": "  "}, [(["name"], "REQUIRED")]
    ),
    "createApiKey name too long": Case(
        CREATE_API_KEY, lambda s: {"name": long(101)}, [(["name"], "TOO_LONG")]
    ),
    "revokeApiKey unknown key": Case(
        REVOKE_API_KEY, lambda s: {"id": to_global_id("ApiKey", 10**9)}, [(["id"], "NOT_FOUND")]
    ),
    "setDocumentTemplate unknown template": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": "quotes.nothing", "source": "x"},
        [(["name"], "NOT_FOUND")],
    ),
    "setDocumentTemplate blank source": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": DOCUMENT, "source": " "},
        [(["source"], "REQUIRED")],
    ),
    "setDocumentTemplate source too long": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": DOCUMENT, "source": long(200_001)},
        [(["source"], "TOO_LONG")],
    ),
    "setDocumentTemplate syntax error": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": DOCUMENT, "source": "{% if rows %}"},
        [(["source"], "INVALID_TEMPLATE")],
    ),
    "setDocumentTemplate undefined variable": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": DOCUMENT, "source": "{{ perod }}"},
        [(["source"], "INVALID_TEMPLATE")],
    ),
    "setDocumentTemplate sandbox escape": Case(
        SET_DOCUMENT_TEMPLATE,
        lambda s: {"name": DOCUMENT, "source": "{{ ''.__class__.__mro__ }}"},
        [(["source"], "INVALID_TEMPLATE")],
    ),
    "resetDocumentTemplate unknown template": Case(
        RESET_DOCUMENT_TEMPLATE, lambda s: {"name": "quotes.nothing"}, [(["name"], "NOT_FOUND")]
    ),
    "setDocumentLogo not a data URI": Case(
        SET_DOCUMENT_LOGO,
        lambda s: {"dataUri": "https://example.com/logo.png"},
        [(["dataUri"], "INVALID_LOGO")],
    ),
    "setDocumentLogo not an image": Case(
        SET_DOCUMENT_LOGO,
        lambda s: {"dataUri": "data:image/png;base64,aGVsbG8="},
        [(["dataUri"], "INVALID_LOGO")],
    ),
    # Sign-in failures do not say whether the email or the password was wrong.
    "login wrong password": Case(
        LOGIN,
        lambda s: {"email": f"sales@{s.slug}.test", "password": "wrong password"},
        [(["input"], "INVALID_CREDENTIALS")],
        who="anonymous",
    ),
    "login unknown email": Case(
        LOGIN,
        lambda s: {"email": "nobody@nowhere.test", "password": PASSWORD},
        [(["input"], "INVALID_CREDENTIALS")],
        who="anonymous",
    ),
    "login email too long": Case(
        LOGIN,
        lambda s: {"email": email_of(300), "password": PASSWORD},
        [(["input"], "INVALID_CREDENTIALS")],
        who="anonymous",
    ),
    "login to a tenant one does not belong to": Case(
        LOGIN,
        lambda s: {"email": f"sales@{s.slug}.test", "password": PASSWORD, "tenant": "elsewhere"},
        [(["tenant"], "INVALID_CREDENTIALS")],
        who="anonymous",
    ),
}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def scene(runtime: Runtime, api: Api) -> Scene:
    """Shared by every case: a case that writes anything fails on its own row counts."""
    world = await make_world(runtime, api)
    admin = world.token("admin")
    platform_email = f"platform-{uuid.uuid4().hex[:8]}@tessera.test"
    await ensure_platform_admin(platform_email, PASSWORD)

    async def create(mutation: Mutation, input: dict) -> str:
        payload = (await api.data(mutation.document, {"i": input}, admin))[mutation.name]
        assert payload["userErrors"] == [], payload
        return payload[mutation.result_key]["id"]

    sales = to_global_id("User", world.user_ids["sales"])
    customer = await create(
        CREATE_CUSTOMER,
        {"name": "Existing Co", "website": "https://existing.example", "ownerId": sales},
    )
    return Scene(
        world=world,
        platform_token=await api.login(platform_email),
        customer=customer,
        contact=await create(CREATE_CONTACT, {"name": "Ann", "customerId": customer}),
        other_customer=await create(CREATE_CUSTOMER, {"name": "Second Co"}),
    )


async def database_state(tenant_id: int) -> dict[str, Any]:
    """Row counts of every table bad input could touch, and the tenant's editable rows."""
    with tenant_scope(ALL_TENANTS):
        state: dict[str, Any] = {
            name: await model.all().count()
            for name, model in {
                "customers": Customer,
                "tags": CustomerTag,
                "contacts": Contact,
                "merges": CustomerMerge,
                "outbox events": OutboxEvent,
                "memberships": Membership,
                "api keys": ApiKey,
                "document templates": DocumentTemplateOverride,
                "branding": TenantBranding,
            }.items()
        }
    state["users"] = await User.all().count()
    state["tenants"] = await Tenant.all().count()
    state["casbin rules"] = await CasbinRule.all().count()
    with tenant_scope(tenant_id):
        state["customer rows"] = (
            await Customer.all()
            .order_by("id")
            .values_list("id", "name", "version", "owner_id", "parent_id", "website")
        )
        state["contact rows"] = (
            await Contact.all()
            .order_by("id")
            .values_list("id", "name", "version", "customer_id", "owner_id", "email")
        )
    tenant = await Tenant.get(id=tenant_id)
    state["tenant"] = (tenant.plugins, tenant.acl_version)
    return state


def pairs(errors: list[tuple[list[str] | None, str]]) -> list[tuple]:
    """(field path, code) pairs in a stable order; a field may be null."""
    return sorted(((tuple(field) if field else None, code) for field, code in errors), key=repr)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_bad_input_answers_with_user_errors_and_writes_nothing(
    api: Api, scene: Scene, case: Case
) -> None:
    before = await database_state(scene.world.tenant.id)
    mutation = case.mutation
    body = await api.gql(mutation.document, {"i": case.input(scene)}, scene.token(case.who))

    assert "errors" not in body, body
    payload = body["data"][mutation.name]
    assert payload[mutation.result_key] is None
    errors = payload["userErrors"]
    assert all(e["message"].strip() for e in errors), errors
    assert pairs([(e["field"], e["code"]) for e in errors]) == pairs(case.errors), errors
    assert await database_state(scene.world.tenant.id) == before


async def test_every_core_and_customers_mutation_has_bad_input_rows(runtime: Runtime) -> None:
    owned = {
        name
        for (type_name, name), owner in runtime.schemas.field_owner.items()
        if type_name == "Mutation" and owner in ("core", "customers")
    }
    assert owned - {case.mutation.name for case in CASES.values()} == set()
