"""Orders through the HTTP API: exact copies of accepted quotes (once per quote), direct
orders, the status workflow and its events, payments, permissions and isolation."""

from __future__ import annotations

import asyncio
from typing import Any

from core.models import OutboxEvent
from core.runtime import Runtime
from core.tenancy import tenant_scope
from tests.support import Api, World, error_codes, make_world
from tests.test_customers import create_customer, mutate
from tests.test_marketplace import DISABLE
from tests.test_quotes import ACCEPT, SEND, act, catalogue, create_quote, money, three_lines

ERRORS = "userErrors { field message code }"
ORDER_FIELDS = """id number status paymentStatus paidAmount { amount } currency
  subtotal { amount } discountTotal { amount } taxTotal { amount } grandTotal { amount }
  sourceQuoteNumber customer { name } deliveryDate cancelReason version
  lines { position sku name quantity unitPrice { amount } discountPercent taxPercent
          gross { amount } discount { amount } net { amount } tax { amount } total { amount } }"""


def order_mutation(name: str, input_type: str) -> str:
    return f"""mutation($i: {input_type}!) {{ {name}(input: $i) {{
      order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""


FROM_QUOTE = order_mutation("createOrderFromQuote", "CreateOrderFromQuoteInput")
CREATE = order_mutation("createOrder", "CreateOrderInput")
STATUS = order_mutation("updateOrderStatus", "UpdateOrderStatusInput")
PAY = order_mutation("recordOrderPayment", "RecordOrderPaymentInput")
QUOTE = """query($id: ID!) { quote(id: $id) { subtotal { amount } discountTotal { amount }
  taxTotal { amount } grandTotal { amount } lines { position sku name quantity
  unitPrice { amount } discountPercent taxPercent gross { amount } discount { amount }
  net { amount } tax { amount } total { amount } } } }"""


async def accepted_quote(api: Api, world: World) -> dict:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    lines = three_lines(products)
    for line in lines:
        line["discountPercent"] = "10"  # within the approval threshold
    quote = await create_quote(api, sales, customerId=customer["id"], currency="CNY", lines=lines)
    await act(api, SEND, "sendQuote", sales, id=quote["id"])
    return await act(api, ACCEPT, "acceptQuote", sales, id=quote["id"])


async def refused(api: Api, mutation: str, key: str, token: str, input: Any) -> list[dict]:
    payload = (await api.data(mutation, {"i": input}, token))[key]
    assert payload["userErrors"] and payload["order"] is None, payload
    return payload["userErrors"]


async def order_count(api: Api, token: str) -> int:
    found = await api.data("{ orders(first: 100) { edges { node { id } } } }", token=token)
    return len(found["orders"]["edges"])


async def test_an_order_copies_an_accepted_quote_exactly_and_only_once(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    quote = await accepted_quote(api, world)
    order = (
        await mutate(
            api,
            FROM_QUOTE,
            "createOrderFromQuote",
            sales,
            {"quoteId": quote["id"], "deliveryDate": "2027-03-01"},
        )
    )["order"]
    assert order["number"].startswith("SO-") and order["status"] == "DRAFT"
    assert order["sourceQuoteNumber"] == quote["number"]
    source = (await api.data(QUOTE, {"id": quote["id"]}, sales))["quote"]
    for key in ("subtotal", "discountTotal", "taxTotal", "grandTotal", "lines"):
        assert order[key] == source[key], key
    errors = await refused(api, FROM_QUOTE, "createOrderFromQuote", sales, {"quoteId": quote["id"]})
    assert errors[0]["code"] == "ALREADY_ORDERED" and order["number"] in errors[0]["message"]
    assert await order_count(api, sales) == 1


async def test_two_orders_of_one_quote_at_once_make_one_order(api: Api, world: World) -> None:
    sales = world.token("sales")
    quote = await accepted_quote(api, world)
    results = await asyncio.gather(
        *(api.data(FROM_QUOTE, {"i": {"quoteId": quote["id"]}}, sales) for _ in range(4))
    )
    made = [r["createOrderFromQuote"]["order"] for r in results]
    assert sum(1 for m in made if m) == 1
    assert await order_count(api, sales) == 1


async def test_only_an_accepted_quote_becomes_an_order(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    draft = await create_quote(
        api,
        sales,
        customerId=customer["id"],
        currency="CNY",
        lines=[{"productId": products["CRM-SEAT"], "quantity": "1"}],
    )
    errors = await refused(api, FROM_QUOTE, "createOrderFromQuote", sales, {"quoteId": draft["id"]})
    assert errors[0]["code"] == "NOT_ACCEPTED"
    errors = await refused(api, FROM_QUOTE, "createOrderFromQuote", sales, {"quoteId": "nope"})
    assert errors[0]["code"] == "NOT_FOUND"


async def test_the_workflow_moves_one_step_at_a_time_with_an_event_each(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Direct Ltd")
    order = (
        await mutate(
            api,
            CREATE,
            "createOrder",
            sales,
            {
                "customerId": customer["id"],
                "currency": "CNY",
                "lines": [{"productId": products["CRM-SEAT"], "quantity": "2", "taxPercent": "6"}],
            },
        )
    )["order"]
    assert order["grandTotal"]["amount"] == "2544.00" and order["sourceQuoteNumber"] is None
    errors = await refused(
        api, STATUS, "updateOrderStatus", sales, {"id": order["id"], "status": "INVOICED"}
    )
    assert errors[0]["code"] == "INVALID_TRANSITION" and "CONFIRMED" in errors[0]["message"]
    for status in ("CONFIRMED", "FULFILLED", "INVOICED"):
        moved = await mutate(
            api, STATUS, "updateOrderStatus", sales, {"id": order["id"], "status": status}
        )
        assert moved["order"]["status"] == status
    errors = await refused(
        api,
        STATUS,
        "updateOrderStatus",
        sales,
        {"id": order["id"], "status": "CANCELLED", "reason": "late"},
    )
    assert errors[0]["code"] == "INVALID_TRANSITION"
    # Payments: part, then the rest; covering an invoiced order makes it PAID.
    part = (
        await mutate(
            api, PAY, "recordOrderPayment", sales, {"id": order["id"], "amount": money("1000.00")}
        )
    )["order"]
    assert (part["paymentStatus"], part["status"]) == ("PARTIALLY_PAID", "INVOICED")
    errors = await refused(
        api, PAY, "recordOrderPayment", sales, {"id": order["id"], "amount": money("2000.00")}
    )
    assert errors[0]["code"] == "OVERPAYMENT"
    errors = await refused(
        api,
        PAY,
        "recordOrderPayment",
        sales,
        {"id": order["id"], "amount": money("1544.00", "USD")},
    )
    assert errors[0]["code"] == "CURRENCY_MISMATCH"
    paid = (
        await mutate(
            api, PAY, "recordOrderPayment", sales, {"id": order["id"], "amount": money("1544.00")}
        )
    )["order"]
    assert (paid["paymentStatus"], paid["status"], paid["paidAmount"]["amount"]) == (
        "PAID",
        "PAID",
        "2544.00",
    )
    closed = await mutate(
        api, STATUS, "updateOrderStatus", sales, {"id": order["id"], "status": "CLOSED"}
    )
    assert closed["order"]["status"] == "CLOSED"
    with tenant_scope(world.tenant.id):
        names = (
            await OutboxEvent.filter(record_type="Order")
            .order_by("id")
            .values_list("name", flat=True)
        )
    assert [n for n in names if n != "order.payment_recorded"] == [
        "order.created",
        "order.confirmed",
        "order.fulfilled",
        "order.invoiced",
        "order.paid",
        "order.closed",
    ]


async def test_cancelling_needs_a_reason_and_an_early_status(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Direct Ltd")
    order = (
        await mutate(
            api,
            CREATE,
            "createOrder",
            sales,
            {
                "customerId": customer["id"],
                "currency": "CNY",
                "lines": [{"productId": products["SUPPORT"], "quantity": "1"}],
            },
        )
    )["order"]
    errors = await refused(
        api, STATUS, "updateOrderStatus", sales, {"id": order["id"], "status": "CANCELLED"}
    )
    assert errors[0]["field"] == ["reason"]
    cancelled = (
        await mutate(
            api,
            STATUS,
            "updateOrderStatus",
            sales,
            {"id": order["id"], "status": "CANCELLED", "reason": "Customer changed plans"},
        )
    )["order"]
    assert (cancelled["status"], cancelled["cancelReason"]) == (
        "CANCELLED",
        "Customer changed plans",
    )
    errors = await refused(
        api, STATUS, "updateOrderStatus", sales, {"id": order["id"], "status": "CONFIRMED"}
    )
    assert errors[0]["code"] == "INVALID_TRANSITION"


async def test_bad_direct_orders_write_nothing(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Direct Ltd")
    errors = await refused(
        api,
        CREATE,
        "createOrder",
        sales,
        {
            "customerId": "bogus",
            "currency": "CNY",
            "notes": "x" * 5001,
            "lines": [{"productId": products["SUPPORT"], "quantity": "-2"}],
        },
    )
    assert {(tuple(e["field"]), e["code"]) for e in errors} == {
        (("customerId",), "NOT_FOUND"),
        (("notes",), "TOO_LONG"),
        (("lines", "0", "quantity"), "OUT_OF_RANGE"),
    }
    errors = await refused(
        api,
        CREATE,
        "createOrder",
        sales,
        {
            "customerId": customer["id"],
            "currency": "cny",
            "lines": [{"productId": products["SUPPORT"], "quantity": "1"}],
        },
    )
    assert errors[0]["field"] == ["currency"]
    assert await order_count(api, sales) == 0


async def test_orders_follow_record_scope_and_tenants_never_meet(
    api: Api, world: World, runtime: Runtime
) -> None:
    products = await catalogue(api, world)
    for who in ("sales", "sales2"):
        customer = await create_customer(api, world.token(who), name=f"{who} customer")
        await mutate(
            api,
            CREATE,
            "createOrder",
            world.token(who),
            {
                "customerId": customer["id"],
                "currency": "CNY",
                "lines": [{"productId": products["SUPPORT"], "quantity": "1"}],
            },
        )
    seen = {
        who: await order_count(api, world.token(who))
        for who in ("sales", "sales2", "manager", "admin", "viewer")
    }
    assert seen == {"sales": 1, "sales2": 1, "manager": 1, "admin": 2, "viewer": 2}
    assert error_codes(
        await api.gql(STATUS, {"i": {"id": "x", "status": "CONFIRMED"}}, world.token("viewer"))
    ) == ["FORBIDDEN"]
    other = await make_world(runtime, api)
    assert await order_count(api, other.token("admin")) == 0


async def test_without_quotes_orders_still_work_directly(api: Api, world: World) -> None:
    admin = world.token("admin")
    direct = "mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { grandTotal { amount } } userErrors { code } } }"
    await api.data(DISABLE, {"n": "quotes"}, admin)
    schema = await api.data("{ __schema { mutationType { fields { name } } } }", token=admin)
    names = {f["name"] for f in schema["__schema"]["mutationType"]["fields"]}
    assert "createOrder" in names and "createOrderFromQuote" not in names
    assert "createQuote" not in names
    products = await catalogue(api, world)
    customer = await create_customer(api, admin, name="Direct Ltd")
    order = (
        await mutate(
            api,
            direct,
            "createOrder",
            admin,
            {
                "customerId": customer["id"],
                "currency": "CNY",
                "lines": [{"productId": products["SUPPORT"], "quantity": "3"}],
            },
        )
    )["order"]
    assert order["grandTotal"]["amount"] == "999.99"
    # The quote link is the quotes plugin's: gone from Order with it.
    fields = await api.data('{ __type(name: "Order") { fields { name } } }', token=admin)
    assert "sourceQuoteNumber" not in {f["name"] for f in fields["__type"]["fields"]}


UPDATE = order_mutation("updateOrder", "UpdateOrderInput")


async def test_order_details_change_until_the_order_is_closed_or_cancelled(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Direct Ltd")
    order = (
        await mutate(
            api,
            CREATE,
            "createOrder",
            sales,
            {
                "customerId": customer["id"],
                "currency": "CNY",
                "lines": [{"productId": products["SUPPORT"], "quantity": "1"}],
            },
        )
    )["order"]
    errors = await refused(
        api, UPDATE, "updateOrder", sales, {"id": order["id"], "notes": "x" * 5001}
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["notes"], "TOO_LONG")]
    changed = (
        await mutate(
            api,
            UPDATE,
            "updateOrder",
            sales,
            {"id": order["id"], "deliveryDate": "2027-05-01", "version": order["version"]},
        )
    )["order"]
    assert changed["deliveryDate"] == "2027-05-01" and changed["version"] == order["version"] + 1
    stale = await api.gql(
        UPDATE, {"i": {"id": order["id"], "notes": "late", "version": order["version"]}}, sales
    )
    assert error_codes(stale) == ["CONFLICT"]
    await mutate(
        api,
        STATUS,
        "updateOrderStatus",
        sales,
        {"id": order["id"], "status": "CANCELLED", "reason": "No budget"},
    )
    errors = await refused(api, UPDATE, "updateOrder", sales, {"id": order["id"], "notes": "x"})
    assert errors[0]["code"] == "INVALID_STATUS"
