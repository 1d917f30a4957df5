"""The back half of the sales process end to end through the HTTP API (issue 4's acceptance):
opportunity -> quote with three lines, a discount and tax -> approval required and given ->
the PDF shows customer, lines (Chinese too) and exact totals -> accepted -> deal won ->
order with identical totals -> contract from the order -> 30 days before its end, one
renewal reminder and one task for the owner."""

from __future__ import annotations

import asyncio
import datetime as dt

from core.models import OutboxEvent
from core.runtime import Runtime
from core.scheduler import Scheduler
from core.tenancy import tenant_scope
from tests.support import Api, World, pdf_text
from tests.test_customers import create_customer, mutate
from tests.test_orders import FROM_QUOTE
from tests.test_quotes import (
    ACCEPT,
    APPROVE,
    CREATE_OPPORTUNITY,
    OPPORTUNITY,
    SEND,
    SUBMIT,
    act,
    catalogue,
    create_quote,
    money,
    three_lines,
)

CREATE_CONTRACT = """mutation($i: CreateContractInput!) { createContract(input: $i) {
  contract { id number status value { amount currency } owner { email } customer { name } }
  userErrors { field code message } } }"""
ACTIVATE = """mutation($i: ActivateContractInput!) { activateContract(input: $i) {
  contract { id status } userErrors { field code message } } }"""
TASKS = """{ tasks(first: 50) { edges { node { subject dueDate owner { email }
  related { id } } } } }"""


async def test_opportunity_to_renewal_reminder(api: Api, world: World, runtime: Runtime) -> None:
    sales, manager = world.token("sales"), world.token("manager")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="深圳前海贸易有限公司")
    deal = (
        await mutate(
            api,
            CREATE_OPPORTUNITY,
            "createOpportunity",
            sales,
            {"name": "Platform deal", "customerId": customer["id"], "amount": money("30000")},
        )
    )["opportunity"]

    quote = await create_quote(api, sales, opportunityId=deal["id"], lines=three_lines(products))
    assert quote["approvalRequired"] is True
    assert (await act(api, SUBMIT, "submitQuote", sales, id=quote["id"]))[
        "status"
    ] == "PENDING_APPROVAL"
    await act(api, APPROVE, "approveQuote", manager, id=quote["id"])

    pdf = await api.client.get(quote["pdfUrl"], headers={"authorization": f"Bearer {sales}"})
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.content).split())
    for expected in (
        "深圳前海贸易有限公司",
        "CRM seat, annual",
        "实施服务 Onboarding",
        "Premium support",
        "35,399.99",
        "4,675.00",
        "1,908.25",
        "32,633.24",
    ):
        assert expected in text, expected

    await act(api, SEND, "sendQuote", sales, id=quote["id"])
    await act(api, ACCEPT, "acceptQuote", sales, id=quote["id"])
    won = (await api.data(OPPORTUNITY, {"id": deal["id"]}, sales))["opportunity"]
    assert (won["status"], won["amount"]) == ("WON", money("32633.24"))

    order = (
        await mutate(api, FROM_QUOTE, "createOrderFromQuote", sales, {"quoteId": quote["id"]})
    )["order"]
    assert order["grandTotal"]["amount"] == "32633.24" and order["subtotal"]["amount"] == (
        "35399.99"
    )

    start = dt.date.today()
    end = start + dt.timedelta(days=365)
    contract = (
        await mutate(
            api,
            CREATE_CONTRACT,
            "createContract",
            sales,
            {"orderId": order["id"], "startDate": start.isoformat(), "endDate": end.isoformat()},
        )
    )["contract"]
    assert contract["value"] == money("32633.24")
    assert contract["customer"]["name"] == "深圳前海贸易有限公司"
    await mutate(api, ACTIVATE, "activateContract", sales, {"id": contract["id"]})

    # Thirty days before the end, the hourly jobs run (twice, and in two workers at once):
    # one reminder event, one task for the owner.
    moment = dt.datetime.combine(end - dt.timedelta(days=30), dt.time(9), dt.UTC)
    workers = [Scheduler(runtime, clock=lambda: moment) for _ in range(2)]
    await asyncio.gather(*(w.run_due() for w in workers))
    later = moment + dt.timedelta(hours=2)
    await Scheduler(runtime, clock=lambda: later).run_due()
    with tenant_scope(world.tenant.id):
        reminders = await OutboxEvent.filter(name="contract.renewal_due").count()
    assert reminders == 1
    tasks = [e["node"] for e in (await api.data(TASKS, token=sales))["tasks"]["edges"]]
    renewal = [t for t in tasks if t["related"] and t["related"]["id"] == contract["id"]]
    assert len(renewal) == 1
    assert renewal[0]["owner"]["email"] == f"sales@{world.slug}.test"
    assert contract["number"] in renewal[0]["subject"]
