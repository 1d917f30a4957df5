"""Activities: tasks, notes, logged calls, timelines and automatic follow-ups."""

from __future__ import annotations

import datetime as dt

from core.events import DomainEvent
from core.runtime import Runtime
from plugins.activities.rules import first_contact_task, next_working_day
from tests.support import Api, World, error_codes

CUSTOMER = "mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } } }"
TASK = """mutation($i: CreateTaskInput!) { createTask(input: $i) {
  activity { id kind subject dueDate status owner { email } related { id } } userErrors { field code } } }"""
NOTE = """mutation($i: CreateNoteInput!) { createNote(input: $i) {
  activity { id kind subject } userErrors { field code } } }"""
LOG = """mutation($i: LogActivityInput!) { logActivity(input: $i) {
  activity { id kind durationMinutes } userErrors { field code } } }"""
COMPLETE = """mutation($i: CompleteTaskInput!) { completeTask(input: $i) {
  activity { status completedAt version } userErrors { field code } } }"""
TIMELINE = """query($id: ID!, $first: Int, $after: String) { customer(id: $id) {
  timeline(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind title actor { email } data } } } } }"""


async def customer(api: Api, token: str, name: str) -> str:
    return (await api.data(CUSTOMER, {"n": name}, token))["createCustomer"]["customer"]["id"]


