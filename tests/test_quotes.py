"""Quotes through the HTTP API: pricing from the catalogue, exact totals, approval of deep
discounts, sending, acceptance winning the deal, revisions, expiry, numbering under
concurrency, permissions and isolation. The arithmetic has a property-based test."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import minor_unit, round_money
from core.runtime import Runtime
from plugins.products import line_amounts as calc
from tests.support import Api, World, error_codes, make_world, pdf_text
from tests.test_customers import create_customer, mutate
from tests.test_marketplace import DISABLE

ERRORS = "userErrors { field message code }"
QUOTE_FIELDS = """id number revision displayNumber status currency validUntil title version
  subtotal { amount currency } discountTotal { amount } taxTotal { amount }
  grandTotal { amount currency } approvalRequired pdfUrl opportunityId
  approvedBy { email } customer { name }
  lines { position sku name quantity unitPrice { amount } priceSource discountPercent
          taxPercent gross { amount } discount { amount } net { amount } tax { amount }
          total { amount } }"""
CREATE = f"""mutation($i: CreateQuoteInput!) {{ createQuote(input: $i) {{
  quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($i: UpdateQuoteInput!) {{ updateQuote(input: $i) {{
  quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}"""
REVISE = f"""mutation($i: ReviseQuoteInput!) {{ reviseQuote(input: $i) {{
  quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}"""


def action(name: str, input_type: str = "QuoteActionInput") -> str:
    return f"""mutation($i: {input_type}!) {{ {name}(input: $i) {{
      quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}"""


SUBMIT = action("submitQuote")
APPROVE = action("approveQuote", "ApproveQuoteInput")
DECLINE = action("declineQuoteApproval", "QuoteReasonInput")
SEND = action("sendQuote")
ACCEPT = action("acceptQuote")
REJECT = action("rejectQuote", "QuoteReasonInput")
CREATE_PRODUCTS = f"""mutation($i: [CreateProductInput!]!) {{ createProducts(input: $i) {{
  products {{ id sku name }} {ERRORS} }} }}"""
CREATE_OPPORTUNITY = """mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) {
  opportunity { id status amount { amount currency } } userErrors { field code } } }"""
OPPORTUNITY = """query($id: ID!) { opportunity(id: $id) { status closeReason
  amount { amount currency } } }"""


def money(amount: str, currency: str = "CNY") -> dict:
    return {"amount": amount, "currency": currency}


async def catalogue(api: Api, world: World) -> dict[str, str]:
    """Three products (one with a Chinese name); SKU -> global id."""
    products = await mutate(
        api,
        CREATE_PRODUCTS,
        "createProducts",
        world.token("admin"),
        [
            {"sku": "CRM-SEAT", "name": "CRM seat, annual", "listPrice": money("1200.00")},
            {
                "sku": "ONBOARD",
                "name": "实施服务 Onboarding",
                "listPrice": money("8000.00"),
                "unit": "day",
            },
            {"sku": "SUPPORT", "name": "Premium support", "listPrice": money("333.33")},
        ],
    )
    return {p["sku"]: p["id"] for p in products["products"]}


def three_lines(products: dict[str, str]) -> list[dict[str, Any]]:
    return [
        # 12 x 1200.00 = 14400.00, 25% off = 3600.00, net 10800.00, 6% tax = 648.00
        {
            "productId": products["CRM-SEAT"],
            "quantity": "12",
            "discountPercent": "25",
            "taxPercent": "6",
        },
        # 2.5 x 8000.00 = 20000.00, 5% off = 1000.00, net 19000.00, 6% tax = 1140.00
        {
            "productId": products["ONBOARD"],
            "quantity": "2.5",
            "discountPercent": "5",
            "taxPercent": "6",
        },
        # 3 x 333.33 = 999.99, 7.5% off = 74.99925 -> 75.00, net 924.99, 13% = 120.2487 -> 120.25
        {
            "productId": products["SUPPORT"],
            "quantity": "3",
            "discountPercent": "7.5",
            "taxPercent": "13",
        },
    ]


async def create_quote(api: Api, token: str, **fields: Any) -> dict:
    return (await mutate(api, CREATE, "createQuote", token, fields))["quote"]


async def act(api: Api, mutation: str, key: str, token: str, **fields: Any) -> dict:
    return (await mutate(api, mutation, key, token, fields))["quote"]


async def refused(api: Api, mutation: str, key: str, token: str, input: Any) -> list[dict]:
    payload = (await api.data(mutation, {"i": input}, token))[key]
    assert payload["userErrors"] and payload["quote"] is None, payload
    return payload["userErrors"]


async def quote_count(api: Api, token: str) -> int:
    found = await api.data(
        "{ quotes(first: 100, filter: {includeSuperseded: true}) { edges { node { id } } } }",
        token=token,
    )
    return len(found["quotes"]["edges"])


# -- the flow ------------------------------------------------------------------------------------


async def test_a_priced_quote_needs_approval_for_a_deep_discount_and_wins_its_deal(
    api: Api, world: World
) -> None:
    sales, manager = world.token("sales"), world.token("manager")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="北京星辰科技有限公司")
    deal = (
        await mutate(
            api,
            CREATE_OPPORTUNITY,
            "createOpportunity",
            sales,
            {"name": "CRM rollout", "customerId": customer["id"], "amount": money("30000")},
        )
    )["opportunity"]
    quote = await create_quote(api, sales, opportunityId=deal["id"], lines=three_lines(products))
    year = dt.datetime.now(dt.UTC).year
    assert quote["number"].startswith(f"Q-{year}-") and quote["displayNumber"] == quote["number"]
    assert quote["customer"]["name"] == "北京星辰科技有限公司"  # from the opportunity
    assert quote["currency"] == "CNY" and quote["status"] == "DRAFT"
    assert [
        (
            line["gross"]["amount"],
            line["discount"]["amount"],
            line["tax"]["amount"],
            line["total"]["amount"],
        )
        for line in quote["lines"]
    ] == [
        ("14400.00", "3600.00", "648.00", "11448.00"),
        ("20000.00", "1000.00", "1140.00", "20140.00"),
        ("999.99", "75.00", "120.25", "1045.24"),
    ]
    assert quote["lines"][0]["priceSource"] == "LIST_PRICE"
    assert (
        quote["lines"][1]["name"] == "实施服务 Onboarding"
        and quote["lines"][1]["quantity"] == "2.5"
    )
    assert (
        quote["subtotal"]["amount"],
        quote["discountTotal"]["amount"],
        quote["taxTotal"]["amount"],
        quote["grandTotal"]["amount"],
    ) == ("35399.99", "4675.00", "1908.25", "32633.24")
    # 25% is above the default 20% threshold: a manager must approve before it is sent.
    assert quote["approvalRequired"] is True
    errors = await refused(api, SEND, "sendQuote", sales, {"id": quote["id"]})
    assert errors[0]["code"] == "APPROVAL_REQUIRED"
    pending = await act(api, SUBMIT, "submitQuote", sales, id=quote["id"])
    assert pending["status"] == "PENDING_APPROVAL"
    assert error_codes(await api.gql(APPROVE, {"i": {"id": quote["id"]}}, sales)) == ["FORBIDDEN"]
    # The PDF: customer, every line (Chinese included) and the exact totals, for those who
    # may see the quote only.
    response = await api.client.get(quote["pdfUrl"], headers={"authorization": f"Bearer {sales}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        "北京星辰科技有限公司",
        quote["number"],
        "CRM seat, annual",
        "实施服务 Onboarding",
        "Premium support",
        "35,399.99",
        "4,675.00",
        "1,908.25",
        "32,633.24",
        "11,448.00",
        "20,140.00",
        "1,045.24",
    ):
        assert expected in text, expected
    assert (await api.client.get(quote["pdfUrl"])).status_code == 401
    other = await api.client.get(
        quote["pdfUrl"], headers={"authorization": f"Bearer {world.token('sales2')}"}
    )
    assert other.status_code == 404
    approved = await act(api, APPROVE, "approveQuote", manager, id=quote["id"], comment="OK")
    assert approved["status"] == "APPROVED"
    assert approved["approvedBy"]["email"] == f"manager@{world.slug}.test"
    assert (await act(api, SEND, "sendQuote", sales, id=quote["id"]))["status"] == "SENT"
    accepted = await act(api, ACCEPT, "acceptQuote", sales, id=quote["id"])
    assert accepted["status"] == "ACCEPTED"
    won = (await api.data(OPPORTUNITY, {"id": deal["id"]}, sales))["opportunity"]
    assert won == {"status": "WON", "closeReason": "Quote accepted", "amount": money("32633.24")}
    # Accepted is final: not accepted twice, not revised, not edited.
    assert (await refused(api, ACCEPT, "acceptQuote", sales, {"id": quote["id"]}))[0][
        "code"
    ] == "INVALID_STATUS"
    assert (await refused(api, REVISE, "reviseQuote", sales, {"id": quote["id"]}))[0][
        "code"
    ] == "NOT_REVISABLE"


async def test_a_declined_approval_returns_to_draft_and_a_small_discount_sends_at_once(
    api: Api, world: World
) -> None:
    sales, manager = world.token("sales"), world.token("manager")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    deep = await create_quote(
        api, sales, customerId=customer["id"], currency="CNY", lines=three_lines(products)
    )
    await act(api, SUBMIT, "submitQuote", sales, id=deep["id"])
    errors = await refused(
        api, DECLINE, "declineQuoteApproval", manager, {"id": deep["id"], "reason": " "}
    )
    assert errors[0]["field"] == ["reason"]
    back = await act(
        api, DECLINE, "declineQuoteApproval", manager, id=deep["id"], reason="Max 15% this quarter"
    )
    assert back["status"] == "DRAFT"
    # The salesperson trims the discount; now within the threshold, sending approves it.
    lines = three_lines(products)
    lines[0]["discountPercent"] = "15"
    trimmed = (
        await mutate(
            api,
            UPDATE,
            "updateQuote",
            sales,
            {"id": deep["id"], "lines": lines, "version": back["version"]},
        )
    )["quote"]
    assert trimmed["approvalRequired"] is False
    assert trimmed["lines"][0]["discount"]["amount"] == "2160.00"
    sent = await act(api, SEND, "sendQuote", sales, id=deep["id"])
    assert sent["status"] == "SENT" and sent["approvedBy"] is None
    rejected = await act(api, REJECT, "rejectQuote", sales, id=deep["id"], reason="Too dear")
    assert rejected["status"] == "REJECTED"


async def test_revising_keeps_the_old_version_read_only(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    lines = [{"productId": products["CRM-SEAT"], "quantity": "10"}]
    first = await create_quote(api, sales, customerId=customer["id"], currency="CNY", lines=lines)
    await act(api, SEND, "sendQuote", sales, id=first["id"])
    second = (
        await mutate(
            api,
            REVISE,
            "reviseQuote",
            sales,
            {"id": first["id"], "lines": [{**lines[0], "quantity": "20"}]},
        )
    )["quote"]
    assert (second["number"], second["revision"], second["status"]) == (first["number"], 2, "DRAFT")
    assert second["displayNumber"] == f"{first['number']}-R2"
    assert second["grandTotal"]["amount"] == "24000.00"
    old = (
        await api.data(
            "query($id: ID!) { quote(id: $id) { status grandTotal { amount } "
            "revisions { revision status } } }",
            {"id": first["id"]},
            sales,
        )
    )["quote"]
    assert old["status"] == "SUPERSEDED" and old["grandTotal"]["amount"] == "12000.00"
    assert old["revisions"] == [
        {"revision": 1, "status": "SUPERSEDED"},
        {"revision": 2, "status": "DRAFT"},
    ]
    for mutation, key, extra in [
        (UPDATE, "updateQuote", {"title": "x"}),
        (REVISE, "reviseQuote", {}),
        (SEND, "sendQuote", {}),
    ]:
        errors = await refused(api, mutation, key, sales, {"id": first["id"], **extra})
        assert errors[0]["code"] in {"NOT_DRAFT", "NOT_REVISABLE", "INVALID_STATUS"}
    # Lists show the current revision only, unless asked.
    listed = await api.data("{ quotes(first: 10) { edges { node { revision } } } }", token=sales)
    assert [e["node"]["revision"] for e in listed["quotes"]["edges"]] == [2]


async def test_two_revisions_at_once_make_one_new_revision(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    lines = [{"productId": products["CRM-SEAT"], "quantity": "1"}]
    quote = await create_quote(api, sales, customerId=customer["id"], currency="CNY", lines=lines)
    await act(api, SEND, "sendQuote", sales, id=quote["id"])
    bodies = await asyncio.gather(
        *(api.gql(REVISE, {"i": {"id": quote["id"]}}, sales) for _ in range(3))
    )
    made = [b["data"]["reviseQuote"]["quote"] for b in bodies if b.get("data")]
    assert [m["revision"] for m in made if m] == [2]
    for body in bodies:  # the others are refused cleanly, never an internal error
        codes = [
            e["code"] for e in (body.get("data") or {}).get("reviseQuote", {}).get("userErrors", [])
        ] or error_codes(body)
        assert set(codes) <= {"NOT_REVISABLE", "CONFLICT"}


async def test_quotes_past_their_validity_expire_by_the_scheduled_job(
    api: Api, world: World, runtime: Runtime
) -> None:
    from core.scheduler import Scheduler

    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    valid = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    quote = await create_quote(
        api,
        sales,
        customerId=customer["id"],
        currency="CNY",
        validUntil=valid,
        lines=[{"productId": products["CRM-SEAT"], "quantity": "1"}],
    )
    await act(api, SEND, "sendQuote", sales, id=quote["id"])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    ran = await Scheduler(runtime, clock=lambda: later).run_due()
    assert ("expire_quotes", world.tenant.id) in ran
    expired = (
        await api.data("query($id: ID!) { quote(id: $id) { status } }", {"id": quote["id"]}, sales)
    )["quote"]
    assert expired["status"] == "EXPIRED"
    assert (await refused(api, ACCEPT, "acceptQuote", sales, {"id": quote["id"]}))[0][
        "code"
    ] == "INVALID_STATUS"


# -- numbering -------------------------------------------------------------------------------------


async def test_concurrent_quotes_get_consecutive_numbers_without_gaps(
    api: Api, world: World
) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    good = {
        "customerId": customer["id"],
        "currency": "CNY",
        "lines": [{"productId": products["CRM-SEAT"], "quantity": "1"}],
    }
    bad = {**good, "lines": [{"productId": products["CRM-SEAT"], "quantity": "-1"}]}

    async def one(i: int) -> dict:
        return (await api.data(CREATE, {"i": bad if i % 5 == 4 else good}, sales))["createQuote"]

    results = await asyncio.gather(*(one(i) for i in range(25)))
    numbers = sorted(int(r["quote"]["number"].rsplit("-", 1)[1]) for r in results if r["quote"])
    # Refused quotes take no number: 20 created, numbered 1..20.
    assert numbers == list(range(1, 21))


# -- bad input --------------------------------------------------------------------------------------


async def test_bad_input_names_every_field_and_writes_nothing(api: Api, world: World) -> None:
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    errors = await refused(
        api,
        CREATE,
        "createQuote",
        sales,
        {
            "customerId": customer["id"],
            "currency": "CNY",
            "validUntil": yesterday,
            "title": "x" * 201,
            "lines": [
                {"productId": products["CRM-SEAT"], "quantity": "0"},
                {"productId": products["ONBOARD"], "quantity": "1.0001", "discountPercent": "101"},
                {
                    "productId": products["SUPPORT"],
                    "quantity": "1",
                    "unitPrice": "9.999",
                    "taxPercent": "-1",
                },
                {"productId": "UHJvZHVjdDo5OTk5OTk=", "quantity": "1"},
            ],
        },
    )
    assert {(tuple(e["field"]), e["code"]) for e in errors} == {
        (("validUntil",), "INVALID"),
        (("title",), "TOO_LONG"),
        (("lines", "0", "quantity"), "OUT_OF_RANGE"),
        (("lines", "1", "quantity"), "INVALID"),
        (("lines", "1", "discountPercent"), "OUT_OF_RANGE"),
        (("lines", "2", "unitPrice"), "INVALID"),
        (("lines", "2", "taxPercent"), "OUT_OF_RANGE"),
        (("lines", "3", "productId"), "NOT_FOUND"),
    }
    # A product without a price in the currency asks for a unit price.
    errors = await refused(
        api,
        CREATE,
        "createQuote",
        sales,
        {
            "customerId": customer["id"],
            "currency": "USD",
            "lines": [{"productId": products["CRM-SEAT"], "quantity": "1"}],
        },
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["lines", "0", "productId"], "NO_PRICE")]
    for fields, code in [
        ({"lines": []}, "INVALID"),
        ({"currency": "yuan"}, "INVALID"),
        ({"currency": None}, "REQUIRED"),
        ({"customerId": None}, "REQUIRED"),
    ]:
        input = {
            "customerId": customer["id"],
            "currency": "CNY",
            "lines": [{"productId": products["CRM-SEAT"], "quantity": "1"}],
            **fields,
        }
        assert (await refused(api, CREATE, "createQuote", sales, input))[0]["code"] == code
    assert await quote_count(api, sales) == 0


# -- permissions and isolation ------------------------------------------------------------------


async def test_quotes_follow_record_scope_and_tenants_never_meet(
    api: Api, world: World, runtime: Runtime
) -> None:
    products = await catalogue(api, world)
    lines = [{"productId": products["CRM-SEAT"], "quantity": "1"}]
    for who in ("sales", "sales2"):
        customer = await create_customer(api, world.token(who), name=f"{who} customer")
        await create_quote(
            api, world.token(who), customerId=customer["id"], currency="CNY", lines=lines
        )
    seen = {
        who: await quote_count(api, world.token(who))
        for who in ("sales", "sales2", "manager", "admin", "viewer")
    }
    assert seen == {"sales": 1, "sales2": 1, "manager": 1, "admin": 2, "viewer": 2}
    assert error_codes(
        await api.gql("{ quotes { edges { node { id } } } }", token=world.token("nobody"))
    ) == ["FORBIDDEN"]
    other = await make_world(runtime, api)
    assert await quote_count(api, other.token("admin")) == 0
    # Another tenant's products cannot be quoted either.
    customer = await create_customer(api, other.token("admin"), name="Other")
    errors = await refused(
        api,
        CREATE,
        "createQuote",
        other.token("admin"),
        {"customerId": customer["id"], "currency": "CNY", "lines": lines},
    )
    assert errors[0]["code"] == "NOT_FOUND"


async def test_disabling_quotes_removes_its_schema_and_leaves_customers_working(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    await api.data(DISABLE, {"n": "quotes"}, admin)
    fields = await api.data("{ __schema { mutationType { fields { name } } } }", token=admin)
    names = {f["name"] for f in fields["__schema"]["mutationType"]["fields"]}
    assert "createQuote" not in names and "createProduct" in names
    customer_fields = await api.data(
        '{ __type(name: "Customer") { fields { name } } }', token=admin
    )
    assert "quotes" not in {f["name"] for f in customer_fields["__type"]["fields"]}
    assert (await create_customer(api, admin, name="Still fine"))["name"] == "Still fine"


# -- the arithmetic --------------------------------------------------------------------------------

currencies = st.sampled_from(["CNY", "USD", "JPY", "KWD"])
decimals = st.decimals(allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    currency=currencies,
    lines=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1e6"), places=3),
            st.decimals(min_value=Decimal(0), max_value=Decimal("1e7"), places=3),
            st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
            st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=3),
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_quote_totals_are_the_sums_of_their_rounded_lines(
    currency: str, lines: list[tuple[Decimal, Decimal, Decimal, Decimal]]
) -> None:
    amounts = []
    for quantity, price, discount, tax in lines:
        price = round_money(price, currency)
        line = calc.line_amounts(quantity, price, discount, tax, currency)
        for value in (line.gross, line.discount, line.net, line.tax, line.total):
            assert isinstance(value, Decimal)
            assert value == round_money(value, currency)  # exactly the minor unit
            assert -value.as_tuple().exponent == minor_unit(currency)
        assert line.net == line.gross - line.discount and line.total == line.net + line.tax
        assert Decimal(0) <= line.discount <= line.gross
        amounts.append(line)
    totals = calc.totals(amounts, currency)
    assert totals.grand_total == sum(line.total for line in amounts)
    assert totals.subtotal == sum(line.gross for line in amounts)
    assert totals.subtotal - totals.discount + totals.tax == totals.grand_total


SETTINGS = f"""mutation($i: UpdateQuoteSettingsInput!) {{ updateQuoteSettings(input: $i) {{
  settings {{ approvalThresholdPercent validityDays defaultTerms }} {ERRORS} }} }}"""


async def test_settings_change_the_threshold_and_refuse_bad_values(api: Api, world: World) -> None:
    admin = world.token("admin")
    read = "{ quoteSettings { approvalThresholdPercent validityDays defaultTerms } }"
    defaults = (await api.data(read, token=admin))["quoteSettings"]
    assert defaults == {"approvalThresholdPercent": "20", "validityDays": 30, "defaultTerms": None}
    payload = (
        await api.data(
            SETTINGS,
            {
                "i": {
                    "approvalThresholdPercent": "100.001",
                    "validityDays": 0,
                    "defaultTerms": "x" * 5001,
                }
            },
            admin,
        )
    )["updateQuoteSettings"]
    assert payload["settings"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {
        (("approvalThresholdPercent",), "INVALID"),
        (("validityDays",), "INVALID"),
        (("defaultTerms",), "TOO_LONG"),
    }
    assert (await api.data(read, token=admin))["quoteSettings"] == defaults
    assert error_codes(
        await api.gql(SETTINGS, {"i": {"validityDays": 10}}, world.token("manager"))
    ) == ["FORBIDDEN"]
    changed = await mutate(
        api,
        SETTINGS,
        "updateQuoteSettings",
        admin,
        {"approvalThresholdPercent": "30", "validityDays": 14, "defaultTerms": "Net 30"},
    )
    assert changed["settings"] == {
        "approvalThresholdPercent": "30",
        "validityDays": 14,
        "defaultTerms": "Net 30",
    }
    # The new threshold and defaults apply to the next quote: 25% no longer needs approval.
    sales = world.token("sales")
    products = await catalogue(api, world)
    customer = await create_customer(api, sales, name="Acme")
    quote = await create_quote(
        api, sales, customerId=customer["id"], currency="CNY", lines=three_lines(products)
    )
    assert quote["approvalRequired"] is False
    assert quote["validUntil"] == (dt.date.today() + dt.timedelta(days=14)).isoformat()
