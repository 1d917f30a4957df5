"""Issue 3's whole flow through the HTTP API: a web form submits a lead, it is scored and
assigned by rule, its owner gets a first-contact task, it is converted, the opportunity moves
through three stages to won, and the timelines and stage history tell the story."""

from __future__ import annotations

from core.graphql.relay import to_global_id
from tests.support import Api, World

ERRORS = "userErrors { field code message }"


async def ok(api: Api, query: str, variables: dict, token: str, field: str) -> dict:
    payload = (await api.data(query, variables, token))[field]
    assert payload["userErrors"] == [], payload
    return payload


async def test_web_form_to_won_deal(api: Api, world: World) -> None:
    admin, sales = world.token("admin"), world.token("sales")
    sales_email = f"sales@{world.slug}.test"

    form = await ok(
        api,
        f'mutation {{ createLeadForm(input: {{name: "Website"}}) {{ form {{ path }} {ERRORS} }} }}',
        {},
        admin,
        "createLeadForm",
    )
    await ok(
        api,
        f"mutation($i: UpdateAssignmentRulesInput!) {{ updateAssignmentRules(input: $i) {{ {ERRORS} }} }}",
        {"i": {"rules": [{"source": "WEB_FORM", "team": "east"}]}},
        admin,
        "updateAssignmentRules",
    )
    submitted = await api.client.post(
        form["form"]["path"],
        data={
            "name": "Li Wei",
            "company": "Hangzhou Robotics",
            "title": "CEO",
            "email": "li@hzrobotics.cn",
            "phone": "+86 571 5550 1234",
            "message": "Need 40 arms",
            "website": "",
        },
    )
    assert submitted.status_code == 201, submitted.text

    leads = await api.data(
        "{ leads(first: 5) { edges { node { id score status owner { email } } } } }", token=sales
    )
    [lead] = [e["node"] for e in leads["leads"]["edges"]]
    assert lead["owner"] == {"email": sales_email}  # team east has one salesperson
    assert lead["score"] > 0
    tasks = await api.data(
        "query($d: TaskDue!) { myTasks(due: $d) { subject related { id } } }",
        {"d": "UPCOMING"},
        sales,
    )
    assert {"subject": "First contact", "related": {"id": lead["id"]}} in tasks["myTasks"]

    converted = await ok(
        api,
        f"""mutation($i: ConvertLeadInput!) {{ convertLead(input: $i) {{
        customer {{ id name }} contact {{ name }} opportunity {{ id }} {ERRORS} }} }}""",
        {
            "i": {
                "leadId": lead["id"],
                "createOpportunity": True,
                "opportunityName": "40 arms",
                "amount": {"amount": "480000.00", "currency": "CNY"},
            }
        },
        sales,
        "convertLead",
    )
    assert converted["customer"]["name"] == "Hangzhou Robotics"
    assert converted["contact"]["name"] == "Li Wei"
    deal = converted["opportunity"]["id"]

    stages = {
        s["name"]: s["id"]
        for s in (await api.data("{ pipelineStages { id name } }", token=sales))["pipelineStages"]
    }
    version = (
        await api.data("query($id: ID!) { opportunity(id: $id) { version } }", {"id": deal}, sales)
    )["opportunity"]["version"]
    for stage in ("Needs analysis", "Proposal", "Negotiation"):
        moved = await ok(
            api,
            f"mutation($i: MoveOpportunityInput!) {{ moveOpportunity(input: $i) {{ opportunity {{ version }} {ERRORS} }} }}",
            {"i": {"id": deal, "stage": stages[stage], "version": version}},
            sales,
            "moveOpportunity",
        )
        version = moved["opportunity"]["version"]
    won = await ok(
        api,
        f"""mutation($i: CloseOpportunityInput!) {{ closeOpportunity(input: $i) {{
        opportunity {{ status amount {{ amount }} stageHistory {{ fromStageName toStageName changedBy {{ email }} }} }}
        {ERRORS} }} }}""",
        {"i": {"id": deal, "won": True, "version": version}},
        sales,
        "closeOpportunity",
    )
    assert won["opportunity"]["status"] == "WON"
    assert [(h["fromStageName"], h["toStageName"]) for h in won["opportunity"]["stageHistory"]] == [
        (None, "Qualification"),
        ("Qualification", "Needs analysis"),
        ("Needs analysis", "Proposal"),
        ("Proposal", "Negotiation"),
        ("Negotiation", "Won"),
    ]
    assert {h["changedBy"]["email"] for h in won["opportunity"]["stageHistory"]} == {sales_email}

    lead_timeline = await api.data(
        "query($id: ID!) { lead(id: $id) { status timeline { edges { node { kind } } } } }",
        {"id": lead["id"]},
        sales,
    )
    kinds = [e["node"]["kind"] for e in lead_timeline["lead"]["timeline"]["edges"]]
    assert lead_timeline["lead"]["status"] == "CONVERTED"
    assert "lead.converted" in kinds and "lead.assigned" in kinds and "lead.created" in kinds
    assert kinds.index("lead.converted") < kinds.index("lead.created")  # newest first
    deal_timeline = await api.data(
        "query($id: ID!) { opportunity(id: $id) { timeline { edges { node { kind actor { email } } } } } }",
        {"id": deal},
        sales,
    )
    entries = [e["node"] for e in deal_timeline["opportunity"]["timeline"]["edges"]]
    assert [e["kind"] for e in entries].count("opportunity.stage_changed") >= 3
    assert entries[0]["kind"] in (
        "opportunity.won",
        "opportunity.updated",
        "opportunity.stage_changed",
    )


async def test_a_note_on_a_lead_counts_as_activity(api: Api, world: World) -> None:
    sales = world.token("sales")
    lead = await ok(
        api,
        f"mutation($i: CreateLeadInput!) {{ createLead(input: $i) {{ lead {{ id lastActivityAt }} {ERRORS} }} }}",
        {
            "i": {
                "personName": "Quiet Lead",
                "ownerId": to_global_id("User", world.user_ids["sales"]),
            }
        },
        sales,
        "createLead",
    )
    before = lead["lead"]["lastActivityAt"]
    await ok(
        api,
        f"mutation($i: CreateNoteInput!) {{ createNote(input: $i) {{ {ERRORS} }} }}",
        {"i": {"relatedId": lead["lead"]["id"], "body": "Called, no answer"}},
        sales,
        "createNote",
    )
    after = await api.data(
        "query($id: ID!) { lead(id: $id) { lastActivityAt } }", {"id": lead["lead"]["id"]}, sales
    )
    assert after["lead"]["lastActivityAt"] > before