async def test_tasks_notes_and_calls_attach_to_a_record(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer(api, token, "Acme Tasks")
    due = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    task = (
        await api.data(
            TASK, {"i": {"subject": "Send brochure", "relatedId": acme, "dueDate": due}}, token
        )
    )["createTask"]
    assert task["userErrors"] == []
    assert task["activity"]["owner"]["email"] == f"sales@{world.slug}.test"
    assert task["activity"]["related"] == {"id": acme}
    note = await api.data(
        NOTE, {"i": {"relatedId": acme, "body": "Prefers email.\nCall after 3pm."}}, token
    )
    assert note["createNote"]["activity"] == {
        "id": note["createNote"]["activity"]["id"],
        "kind": "NOTE",
        "subject": "Prefers email.",
    }
    call = await api.data(
        LOG,
        {"i": {"kind": "CALL", "relatedId": acme, "subject": "Intro call", "durationMinutes": 15}},
        token,
    )
    assert call["logActivity"]["activity"]["durationMinutes"] == 15

    done = await api.data(COMPLETE, {"i": {"id": task["activity"]["id"], "version": 1}}, token)
    assert done["completeTask"]["activity"]["status"] == "DONE"
    again = await api.data(COMPLETE, {"i": {"id": task["activity"]["id"]}}, token)
    assert again["completeTask"]["userErrors"] == [{"field": ["id"], "code": "ALREADY_DONE"}]


async def test_timeline_is_newest_first_and_pages_without_gaps(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer(api, token, "Acme Timeline")
    for i in range(5):
        await api.data(NOTE, {"i": {"relatedId": acme, "body": f"Note {i}"}}, token)
    await api.data(
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }",
        {"i": {"id": acme, "industry": "Robotics"}},
        token,
    )
    seen, after = [], None
    while True:
        page = (await api.data(TIMELINE, {"id": acme, "first": 3, "after": after}, token))[
            "customer"
        ]["timeline"]
        seen += [(e["node"]["kind"], e["node"]["title"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == 7 == len(seen)
    assert seen[0] == ("customer.updated", "Customer updated")
    assert seen[1:6] == [("NOTE", f"Note {i}") for i in (4, 3, 2, 1, 0)]
    assert seen[6] == ("customer.created", "Customer created")


async def test_my_tasks_overdue_today_and_upcoming(api: Api, world: World) -> None:
    token = world.token("sales")
    acme = await customer(api, token, "Acme Due")
    today = dt.date.today()
    for subject, day in (
        ("late", today - dt.timedelta(days=1)),
        ("now", today),
        ("soon", today + dt.timedelta(days=3)),
    ):
        await api.data(
            TASK, {"i": {"subject": subject, "relatedId": acme, "dueDate": day.isoformat()}}, token
        )
    for due, subject in (("OVERDUE", "late"), ("TODAY", "now"), ("UPCOMING", "soon")):
        mine = await api.data(
            "query($d: TaskDue!) { myTasks(due: $d) { subject } }", {"d": due}, token
        )
        assert mine["myTasks"] == [{"subject": subject}]
    # Tasks are someone's own: a colleague in another team does not see them.
    other = await api.data("{ tasks(first: 50) { totalCount } }", token=world.token("sales2"))
    assert other["tasks"]["totalCount"] == 0


async def test_bad_input_writes_nothing(api: Api, world: World) -> None:
    token = world.token("sales")
    foreign = await customer(api, world.token("sales2"), "Not yours")
    cases = [
        (TASK, {"subject": "", "relatedId": foreign}, [["subject"], ["relatedId"]]),
        (NOTE, {"relatedId": "nonsense", "body": " "}, [["body"], ["relatedId"]]),
        (
            LOG,
            {"kind": "CALL", "relatedId": foreign, "subject": "x", "durationMinutes": -5},
            [["durationMinutes"]],
        ),
    ]
    for query, values, fields in cases:
        body = await api.data(query, {"i": values}, token)
        payload = next(iter(body.values()))
        assert payload["activity"] is None
        assert sorted(e["field"] for e in payload["userErrors"]) == sorted(fields)
    assert (await api.data("{ tasks { totalCount } }", token=world.token("admin")))["tasks"][
        "totalCount"
    ] == 0


async def test_viewers_read_but_do_not_write(api: Api, world: World) -> None:
    acme = await customer(api, world.token("admin"), "Acme View")
    body = await api.gql(NOTE, {"i": {"relatedId": acme, "body": "hi"}}, world.token("viewer"))
    assert error_codes(body) == ["FORBIDDEN"]


def test_next_working_day_skips_the_weekend() -> None:
    friday = dt.date(2026, 11, 27)
    assert next_working_day(friday) == dt.date(2026, 11, 30)
    assert next_working_day(dt.date(2026, 11, 24)) == dt.date(2026, 11, 25)


async def test_a_lead_assignment_gives_the_owner_a_first_contact_task(
    api: Api, world: World, runtime: Runtime
) -> None:
    owner = world.user_ids["sales"]
    event = DomainEvent(
        name="lead.assigned",
        plugin="leads",
        tenant_id=world.tenant.id,
        actor_id=world.user_ids["admin"],
        record_type="Lead",
        record_id=4242,
        payload={"ownerId": owner},
    )
    await first_contact_task(runtime, event)
    await first_contact_task(runtime, event)  # the same assignment twice: one task
    tasks = await api.data(
        "{ tasks(first: 10) { edges { node { subject dueDate priority } } } }",
        token=world.token("sales"),
    )
    assert [e["node"] for e in tasks["tasks"]["edges"]] == [
        {
            "subject": "First contact",
            "priority": "HIGH",
            "dueDate": next_working_day(dt.datetime.now(dt.UTC).date()).isoformat(),
        }
    ]


async def test_quiet_opportunities_get_a_follow_up_task_once(
    api: Api, world: World, runtime: Runtime
) -> None:
    from core.scheduler import Scheduler

    token = world.token("sales")
    acme = await customer(api, token, "Acme Quiet")
    await api.data(
        "mutation($i: UpdateActivitySettingsInput!) { updateActivitySettings(input: $i) { userErrors { code } } }",
        {"i": {"staleOpportunityDays": 10}},
        world.token("admin"),
    )
    deal = await api.data(
        "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } } }",
        {"i": {"name": "Quiet deal", "customerId": acme}},
        token,
    )
    deal_id = deal["createOpportunity"]["opportunity"]["id"]
    now = dt.datetime.now(dt.UTC)
    later = {"now": now + dt.timedelta(days=5)}
    scheduler = Scheduler(runtime, clock=lambda: later["now"])

    async def follow_ups() -> list[dict]:
        tasks = await api.data(
            "{ tasks(first: 20) { edges { node { subject related { id } } } } }", token=token
        )
        return [
            e["node"]
            for e in tasks["tasks"]["edges"]
            if e["node"]["subject"].startswith("Follow up")
        ]

    await scheduler.run_due()
    assert await follow_ups() == []  # 5 quiet days: not yet
    later["now"] = now + dt.timedelta(days=11)
    await scheduler.run_due()
    assert await follow_ups() == [
        {"subject": "Follow up: no activity for 10 days", "related": {"id": deal_id}}
    ]
    later["now"] = now + dt.timedelta(days=12)
    await scheduler.run_due()
    assert len(await follow_ups()) == 1  # the same quiet spell never gives a second task


async def test_timelines_on_leads_and_opportunities_show_other_plugins_events(
    api: Api, world: World
) -> None:
    token = world.token("sales")
    acme = await customer(api, token, "Acme Stages")
    deal = await api.data(
        "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id version } } }",
        {"i": {"name": "Staged deal", "customerId": acme}},
        token,
    )
    gid = deal["createOpportunity"]["opportunity"]["id"]
    await api.data(NOTE, {"i": {"relatedId": gid, "body": "Budget approved"}}, token)
    timeline = await api.data(
        "query($id: ID!) { opportunity(id: $id) { timeline { edges { node { kind title actor { email } } } } } }",
        {"id": gid},
        token,
    )
    kinds = [e["node"]["kind"] for e in timeline["opportunity"]["timeline"]["edges"]]
    assert kinds[0] == "NOTE" and "opportunity.created" in kinds
    assert all(
        e["node"]["actor"]["email"] == f"sales@{world.slug}.test"
        for e in timeline["opportunity"]["timeline"]["edges"]
    )
