"""Leads through the HTTP API: capture, scoring, duplicates, routing by rule and round-robin,
the lead pool and its claims, idle leads returning to the pool, conversion, public web
forms and tenant isolation, as a salesperson, a manager or an admin sees them."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

from core.graphql.relay import to_global_id
from core.models import OutboxEvent
from core.runtime import Runtime
from core.scheduler import Scheduler
from core.tenancy import tenant_scope
from plugins.leads import forms
from tests.support import PASSWORD, Api, World, error_codes, make_world

ERRORS = "userErrors { field message code }"
LEAD_FIELDS = """id personName company title email phone source status score region tags
  description version inPool owner { id email } duplicateOfId
  duplicateOf { __typename id } customer { id name } contact { id name email }"""
CREATE = f"""mutation($i: CreateLeadInput!) {{ createLead(input: $i) {{
  lead {{ {LEAD_FIELDS} }} {ERRORS} }} }}"""
CREATE_MANY = f"""mutation($i: [CreateLeadInput!]!) {{ createLeads(input: $i) {{
  leads {{ id score }} {ERRORS} }} }}"""
UPDATE = f"""mutation($i: UpdateLeadInput!) {{ updateLead(input: $i) {{
  lead {{ {LEAD_FIELDS} }} {ERRORS} }} }}"""
CLAIM = f"""mutation($i: ClaimLeadInput!) {{ claimLead(input: $i) {{
  lead {{ id inPool owner {{ email }} }} {ERRORS} }} }}"""
ASSIGN = f"""mutation($i: AssignLeadInput!) {{ assignLead(input: $i) {{
  lead {{ id inPool owner {{ email }} }} {ERRORS} }} }}"""
CONVERT = f"""mutation($i: ConvertLeadInput!) {{ convertLead(input: $i) {{
  lead {{ {LEAD_FIELDS} }} customer {{ id name owner {{ email }} }}
  contact {{ id name email title customer {{ id }} }} {ERRORS} }} }}"""
LEADS = """query($filter: LeadFilter, $order: [LeadOrder!]) {
  leads(first: 100, filter: $filter, orderBy: $order) {
    totalCount edges { node { id personName score inPool owner { email } } } } }"""
SCORING = f"""mutation($i: UpdateScoringRulesInput!) {{ updateScoringRules(input: $i) {{
  rules {{ field operator value points }} rescored {ERRORS} }} }}"""
ASSIGNMENT = f"""mutation($i: UpdateAssignmentRulesInput!) {{ updateAssignmentRules(input: $i) {{
  rules {{ region source team }} {ERRORS} }} }}"""
SETTINGS = f"""mutation($i: UpdateLeadSettingsInput!) {{ updateLeadSettings(input: $i) {{
  settings {{ claimLimit returnToPoolAfterDays }} {ERRORS} }} }}"""
FORM = f"""mutation($i: CreateLeadFormInput!) {{ createLeadForm(input: $i) {{
  form {{ id key path active }} {ERRORS} }} }}"""
UPDATE_FORM = f"""mutation($i: UpdateLeadFormInput!) {{ updateLeadForm(input: $i) {{
  form {{ id name key path active }} {ERRORS} }} }}"""


# -- helpers ---------------------------------------------------------------------------------


async def mutate(api: Api, mutation: str, key: str, token: str, input: Any) -> dict:
    payload = (await api.data(mutation, {"i": input}, token))[key]
    assert payload["userErrors"] == [], payload
    return payload


async def refused(api: Api, mutation: str, key: str, token: str, input: Any) -> list[dict]:
    payload = (await api.data(mutation, {"i": input}, token))[key]
    assert payload["userErrors"], payload
    return payload["userErrors"]


async def create_lead(api: Api, token: str, **fields: Any) -> dict:
    fields.setdefault("personName", "Li Wei")
    return (await mutate(api, CREATE, "createLead", token, fields))["lead"]


async def leads(api: Api, token: str, filter: dict | None = None, order: list | None = None):
    data = await api.data(LEADS, {"filter": filter, "order": order}, token)
    return [e["node"] for e in data["leads"]["edges"]]


async def names(api: Api, token: str, filter: dict | None = None) -> set[str]:
    return {n["personName"] for n in await leads(api, token, filter)}


async def add_salespeople(api: Api, world: World, team: str, count: int) -> list[str]:
    """Emails of `count` new salespeople of `team`."""
    emails = []
    for i in range(count):
        email = f"{team}{i}@{world.slug}.test"
        await mutate(
            api,
            """mutation($i: CreateUserInput!) { createUser(input: $i) {
                 user { id } userErrors { field message code } } }""",
            "createUser",
            world.token("admin"),
            {"email": email, "name": f"{team} {i}", "password": PASSWORD, "team": team},
        )
        emails.append(email)
    return emails


async def outbox_names(world: World) -> list[str]:
    with tenant_scope(world.tenant.id):
        return [e.name for e in await OutboxEvent.filter(plugin="leads").order_by("id")]


def email_of(world: World, who: str) -> str:
    return f"{who}@{world.slug}.test"


# -- capture and scoring ---------------------------------------------------------------------


async def test_a_lead_is_created_scored_by_the_default_rules_and_waits_in_the_pool(
    api: Api, world: World
) -> None:
    lead = await create_lead(
        api,
        world.token("sales"),
        personName="  Zhang San ",
        company="Huayang Trading",
        title="CEO",
        email="Zhang.San@Huayang.cn",
        phone="+86 21 6888 0000",
        source="REFERRAL",
        region="East",
        tags=["expo", "expo", "vip"],
        description="Met at the Shanghai expo",
    )
    assert lead["personName"] == "Zhang San"
    assert lead["email"] == "zhang.san@huayang.cn"
    assert lead["tags"] == ["expo", "vip"]
    assert lead["status"] == "NEW" and lead["version"] == 1
    # Referral 20 + CEO 15 + company 10 + email 5 + phone 5.
    assert lead["score"] == 55
    # No assignment rule: the lead goes to the pool.
    assert lead["inPool"] is True and lead["owner"] is None
    assert await outbox_names(world) == ["lead.created"]


async def test_scoring_rules_are_per_tenant_and_rescore_every_lead(
    api: Api, world: World, runtime: Runtime
) -> None:
    admin = world.token("admin")
    before = await create_lead(
        api, admin, personName="Old", title="Chief CEO", source="REFERRAL", email="o@x.cn"
    )
    rules = [
        {"field": "SOURCE", "operator": "EQUALS", "value": "referral", "points": 20},
        {"field": "TITLE", "operator": "CONTAINS", "value": "ceo", "points": 15},
        {"field": "PHONE", "operator": "IS_PRESENT", "points": 5},
        {"field": "TAGS", "operator": "EQUALS", "value": "VIP", "points": 7},
    ]
    payload = await mutate(api, SCORING, "updateScoringRules", admin, {"rules": rules})
    assert payload["rules"][0] == {
        "field": "SOURCE",
        "operator": "EQUALS",
        "value": "REFERRAL",
        "points": 20,
    }
    assert before["score"] == 40 and payload["rescored"] == 1
    assert (await leads(api, admin))[0]["score"] == 35  # the existing lead, rescored

    phone_only = await create_lead(api, admin, personName="P", phone="123 456", tags=["vip"])
    assert phone_only["score"] == 12
    updated = (
        await mutate(
            api,
            UPDATE,
            "updateLead",
            admin,
            {"id": phone_only["id"], "title": "CEO", "phone": None},
        )
    )["lead"]
    assert updated["score"] == 22 and updated["version"] == 2

    # Listing by score, highest first, and filtering by a score range.
    order = [{"field": "SCORE", "direction": "DESC"}]
    assert [n["score"] for n in await leads(api, admin, order=order)] == [35, 22]
    assert await names(api, admin, {"score": {"gte": 30}}) == {before["personName"]}
    assert await names(api, admin, {"tags": {"hasAny": ["vip", "x"]}}) == {"P"}
    assert await names(api, admin, {"tags": {"hasAll": ["vip", "x"]}}) == set()
    assert await names(api, admin, {"source": {"in": ["REFERRAL"]}}) == {"Old"}

    # Only tenant admins manage rules; bad rules are refused whole.
    body = await api.gql(SCORING, {"i": {"rules": rules}}, world.token("sales"))
    assert error_codes(body) == ["FORBIDDEN"]
    errors = await refused(
        api,
        SCORING,
        "updateScoringRules",
        admin,
        {"rules": [{"field": "SOURCE", "operator": "EQUALS", "value": "BILLBOARD", "points": 5}]},
    )
    assert errors[0]["field"] == ["rules", "0", "value"]
    rules_now = await api.data("{ scoringRules { field points } }", token=admin)
    assert len(rules_now["scoringRules"]) == 4


async def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    lead = await create_lead(api, token, company="Acme")
    await mutate(api, UPDATE, "updateLead", token, {"id": lead["id"], "version": 1, "title": "A"})
    body = await api.gql(UPDATE, {"i": {"id": lead["id"], "version": 1, "title": "B"}}, token)
    assert error_codes(body) == ["CONFLICT"]
    assert (await leads(api, token))[0]["personName"] == "Li Wei"
    node = await api.data(
        "query($id: ID!) { lead(id: $id) { title version status } }", {"id": lead["id"]}, token
    )
    assert node["lead"] == {"title": "A", "version": 2, "status": "NEW"}


async def test_bad_input_gives_user_errors_and_writes_nothing(api: Api, world: World) -> None:
    token = world.token("sales")
    errors = await refused(
        api, CREATE, "createLead", token, {"personName": " ", "email": "not-mail", "phone": "x"}
    )
    assert {tuple(e["field"]) for e in errors} == {("personName",), ("email",), ("phone",)}
    errors = await refused(
        api,
        CREATE_MANY,
        "createLeads",
        token,
        [{"personName": "Good"}, {"personName": "Bad", "tags": ["a,b"]}],
    )
    assert errors[0]["field"] == ["1", "tags"]
    assert await names(api, world.token("admin")) == set()
    assert await outbox_names(world) == []
    created = await mutate(
        api, CREATE_MANY, "createLeads", token, [{"personName": f"L{i}"} for i in range(3)]
    )
    assert len(created["leads"]) == 3


async def test_duplicates_are_flagged_with_a_link_and_can_be_merged(api: Api, world: World) -> None:
    token = world.token("admin")
    customer = await api.data(
        'mutation { createCustomer(input: {name: "Known Co"}) { customer { id } } }', token=token
    )
    contact = await api.data(
        """mutation($c: ID!) { createContact(input: {name: "Known Person", customerId: $c,
             email: "known@example.com"}) { contact { id } } }""",
        {"c": customer["createCustomer"]["customer"]["id"]},
        token,
    )
    contact_id = contact["createContact"]["contact"]["id"]
    as_contact = await create_lead(api, token, personName="K", email="KNOWN@example.com")
    assert as_contact["duplicateOf"] == {"__typename": "Contact", "id": contact_id}

    first = await create_lead(api, token, personName="First", phone="+86 (10) 1234-5678")
    second = await create_lead(
        api, token, personName="Second", phone="+86 10 1234 5678", company="Co", tags=["a"]
    )
    assert first["duplicateOf"] is None
    assert second["duplicateOfId"] == first["id"]
    assert second["duplicateOf"] == {"__typename": "Lead", "id": first["id"]}
    # An edit that makes a lead a duplicate flags it too; one that ends it clears the flag.
    edited = (
        await mutate(api, UPDATE, "updateLead", token, {"id": as_contact["id"], "email": None})
    )["lead"]
    assert edited["duplicateOf"] is None
    change = {"id": second["id"], "phone": "+1 555", "email": "known@example.com"}
    edited = (await mutate(api, UPDATE, "updateLead", token, change))["lead"]
    assert edited["duplicateOfId"] == contact_id
    change = {"id": second["id"], "email": None, "phone": "+86 10 1234 5678"}
    edited = (await mutate(api, UPDATE, "updateLead", token, change))["lead"]
    assert edited["duplicateOfId"] == first["id"]

    merged = (
        await mutate(
            api,
            """mutation($i: MergeLeadsInput!) { mergeLeads(input: $i) {
                 lead { id company tags version } userErrors { field message code } } }""",
            "mergeLeads",
            token,
            {"targetId": first["id"], "sourceIds": [second["id"]]},
        )
    )["lead"]
    assert merged == {"id": first["id"], "company": "Co", "tags": ["a"], "version": 2}
    assert await names(api, token) == {"K", "First"}
    assert "lead.merged" in await outbox_names(world)


# -- assignment ------------------------------------------------------------------------------


async def test_assignment_rules_route_by_region_then_source_round_robin_in_the_team(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    north = await add_salespeople(api, world, "north", 2)
    await mutate(
        api,
        ASSIGNMENT,
        "updateAssignmentRules",
        admin,
        {
            "rules": [
                {"region": "North", "team": "north"},
                {"source": "EVENT", "team": "east"},  # world's sales (and manager: not sales)
            ]
        },
    )
    owners = []
    for i in range(4):
        lead = await create_lead(api, admin, personName=f"N{i}", region="north")
        owners.append(lead["owner"]["email"])
    assert owners == [north[0], north[1], north[0], north[1]]
    event = await create_lead(api, admin, personName="E", source="EVENT")
    assert event["owner"]["email"] == email_of(world, "sales")
    # North wins over the source rule; nothing matching goes to the pool.
    both = await create_lead(api, admin, personName="B", source="EVENT", region="North")
    assert both["owner"]["email"] == north[0]
    assert (await create_lead(api, admin, personName="P", source="API"))["inPool"] is True
    # An explicit owner skips the rules.
    mine = await create_lead(
        api,
        admin,
        personName="M",
        region="North",
        ownerId=to_global_id("User", world.user_ids["sales2"]),
    )
    assert mine["owner"]["email"] == email_of(world, "sales2")
    assert (await outbox_names(world)).count("lead.assigned") == 7
    # Adding a rule in front keeps the north rule's place in the rotation (north[1] is next).
    rules = [{"source": "REFERRAL", "team": "east"}, {"region": "north", "team": "north"}]
    await mutate(api, ASSIGNMENT, "updateAssignmentRules", admin, {"rules": rules})
    next_north = await create_lead(api, admin, personName="N5", region="North")
    assert next_north["owner"]["email"] == north[1]


async def test_thirty_concurrent_leads_for_three_salespeople_give_ten_each(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    team = await add_salespeople(api, world, "rush", 3)
    await mutate(
        api,
        ASSIGNMENT,
        "updateAssignmentRules",
        admin,
        {"rules": [{"region": "Rush", "team": "rush"}]},
    )
    bodies = await asyncio.gather(
        *(
            api.data(CREATE, {"i": {"personName": f"C{i}", "region": "Rush"}}, admin)
            for i in range(30)
        )
    )
    owners = Counter(b["createLead"]["lead"]["owner"]["email"] for b in bodies)
    assert owners == {email: 10 for email in team}


# -- the pool --------------------------------------------------------------------------------


async def test_salespeople_see_their_leads_and_the_pool_managers_their_team(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    uid = world.user_ids
    await create_lead(api, admin, personName="Pooled")
    await create_lead(api, admin, personName="Sales's", ownerId=to_global_id("User", uid["sales"]))
    await create_lead(
        api, admin, personName="Sales2's", ownerId=to_global_id("User", uid["sales2"])
    )
    assert await names(api, world.token("sales")) == {"Pooled", "Sales's"}
    assert await names(api, world.token("sales2")) == {"Pooled", "Sales2's"}
    assert await names(api, world.token("manager")) == {"Pooled", "Sales's"}
    assert await names(api, world.token("viewer")) == {"Pooled", "Sales's", "Sales2's"}
    assert await names(api, world.token("sales"), {"inPool": True}) == {"Pooled"}
    assert await names(api, world.token("sales"), {"inPool": False}) == {"Sales's"}
    hidden = (await leads(api, admin, {"personName": {"eq": "Sales2's"}}))[0]["id"]
    body = await api.data(
        "query($id: ID!) { lead(id: $id) { id } node(id: $id) { id } }",
        {"id": hidden},
        world.token("sales"),
    )
    assert body == {"lead": None, "node": None}
    # Search agrees: the pool and their own leads, nobody else's.
    query = 'query($q: String!) { search(query: $q, types: ["Lead"]) { title } }'
    for text, titles in [("pooled", ["Pooled"]), ("sales", ["Sales's"])]:
        hits = (await api.data(query, {"q": text}, world.token("sales")))["search"]
        assert [h["title"] for h in hits] == titles
    # Writing someone else's lead is writing a missing lead.
    errors = await refused(
        api, UPDATE, "updateLead", world.token("sales"), {"id": hidden, "title": "x"}
    )
    assert errors[0]["code"] == "NOT_FOUND"


async def test_claiming_from_the_pool_respects_the_per_person_limit(api: Api, world: World) -> None:
    admin = world.token("admin")
    await mutate(api, SETTINGS, "updateLeadSettings", admin, {"claimLimit": 2})
    await create_lead(
        api, admin, personName="Owned", ownerId=to_global_id("User", world.user_ids["sales"])
    )
    pool = [(await create_lead(api, admin, personName=f"Pool{i}"))["id"] for i in range(3)]
    sales, sales2 = world.token("sales"), world.token("sales2")

    claimed = (await mutate(api, CLAIM, "claimLead", sales, {"id": pool[0]}))["lead"]
    assert claimed["inPool"] is False and claimed["owner"]["email"] == email_of(world, "sales")
    # Claimed: gone from the pool for the others, and not claimable twice.
    assert await names(api, sales2) == {"Pool1", "Pool2"}
    errors = await refused(api, CLAIM, "claimLead", sales2, {"id": pool[0]})
    assert errors[0]["code"] == "NOT_FOUND"
    # Still in the pool for everyone, but sales has two open leads: the limit.
    assert "Pool1" in await names(api, sales)
    errors = await refused(api, CLAIM, "claimLead", sales, {"id": pool[1]})
    assert errors[0]["code"] == "LIMIT_REACHED"
    assert (await mutate(api, CLAIM, "claimLead", sales2, {"id": pool[1]}))["lead"][
        "inPool"
    ] is False
    # Viewers read the pool and claim nothing.
    assert error_codes(await api.gql(CLAIM, {"i": {"id": pool[2]}}, world.token("viewer"))) == [
        "FORBIDDEN"
    ]
    # A manager hands a lead back to the pool.
    back = (await mutate(api, ASSIGN, "assignLead", world.token("manager"), {"id": pool[0]}))[
        "lead"
    ]
    assert back["inPool"] is True
    assert error_codes(await api.gql(ASSIGN, {"i": {"id": pool[0]}}, sales)) == ["FORBIDDEN"]


async def test_leads_without_activity_return_to_the_pool_after_the_tenants_days(
    api: Api, world: World, runtime: Runtime
) -> None:
    admin = world.token("admin")
    await mutate(api, SETTINGS, "updateLeadSettings", admin, {"returnToPoolAfterDays": 3})
    owner = to_global_id("User", world.user_ids["sales"])
    idle = await create_lead(api, admin, personName="Idle", ownerId=owner)
    converted = await create_lead(api, admin, personName="Done", ownerId=owner)
    await mutate(api, CONVERT, "convertLead", admin, {"leadId": converted["id"]})

    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    scheduler = Scheduler(runtime, clock=lambda: now)
    await scheduler.run_due()
    assert await names(api, admin, {"inPool": True}) == set()
    now = now + dt.timedelta(days=2)
    assert ("leads.return_to_pool", world.tenant.id) in await scheduler.run_due()
    assert await names(api, admin, {"inPool": True}) == {"Idle"}
    assert await names(api, world.token("sales2")) == {"Idle"}
    assert "lead.returned_to_pool" in await outbox_names(world)
    assert idle["id"]


# -- conversion ------------------------------------------------------------------------------


async def test_conversion_creates_customer_and_contact_once(api: Api, world: World) -> None:
    sales = world.token("sales")
    lead = await create_lead(
        api,
        sales,
        personName="Wang Fang",
        company="Bright Lights Ltd",
        title="CTO",
        email="wang@bright.cn",
        ownerId=to_global_id("User", world.user_ids["sales"]),
    )
    payload = await mutate(api, CONVERT, "convertLead", sales, {"leadId": lead["id"]})
    assert payload["customer"]["name"] == "Bright Lights Ltd"
    assert payload["customer"]["owner"]["email"] == email_of(world, "sales")
    assert payload["contact"]["name"] == "Wang Fang"
    assert payload["contact"]["email"] == "wang@bright.cn"
    assert payload["contact"]["customer"]["id"] == payload["customer"]["id"]
    converted = payload["lead"]
    assert converted["status"] == "CONVERTED"
    assert converted["customer"]["id"] == payload["customer"]["id"]
    assert converted["contact"]["id"] == payload["contact"]["id"]

    errors = await refused(api, CONVERT, "convertLead", sales, {"leadId": lead["id"]})
    assert errors[0]["code"] == "ALREADY_CONVERTED"
    customers = await api.data("{ customers(first: 10) { totalCount } }", token=sales)
    assert customers["customers"]["totalCount"] == 1
    assert (await outbox_names(world)).count("lead.converted") == 1

    # Into an existing customer: linked, not created.
    other = await create_lead(api, sales, personName="Second Person", company="Bright Lights Ltd")
    errors = await refused(api, CONVERT, "convertLead", sales, {"leadId": other["id"]})
    assert errors[0] == {
        "field": ["customerId"],
        "message": errors[0]["message"],
        "code": "DUPLICATE",
    }
    linked = await mutate(
        api,
        CONVERT,
        "convertLead",
        sales,
        {"leadId": other["id"], "customerId": payload["customer"]["id"]},
    )
    assert linked["customer"]["id"] == payload["customer"]["id"]
    customers = await api.data(
        "{ customers(first: 10) { totalCount edges { node { contacts { name } } } } }",
        token=sales,
    )
    assert customers["customers"]["totalCount"] == 1
    contacts = {c["name"] for c in customers["customers"]["edges"][0]["node"]["contacts"]}
    assert contacts == {"Wang Fang", "Second Person"}


async def test_without_opportunities_the_conversion_has_no_opportunity_option(
    api: Api, runtime: Runtime
) -> None:
    world = await make_world(runtime, api, plugins=["customers", "leads"])
    token = world.token("admin")
    lead = await create_lead(api, token, company="Solo")
    body = await api.gql(
        """mutation($id: ID!) { convertLead(input: {leadId: $id, createOpportunity: true}) {
             userErrors { code } } }""",
        {"id": lead["id"]},
        token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "createOpportunity" in body["errors"][0]["message"]
    type_fields = await api.data(
        """{ __type(name: "ConvertLeadInput") { inputFields { name } } }""", token=token
    )
    assert {f["name"] for f in type_fields["__type"]["inputFields"]} == {"leadId", "customerId"}
    payload = await mutate(api, CONVERT, "convertLead", token, {"leadId": lead["id"]})
    assert payload["customer"]["name"] == "Solo"


# -- public web forms ------------------------------------------------------------------------


async def make_form(api: Api, world: World) -> str:
    form = (await mutate(api, FORM, "createLeadForm", world.token("admin"), {"name": "Site"}))[
        "form"
    ]
    assert form["path"] == f"/forms/{world.slug}/{form['key']}" and form["active"]
    return form["path"]


async def test_admins_rename_switch_off_and_rekey_a_form(api: Api, world: World) -> None:
    admin = world.token("admin")
    form = (await mutate(api, FORM, "createLeadForm", admin, {"name": "Site"}))["form"]
    off = await mutate(
        api, UPDATE_FORM, "updateLeadForm", admin, {"id": form["id"], "active": False}
    )
    assert off["form"]["active"] is False
    response = await api.client.post(form["path"], json={"name": "Too late"})
    assert response.status_code == 404
    on = await mutate(
        api,
        UPDATE_FORM,
        "updateLeadForm",
        admin,
        {"id": form["id"], "active": True, "name": "Site 2", "rotateKey": True},
    )
    assert on["form"]["name"] == "Site 2" and on["form"]["path"] != form["path"]
    assert (await api.client.post(form["path"], json={"name": "Old key"})).status_code == 404
    assert (await api.client.post(on["form"]["path"], json={"name": "New key"})).status_code == 201
    assert await names(api, admin) == {"New key"}
    # Bad input and other people's forms: userErrors, nothing changed.
    errors = await refused(
        api, UPDATE_FORM, "updateLeadForm", admin, {"id": form["id"], "name": " "}
    )
    assert errors[0]["field"] == ["name"]
    errors = await refused(api, UPDATE_FORM, "updateLeadForm", admin, {"id": "999999"})
    assert errors[0]["code"] == "NOT_FOUND"
    assert error_codes(
        await api.gql(UPDATE_FORM, {"i": {"id": form["id"], "active": False}}, world.token("sales"))
    ) == ["FORBIDDEN"]


async def test_a_web_form_creates_a_scored_routed_lead(api: Api, world: World) -> None:
    admin = world.token("admin")
    path = await make_form(api, world)
    await mutate(
        api,
        ASSIGNMENT,
        "updateAssignmentRules",
        admin,
        {"rules": [{"source": "WEB_FORM", "team": "west"}]},
    )
    response = await api.client.post(
        path,
        data={
            "name": "Chen Jing",
            "company": "Sunrise",
            "email": "chen@sunrise.cn",
            "phone": "+86 755 1234",
            "message": "Please call me & send prices",
            "website": "",
        },
    )
    assert response.status_code == 201, response.text
    response = await api.client.post(path, json={"personName": "Json Person", "title": "CEO"})
    assert response.status_code == 201, response.text
    found = await api.data(
        """{ leads(first: 10, orderBy: [{field: NAME}]) { edges { node {
             personName source score description owner { email } } } } }""",
        token=admin,
    )
    assert [e["node"] for e in found["leads"]["edges"]] == [
        {
            "personName": "Chen Jing",
            "source": "WEB_FORM",
            "score": 20,
            "description": "Please call me & send prices",
            "owner": {"email": email_of(world, "sales2")},
        },
        {
            "personName": "Json Person",
            "source": "WEB_FORM",
            "score": 15,
            "description": None,
            "owner": {"email": email_of(world, "sales2")},
        },
    ]


async def test_web_form_refuses_bad_input_bots_and_floods_writing_nothing(
    api: Api, world: World
) -> None:
    path = await make_form(api, world)
    admin = world.token("admin")

    async def post(**kwargs: Any) -> tuple[int, dict]:
        response = await api.client.post(path, **kwargs)
        return response.status_code, response.json()

    status, body = await post(data={"name": "<script>alert(1)</script>", "email": "a@b.cn"})
    assert status == 400 and body["errors"][0]["field"] == "person_name"
    assert body["errors"][0]["code"] == "MARKUP"
    status, body = await post(json={"name": "", "email": "nope"})
    assert status == 400 and {e["field"] for e in body["errors"]} == {"personName", "email"}
    status, body = await post(json=["not", "an", "object"])
    assert status == 400 and body["error"]
    status, body = await post(content=b"name=x", headers={"content-type": "text/plain"})
    assert status == 415
    # The honeypot: answered like a success, stored nowhere.
    status, body = await post(data={"name": "Bot", "website": "http://spam.example"})
    assert status == 201
    assert (await post(json={"name": "X"}))[0] == 201
    status, body = await post(json={"name": "Y"})
    assert await names(api, admin) == {"X", "Y"}
    assert (
        await api.client.post(f"/forms/{world.slug}/nope", json={"name": "Z"})
    ).status_code == 404
    assert (await api.client.post("/forms/no-such-tenant/x", json={"name": "Z"})).status_code == 404

    # Ten submissions per key and address, then 429 until the bucket refills.
    remaining = forms.FORM_BURST - 7
    for i in range(remaining):
        assert (await post(json={"name": f"R{i}"}))[0] == 201
    response = await api.client.post(path, json={"name": "Flood"})
    assert response.status_code == 429 and response.headers["retry-after"]
    assert "Flood" not in await names(api, admin)


# -- isolation -------------------------------------------------------------------------------


async def test_other_tenants_leads_are_invisible_everywhere(
    api: Api, world: World, runtime: Runtime
) -> None:
    other = await make_world(runtime, api)
    lead = await create_lead(
        api, world.token("admin"), personName="Secretive Sun", company="Hidden"
    )
    token = other.token("admin")
    assert await names(api, token) == set()
    body = await api.data(
        """query($id: ID!) { lead(id: $id) { id } node(id: $id) { id }
             search(query: "secretive") { id } }""",
        {"id": lead["id"]},
        token,
    )
    assert body == {"lead": None, "node": None, "search": []}
    for mutation, key, input in [
        (UPDATE, "updateLead", {"id": lead["id"], "title": "x"}),
        (CLAIM, "claimLead", {"id": lead["id"]}),
        (CONVERT, "convertLead", {"leadId": lead["id"]}),
    ]:
        errors = await refused(api, mutation, key, token, input)
        assert errors[0]["code"] == "NOT_FOUND"
    hits = await api.data('{ search(query: "secretive") { id } }', token=world.token("admin"))
    assert hits["search"] == [{"id": lead["id"]}]


# -- CSV import ------------------------------------------------------------------------------

IMPORT = f"""mutation($i: ImportLeadsInput!) {{ importLeads(input: $i) {{
  rows created rejected {{ line field code }} {ERRORS} }} }}"""
CSV_TEXT = """Name,Firm,Mail,Kind,Labels
Ada,Analytical,ada@engine.uk,referral,math;vip
,Nameless,nobody@x.cn,,
Bob,Builders,not-an-email,,
Cy,Cyan,cy@cyan.cn,billboard,
Di,Dial,di@dial.cn,event,a|b
"""
MAPPING = [
    {"column": "Name", "field": "PERSON_NAME"},
    {"column": "Firm", "field": "COMPANY"},
    {"column": "Mail", "field": "EMAIL"},
    {"column": "Kind", "field": "SOURCE"},
    {"column": "Labels", "field": "TAGS"},
]


async def test_csv_import_is_all_or_nothing_or_skips_bad_rows_as_the_caller_chooses(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    errors = await refused(api, IMPORT, "importLeads", token, {"csv": CSV_TEXT, "mapping": MAPPING})
    assert [(e["field"], e["code"]) for e in errors] == [
        (["3", "personName"], "REQUIRED"),
        (["4", "email"], "INVALID"),
        (["5", "source"], "INVALID"),
    ]
    assert await names(api, token) == set()

    payload = await mutate(
        api,
        IMPORT,
        "importLeads",
        token,
        {"csv": CSV_TEXT, "mapping": MAPPING, "mode": "SKIP_BAD_ROWS"},
    )
    assert (payload["rows"], payload["created"]) == (5, 2)
    assert [r["line"] for r in payload["rejected"]] == [3, 4, 5]
    found = await api.data(
        "{ leads(first: 10, orderBy: [{field: NAME}]) { edges { node { personName source tags score } } } }",
        token=token,
    )
    assert [e["node"] for e in found["leads"]["edges"]] == [
        {"personName": "Ada", "source": "REFERRAL", "tags": ["math", "vip"], "score": 35},
        {"personName": "Di", "source": "EVENT", "tags": ["a", "b"], "score": 25},
    ]
    errors = await refused(
        api,
        IMPORT,
        "importLeads",
        token,
        {"csv": CSV_TEXT, "mapping": [{"column": "Nope", "field": "PERSON_NAME"}]},
    )
    assert errors[0]["field"] == ["mapping"]


async def test_csv_import_from_the_command_line_reports_progress_and_bad_rows(
    api: Api, world: World, database_url: str, tmp_path: Any
) -> None:
    import os
    import sys

    path = tmp_path / "leads.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    mapping = "Name=person_name,Firm=company,Mail=email,Kind=source,Labels=tags"

    async def run(*extra: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "plugins.leads.import_csv",
            "--tenant",
            world.slug,
            "--file",
            str(path),
            "--map",
            mapping,
            *extra,
            env={**os.environ, "TESSERA_DATABASE_URL": database_url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return process.returncode or 0, out.decode(), err.decode()

    code, out, err = await run()
    assert code == 1 and "line 4: email: Enter a valid email address." in err
    assert "nothing imported" in err
    assert await names(api, world.token("admin")) == set()
    code, out, err = await run("--skip-bad-rows")
    assert code == 0, err
    assert "imported 2/2 rows" in err
    assert "imported 2 of 5 rows, skipped 3" in out
    assert await names(api, world.token("admin")) == {"Ada", "Di"}


async def test_disqualifying_needs_a_reason_and_closes_the_lead(api: Api, world: World) -> None:
    token = world.token("sales")
    lead = await create_lead(api, token, personName="Spam Sender")
    mutation = f"""mutation($i: DisqualifyLeadInput!) {{ disqualifyLead(input: $i) {{
      lead {{ status disqualifiedReason version }} {ERRORS} }} }}"""
    errors = await refused(
        api, mutation, "disqualifyLead", token, {"id": lead["id"], "reason": " "}
    )
    assert errors[0]["field"] == ["reason"]
    payload = await mutate(
        api, mutation, "disqualifyLead", token, {"id": lead["id"], "reason": "Not a buyer"}
    )
    assert payload["lead"] == {
        "status": "DISQUALIFIED",
        "disqualifiedReason": "Not a buyer",
        "version": 2,
    }
    # A closed lead cannot be claimed, converted or disqualified again.
    assert (await refused(api, CLAIM, "claimLead", token, {"id": lead["id"]}))[0][
        "code"
    ] == "INVALID_STATUS"
    assert (await refused(api, CONVERT, "convertLead", token, {"leadId": lead["id"]}))[0][
        "code"
    ] == "INVALID_STATUS"
    assert await names(api, token, {"status": {"eq": "DISQUALIFIED"}}) == {"Spam Sender"}
    with tenant_scope(world.tenant.id):
        event = await OutboxEvent.get(name="lead.disqualified")
    assert event.payload == {"reason": "Not a buyer"} and event.actor_id == world.user_ids["sales"]


LEADS_PAGE = """query($first: Int!) { leads(first: $first) { totalCount edges { node {
  personName lastActivityAt inPool owner { email team } duplicateOf { id }
  customer { name } contact { name } } } } }"""


async def test_a_page_of_leads_costs_the_same_queries_whatever_its_size(
    api: Api, world: World
) -> None:
    from tests.support import count_queries

    token = world.token("admin")
    owners = [to_global_id("User", world.user_ids[w]) for w in ("sales", "sales2")]
    items = [
        {"personName": f"Q{i}", "email": f"q{i % 7}@x.cn", "ownerId": owners[i % 2]}
        for i in range(50)
    ]
    await mutate(api, CREATE_MANY, "createLeads", token, items)
    for lead in (await leads(api, token))[:3]:
        await mutate(api, CONVERT, "convertLead", token, {"leadId": lead["id"]})
    costs = []
    for first in (5, 50):
        with count_queries() as statements:
            data = await api.data(LEADS_PAGE, {"first": first}, token)
        assert len(data["leads"]["edges"]) == first
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


async def test_conversion_can_create_the_opportunity_in_the_same_transaction(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    lead = await create_lead(api, token, personName="Opp Person", company="Deal Co")
    mutation = f"""mutation($i: ConvertLeadInput!) {{ convertLead(input: $i) {{
      lead {{ status opportunity {{ id }} }} customer {{ name }}
      opportunity {{ __typename id }} {ERRORS} }} }}"""
    bad = {
        "leadId": lead["id"],
        "createOpportunity": True,
        "amount": {"amount": "-5", "currency": "CNY"},
    }
    errors = await refused(api, mutation, "convertLead", token, bad)
    assert errors[0]["field"][0] == "amount"
    customers = await api.data("{ customers(first: 5) { totalCount } }", token=token)
    assert customers["customers"]["totalCount"] == 0
    good = {**bad, "opportunityName": "Deal Co - first order"}
    good["amount"] = {"amount": "5000.00", "currency": "CNY"}
    payload = await mutate(api, mutation, "convertLead", token, good)
    assert payload["opportunity"]["__typename"] == "Opportunity"
    opportunity = {"id": payload["opportunity"]["id"]}
    assert payload["lead"] == {"status": "CONVERTED", "opportunity": opportunity}
    assert payload["customer"] == {"name": "Deal Co"}
    with tenant_scope(world.tenant.id):
        event = await OutboxEvent.get(name="lead.converted")
    assert event.payload["opportunityId"] is not None
