"""Products and price books through the GraphQL API, and the pricing service quotes and orders
import: what a catalogue keeper and a salesperson see when they build the catalogue, find and
page through it, price it per currency, edit it concurrently, and what nobody else sees."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from core.graphql.relay import to_global_id
from core.models import OutboxEvent
from core.runtime import Runtime
from core.tenancy import ALL_TENANTS, tenant_scope
from plugins.products.models import PriceBook as PriceBookRow
from plugins.products.models import PriceBookEntry as PriceBookEntryRow
from plugins.products.models import Product as ProductRow
from plugins.products.pricing import PriceBookError, ProductPrice, unit_prices
from tests.support import Api, World, count_queries, error_codes, gid_pk, make_world

ERRORS = "userErrors { field message code }"
PRODUCT = """id sku name description unit listPrice { amount currency } active taxCategory
  version createdAt updatedAt"""
BOOK = "id name currency description isDefault version"


def _mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($i: {input_type}) {{ {name}(input: $i) {{ {selection} {ERRORS} }} }}"


CREATE_PRODUCT = _mutation("createProduct", "CreateProductInput!", f"product {{ {PRODUCT} }}")
CREATE_PRODUCTS = _mutation("createProducts", "[CreateProductInput!]!", "products { id sku }")
UPDATE_PRODUCT = _mutation("updateProduct", "UpdateProductInput!", f"product {{ {PRODUCT} }}")
CREATE_BOOK = _mutation("createPriceBook", "CreatePriceBookInput!", f"priceBook {{ {BOOK} }}")
UPDATE_BOOK = _mutation("updatePriceBook", "UpdatePriceBookInput!", f"priceBook {{ {BOOK} }}")
SET_ENTRIES = _mutation(
    "setPriceBookEntries",
    "SetPriceBookEntriesInput!",
    """priceBook { id entries(first: 100) { totalCount edges { node {
      unitPrice { amount currency } product { sku } priceBook { name } } } } }""",
)
PRODUCT_BY_ID = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT} }} }}"
PRODUCTS = """query($first: Int, $after: String, $last: Int, $before: String,
                     $filter: ProductFilter, $order: [ProductOrder!]) {
  products(first: $first, after: $after, last: $last, before: $before,
           filter: $filter, orderBy: $order) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { sku } } } }"""
BOOKS = f"""query($filter: PriceBookFilter, $order: [PriceBookOrder!]) {{
  priceBooks(first: 100, filter: $filter, orderBy: $order) {{ edges {{ node {{ {BOOK} }} }} }} }}"""
PRODUCT_PRICES = """query($ids: [ID!]!, $currency: String!, $book: ID) {
  productPrices(productIds: $ids, currency: $currency, priceBookId: $book) {
    product { sku } unitPrice { amount currency } source priceBook { name } } }"""


# -- helpers ---------------------------------------------------------------------------------


def money(amount: str, currency: str = "CNY") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


async def mutate(api: Api, mutation: str, token: str, input: Any) -> dict:
    """The payload of a mutation that must succeed without userErrors."""
    data = await api.data(mutation, {"i": input}, token)
    payload = next(iter(data.values()))
    assert payload["userErrors"] == [], payload
    return payload


async def create_product(api: Api, token: str, sku: str, **fields: Any) -> dict:
    fields.setdefault("name", f"Product {sku}")
    fields.setdefault("listPrice", money("10"))
    return (await mutate(api, CREATE_PRODUCT, token, {"sku": sku, **fields}))["product"]


async def create_book(
    api: Api, token: str, name: str, currency: str = "CNY", **fields: Any
) -> dict:
    return (await mutate(api, CREATE_BOOK, token, {"name": name, "currency": currency, **fields}))[
        "priceBook"
    ]


async def set_prices(api: Api, token: str, book: dict, prices: dict[str, dict]) -> dict:
    """Set prices (product id -> money) in a book; the book with its entries."""
    items = [{"productId": pid, "unitPrice": price} for pid, price in prices.items()]
    payload = await mutate(api, SET_ENTRIES, token, {"priceBookId": book["id"], "prices": items})
    return payload["priceBook"]


async def skus(api: Api, token: str, filter: dict | None = None, order: list | None = None) -> list:
    data = await api.data(PRODUCTS, {"first": 100, "filter": filter, "order": order}, token)
    return [e["node"]["sku"] for e in data["products"]["edges"]]


async def books(api: Api, token: str, filter: dict | None = None) -> dict[str, dict]:
    data = await api.data(BOOKS, {"filter": filter}, token)
    return {e["node"]["name"]: e["node"] for e in data["priceBooks"]["edges"]}


async def outbox_names(world: World) -> list[str]:
    with tenant_scope(world.tenant.id):
        return list(await OutboxEvent.all().order_by("id").values_list("name", flat=True))


def codes(payload: dict) -> list[tuple[tuple[str, ...], str]]:
    return sorted((tuple(e["field"]), e["code"]) for e in payload["userErrors"])


# -- create, read, update ----------------------------------------------------------------------


async def test_a_product_can_be_created_read_updated_and_retired(api: Api, world: World) -> None:
    admin = world.token("admin")
    created = await create_product(
        api,
        admin,
        "  WID-001 ",
        name="  Widget  ",
        description="A blue widget.\nShips flat.",
        listPrice=money("12.5"),
        taxCategory="STANDARD",
    )
    assert (created["sku"], created["name"]) == ("WID-001", "Widget"), "text is trimmed"
    assert created["listPrice"] == money("12.50"), "shown with the currency's decimals"
    assert (created["unit"], created["active"], created["version"]) == ("each", True, 1)
    assert (await api.data(PRODUCT_BY_ID, {"id": created["id"]}, admin))["product"] == created
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Product { sku } } }", {"id": created["id"]}, admin
    )
    assert node["node"] == {"sku": "WID-001"}

    updated = (
        await mutate(
            api,
            UPDATE_PRODUCT,
            admin,
            {"id": created["id"], "version": 1, "listPrice": money("15", "USD"), "unit": "box"},
        )
    )["product"]
    assert updated["listPrice"] == money("15.00", "USD")
    assert (updated["unit"], updated["version"]) == ("box", 2)
    assert (updated["name"], updated["taxCategory"]) == ("Widget", "STANDARD"), "others kept"
    assert updated["updatedAt"] > created["updatedAt"]

    retired = (
        await mutate(
            api, UPDATE_PRODUCT, admin, {"id": created["id"], "active": False, "description": None}
        )
    )["product"]
    assert (retired["active"], retired["description"], retired["version"]) == (False, None, 3)
    assert await skus(api, admin, {"active": {"eq": False}}) == ["WID-001"]
    assert await skus(api, admin, {"active": {"eq": True}}) == []


async def test_amounts_keep_exactly_their_currencys_decimals(api: Api, world: World) -> None:
    admin = world.token("admin")
    cases = {
        "YEN": (money("1200", "JPY"), money("1200", "JPY")),
        "DINAR": (money("1.25", "KWD"), money("1.250", "KWD")),
        "YUAN": (money("0.1"), money("0.10")),
        "BIG": (money("999999999999999.99"), money("999999999999999.99")),
        "FREE": (money("0"), money("0.00")),
    }
    for sku, (given, shown) in cases.items():
        product = await create_product(api, admin, sku, listPrice=given)
        assert product["listPrice"] == shown, sku


async def test_every_change_writes_its_event_and_a_refused_one_none(api: Api, world: World) -> None:
    admin = world.token("admin")
    product = await create_product(api, admin, "EVT-1")
    await mutate(api, UPDATE_PRODUCT, admin, {"id": product["id"], "name": "Renamed"})
    book = await create_book(api, admin, "Retail", isDefault=True)
    await set_prices(api, admin, book, {product["id"]: money("9")})
    await create_book(api, admin, "Outlet", isDefault=True)
    before = await outbox_names(world)
    refused = await api.data(
        CREATE_PRODUCT, {"i": {"sku": "evt-1", "name": "X", "listPrice": money("1")}}, admin
    )
    assert codes(refused["createProduct"]) == [(("sku",), "DUPLICATE")]
    assert await outbox_names(world) == before
    assert [n for n in before if n.startswith(("product.", "pricebook."))] == [
        "product.created",
        "product.updated",
        "pricebook.created",
        "pricebook.updated",  # its prices
        "pricebook.updated",  # Retail stops being the default ...
        "pricebook.created",  # ... as Outlet takes the role
    ]


# -- bulk create -------------------------------------------------------------------------------


async def test_bulk_create_is_all_or_nothing_and_errors_name_the_item(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    await create_product(api, admin, "TAKEN-1")
    items = [
        {"sku": "OK-1", "name": "Fine", "listPrice": money("1")},
        {"sku": " ", "name": "No SKU", "listPrice": money("1.001")},
        {"sku": "taken-1", "name": "Taken", "listPrice": money("-1")},
        {"sku": "ok-1", "name": "Twin of item 0", "listPrice": money("1")},
    ]
    payload = (await api.data(CREATE_PRODUCTS, {"i": items}, admin))["createProducts"]
    assert payload["products"] is None
    assert codes(payload) == [
        (("1", "listPrice", "amount"), "INVALID"),
        (("1", "sku"), "REQUIRED"),
        (("2", "listPrice", "amount"), "NEGATIVE"),
        (("2", "sku"), "DUPLICATE"),
        (("3", "sku"), "DUPLICATE"),
    ]
    twin = next(e for e in payload["userErrors"] if e["field"][0] == "3")
    assert "Item 0" in twin["message"]
    assert await skus(api, admin) == ["TAKEN-1"]

    good = [{"sku": f"BULK-{i}", "name": f"Bulk {i}", "listPrice": money(str(i))} for i in range(3)]
    created = (await mutate(api, CREATE_PRODUCTS, admin, good))["products"]
    assert [p["sku"] for p in created] == ["BULK-0", "BULK-1", "BULK-2"], "in the order sent"
    assert len({p["id"] for p in created}) == 3


async def test_bulk_create_costs_the_same_statements_for_5_or_50_products(
    api: Api, world: World
) -> None:
    admin = world.token("admin")

    async def statements(prefix: str, count: int) -> int:
        items = [
            {"sku": f"{prefix}-{i}", "name": f"{prefix} {i}", "listPrice": money("1")}
            for i in range(count)
        ]
        with count_queries() as sql:
            await mutate(api, CREATE_PRODUCTS, admin, items)
        return len(sql)

    assert await statements("FEW", 5) == await statements("MANY", 50)


async def test_bulk_create_takes_between_1_and_500_items(api: Api, world: World) -> None:
    admin = world.token("admin")
    for items in ([], [{"sku": f"S{i}", "name": "N", "listPrice": money("1")} for i in range(501)]):
        payload = (await api.data(CREATE_PRODUCTS, {"i": items}, admin))["createProducts"]
        assert codes(payload) == [(("input",), "TOO_MANY")]
    assert await skus(api, admin) == []


# -- SKUs ----------------------------------------------------------------------------------------


async def test_skus_are_unique_in_a_tenant_ignoring_case_and_spaces(api: Api, world: World) -> None:
    admin = world.token("admin")
    first = await create_product(api, admin, "Wid-001", name="Widget")
    payload = (
        await api.data(
            CREATE_PRODUCT,
            {"i": {"sku": " wID-001", "name": "Other", "listPrice": money("1")}},
            admin,
        )
    )["createProduct"]
    assert payload["product"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["sku"], "DUPLICATE")
    assert "Widget" in error["message"] and first["id"] in error["message"]

    second = await create_product(api, admin, "WID-002")
    clash = (await api.data(UPDATE_PRODUCT, {"i": {"id": second["id"], "sku": "WID-001"}}, admin))[
        "updateProduct"
    ]
    assert codes(clash) == [(("sku",), "DUPLICATE")]
    recased = await mutate(api, UPDATE_PRODUCT, admin, {"id": first["id"], "sku": "WID-001"})
    assert recased["product"]["sku"] == "WID-001", "a product may change the case of its own SKU"
    assert await skus(api, admin, {"sku": {"eq": "wid-001"}}) == ["WID-001"]


async def test_concurrent_creates_of_one_sku_let_exactly_one_through(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    payloads = await asyncio.gather(
        *(
            api.data(
                CREATE_PRODUCT, {"i": {"sku": sku, "name": "Race", "listPrice": money("1")}}, admin
            )
            for sku in ("RACE-1", "race-1", "Race-1", "RACE-1")
        )
    )
    outcomes = sorted(
        "created" if p["createProduct"]["product"] else p["createProduct"]["userErrors"][0]["code"]
        for p in payloads
    )
    assert outcomes == ["DUPLICATE", "DUPLICATE", "DUPLICATE", "created"]
    assert len(await skus(api, admin)) == 1


# -- finding -----------------------------------------------------------------------------------


async def catalogue(api: Api, token: str) -> None:
    """Prices chosen so that text order (100 < 9.5) differs from numeric order."""
    for sku, name, price, extra in (
        ("CAB-100", "Cable 1m", money("9.50"), {"taxCategory": "STANDARD"}),
        ("CAB-200", "Cable 2m", money("10"), {"taxCategory": "STANDARD"}),
        ("SRV-1", "Installation", money("100"), {"unit": "hour", "taxCategory": "SERVICES"}),
        ("LIC-1", "License", money("30", "USD"), {"description": "Per seat, yearly cable-free"}),
        ("OLD-1", "Old cable", money("5"), {"active": False}),
    ):
        await create_product(api, token, sku, name=name, listPrice=price, **extra)


async def test_filters_select_products_by_each_field(api: Api, world: World) -> None:
    admin = world.token("admin")
    await catalogue(api, admin)
    cases = [
        ({"sku": {"eq": "cab-100"}}, ["CAB-100"]),
        ({"sku": {"in": ["srv-1", "LIC-1"]}}, ["SRV-1", "LIC-1"]),
        ({"sku": {"contains": "ab-"}}, ["CAB-100", "CAB-200"]),
        ({"name": {"contains": "CABLE"}}, ["CAB-100", "CAB-200", "OLD-1"]),
        ({"text": "cable"}, ["CAB-100", "CAB-200", "LIC-1", "OLD-1"]),
        ({"text": "srv"}, ["SRV-1"]),
        ({"active": {"eq": False}}, ["OLD-1"]),
        ({"taxCategory": {"eq": "STANDARD"}}, ["CAB-100", "CAB-200"]),
        ({"taxCategory": {"isNull": True}}, ["LIC-1", "OLD-1"]),
        ({"unit": {"eq": "hour"}}, ["SRV-1"]),
        ({"currency": {"eq": "USD"}}, ["LIC-1"]),
        ({"listPrice": {"gte": "9.5", "lte": "30"}}, ["CAB-100", "CAB-200", "LIC-1"]),
        ({"listPrice": {"gt": "9.5", "lt": "100"}, "currency": {"eq": "CNY"}}, ["CAB-200"]),
        ({"listPrice": {"eq": "100"}}, ["SRV-1"]),
        ({"listPrice": {"ne": "100"}, "active": {"eq": True}}, ["CAB-100", "CAB-200", "LIC-1"]),
        (
            {"or": [{"sku": {"eq": "SRV-1"}}, {"unit": {"eq": "each"}, "active": {"eq": False}}]},
            ["SRV-1", "OLD-1"],
        ),
        ({"not": {"name": {"contains": "cable"}}}, ["SRV-1", "LIC-1"]),
    ]
    for filter, expected in cases:
        assert sorted(await skus(api, admin, filter)) == sorted(expected), filter


async def test_price_bounds_between_two_stored_amounts_are_exact(api: Api, world: World) -> None:
    """Prices are stored as whole thousandths; a bound between two of them still splits
    the catalogue exactly where it falls."""
    admin = world.token("admin")
    await create_product(api, admin, "LOW", listPrice=money("9.999", "KWD"))
    await create_product(api, admin, "HIGH", listPrice=money("10", "KWD"))
    between = "9.9995"
    for op, expected in (("gte", ["HIGH"]), ("gt", ["HIGH"]), ("lt", ["LOW"]), ("lte", ["LOW"])):
        assert await skus(api, admin, {"listPrice": {op: between}}) == expected, op
    assert await skus(api, admin, {"listPrice": {"eq": between}}) == []
    assert sorted(await skus(api, admin, {"listPrice": {"ne": between}})) == ["HIGH", "LOW"]
    assert await skus(api, admin, {"listPrice": {"lt": "1e400"}}) == ["HIGH", "LOW"]
    assert await skus(api, admin, {"listPrice": {"gt": "1e400"}}) == []
    body = await api.gql(PRODUCTS, {"filter": {"listPrice": {"gt": "NaN"}}}, admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_orderings_sort_numbers_as_numbers_and_skus_ignoring_case(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    await catalogue(api, admin)
    await create_product(api, admin, "aaa-1", name="Zebra", listPrice=money("1000"))
    by_price = [{"field": "LIST_PRICE"}, {"field": "SKU", "direction": "DESC"}]
    assert await skus(api, admin, order=by_price) == [
        "OLD-1",
        "CAB-100",
        "CAB-200",
        "LIC-1",
        "SRV-1",
        "aaa-1",
    ]
    assert await skus(api, admin, order=[{"field": "SKU"}]) == [
        "aaa-1",
        "CAB-100",
        "CAB-200",
        "LIC-1",
        "OLD-1",
        "SRV-1",
    ]
    assert await skus(api, admin) == ["CAB-100", "CAB-200", "SRV-1", "LIC-1", "OLD-1", "aaa-1"], (
        "by name by default"
    )


async def test_pages_walk_the_catalogue_exactly_once_both_ways(api: Api, world: World) -> None:
    admin = world.token("admin")
    await catalogue(api, admin)
    order = [{"field": "LIST_PRICE", "direction": "DESC"}]
    everything = await skus(api, admin, order=order)

    seen, after = [], None
    while True:
        page = (await api.data(PRODUCTS, {"first": 2, "after": after, "order": order}, admin))[
            "products"
        ]
        assert page["totalCount"] == 5
        seen += [e["node"]["sku"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything

    backwards, before = [], None
    while True:
        page = (await api.data(PRODUCTS, {"last": 2, "before": before, "order": order}, admin))[
            "products"
        ]
        backwards = [e["node"]["sku"] for e in page["edges"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backwards == everything
    assert error_codes(await api.gql(PRODUCTS, {"first": 101}, admin)) == ["BAD_USER_INPUT"]


async def test_search_finds_a_product_by_sku_name_and_description(api: Api, world: World) -> None:
    admin = world.token("admin")
    product = await create_product(
        api, admin, "ZX-9000", name="Quantum Router", description="Mesh networking for offices"
    )
    search = """query($q: String!) { search(query: $q, types: ["Product"]) {
      id type title node { ... on Product { sku } } } }"""
    # Products have no owner: salespeople and managers find the whole catalogue too.
    for who in ("admin", "manager", "sales", "viewer"):
        for words in ("ZX-9000", "zx 9000", "quantum", "router", "mesh"):
            hits = (await api.data(search, {"q": words}, world.token(who)))["search"]
            assert [(h["id"], h["type"], h["node"]) for h in hits] == [
                (product["id"], "Product", {"sku": "ZX-9000"})
            ], (who, words)
    await mutate(api, UPDATE_PRODUCT, admin, {"id": product["id"], "name": "Photon Switch"})
    assert (await api.data(search, {"q": "photon"}, admin))["search"][0]["title"] == "Photon Switch"
    assert (await api.data(search, {"q": "quantum"}, admin))["search"] == []


# -- price books -------------------------------------------------------------------------------


async def test_each_currency_has_at_most_one_default_book(api: Api, world: World) -> None:
    admin = world.token("admin")
    retail = await create_book(api, admin, "Retail", isDefault=True, description="Public prices")
    dollars = await create_book(api, admin, "Dollars", "USD", isDefault=True)
    partner = await create_book(api, admin, "Partner", isDefault=True)
    now = await books(api, admin)
    assert {name: b["isDefault"] for name, b in now.items()} == {
        "Retail": False,
        "Partner": True,
        "Dollars": True,
    }, "making Partner the CNY default took the role from Retail only"
    assert now["Retail"]["version"] == 2, "losing the role is a change of the book"

    back = (await mutate(api, UPDATE_BOOK, admin, {"id": retail["id"], "isDefault": True}))[
        "priceBook"
    ]
    assert (back["isDefault"], back["version"]) == (True, 3)
    defaults = await books(api, admin, {"isDefault": {"eq": True}})
    assert sorted(defaults) == ["Dollars", "Retail"]

    await mutate(api, UPDATE_BOOK, admin, {"id": retail["id"], "isDefault": False})
    assert sorted(await books(api, admin, {"isDefault": {"eq": True}})) == ["Dollars"]
    assert sorted(await books(api, admin, {"currency": {"eq": "CNY"}})) == ["Partner", "Retail"]
    assert partner["isDefault"] and dollars["isDefault"]


async def test_concurrent_default_books_of_one_currency_leave_one_default(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    payloads = await asyncio.gather(
        *(
            api.data(
                CREATE_BOOK,
                {"i": {"name": f"Book {i}", "currency": "EUR", "isDefault": True}},
                admin,
            )
            for i in range(4)
        )
    )
    assert all(p["createPriceBook"]["userErrors"] == [] for p in payloads), payloads
    assert len(await books(api, admin, {"isDefault": {"eq": True}})) == 1
    assert len(await books(api, admin)) == 4


async def test_book_names_are_unique_per_currency_ignoring_case(api: Api, world: World) -> None:
    admin = world.token("admin")
    partner = await create_book(api, admin, "Partner")
    await create_book(api, admin, "PARTNER", "USD")
    payload = (await api.data(CREATE_BOOK, {"i": {"name": " partner ", "currency": "CNY"}}, admin))[
        "createPriceBook"
    ]
    assert codes(payload) == [(("name",), "DUPLICATE")]
    other = await create_book(api, admin, "Outlet")
    clash = (await api.data(UPDATE_BOOK, {"i": {"id": other["id"], "name": "Partner"}}, admin))[
        "updatePriceBook"
    ]
    assert codes(clash) == [(("name",), "DUPLICATE")]
    await mutate(api, UPDATE_BOOK, admin, {"id": partner["id"], "name": "partner"})


async def test_a_book_sets_replaces_and_removes_prices_in_its_currency(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    cable = await create_product(api, admin, "CAB-1")
    router = await create_product(api, admin, "RTR-1")
    book = await create_book(api, admin, "Partner")
    priced = await set_prices(
        api, admin, book, {cable["id"]: money("8"), router["id"]: money("80.5")}
    )
    assert [
        (e["node"]["product"]["sku"], e["node"]["unitPrice"], e["node"]["priceBook"]["name"])
        for e in priced["entries"]["edges"]
    ] == [("CAB-1", money("8.00"), "Partner"), ("RTR-1", money("80.50"), "Partner")]

    changed = (
        await mutate(
            api,
            SET_ENTRIES,
            admin,
            {
                "priceBookId": book["id"],
                "prices": [{"productId": cable["id"], "unitPrice": money("7.5")}],
                "removeProductIds": [router["id"]],
            },
        )
    )["priceBook"]
    assert [
        (e["node"]["product"]["sku"], e["node"]["unitPrice"]) for e in changed["entries"]["edges"]
    ] == [("CAB-1", money("7.50"))]
    prices = await api.data(
        "query($id: ID!) { product(id: $id) { prices { unitPrice { amount } priceBook { name } } } }",
        {"id": cable["id"]},
        admin,
    )
    assert prices["product"]["prices"] == [
        {"unitPrice": {"amount": "7.50"}, "priceBook": {"name": "Partner"}}
    ]
    entries = await api.data(
        """query($id: ID!, $f: PriceBookEntryFilter) { priceBook(id: $id) {
             entries(filter: $f) { totalCount } } }""",
        {"id": book["id"], "f": {"unitPrice": {"lt": "7.5"}}},
        admin,
    )
    assert entries["priceBook"]["entries"]["totalCount"] == 0

    mismatch = (
        await api.data(
            SET_ENTRIES,
            {
                "i": {
                    "priceBookId": book["id"],
                    "prices": [{"productId": router["id"], "unitPrice": money("5", "USD")}],
                }
            },
            admin,
        )
    )["setPriceBookEntries"]
    assert codes(mismatch) == [(("prices", "0", "unitPrice", "currency"), "CURRENCY_MISMATCH")]


# -- pricing service ---------------------------------------------------------------------------


async def test_unit_prices_come_from_the_book_then_the_default_then_the_list_price(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    cable = await create_product(api, admin, "CAB", listPrice=money("100"), taxCategory="STD")
    router = await create_product(api, admin, "RTR", listPrice=money("200"), unit="box")
    license = await create_product(api, admin, "LIC", listPrice=money("30", "USD"))
    retired = await create_product(api, admin, "OLD", listPrice=money("5"), active=False)
    default = await create_book(api, admin, "Retail", isDefault=True)
    special = await create_book(api, admin, "Special")
    await set_prices(api, admin, default, {router["id"]: money("180"), retired["id"]: money("1")})
    await set_prices(api, admin, special, {cable["id"]: money("90")})
    ids = {p["sku"]: gid_pk(p["id"]) for p in (cable, router, license, retired)}
    default_pk, special_pk = gid_pk(default["id"]), gid_pk(special["id"])

    with tenant_scope(world.tenant.id):
        plain = await unit_prices(ids.values(), "CNY")
        with_book = await unit_prices(ids.values(), "CNY", special_pk)
        dollars = await unit_prices(ids.values(), "USD")
        assert await unit_prices([], "CNY") == {}
    assert plain == {
        ids["CAB"]: ProductPrice(
            product_id=ids["CAB"],
            sku="CAB",
            name="Product CAB",
            unit="each",
            amount=Decimal("100.00"),
            currency="CNY",
            tax_category="STD",
            source="LIST_PRICE",
            price_book_id=None,
        ),
        ids["RTR"]: ProductPrice(
            product_id=ids["RTR"],
            sku="RTR",
            name="Product RTR",
            unit="box",
            amount=Decimal("180.00"),
            currency="CNY",
            tax_category=None,
            source="PRICE_BOOK",
            price_book_id=default_pk,
        ),
    }, "the license has no CNY price; the retired product is not priced"
    assert {pk: (p.amount, p.price_book_id) for pk, p in with_book.items()} == {
        ids["CAB"]: (Decimal("90.00"), special_pk),
        ids["RTR"]: (Decimal("180.00"), default_pk),
    }, "a product missing from the book asked for falls back to the default book"
    assert {pk: (p.amount, p.source) for pk, p in dollars.items()} == {
        ids["LIC"]: (Decimal("30.00"), "LIST_PRICE")
    }
    assert str(plain[ids["CAB"]].amount) == "100.00"

    with tenant_scope(world.tenant.id):
        with pytest.raises(PriceBookError) as mismatch:
            await unit_prices(ids.values(), "USD", special_pk)
        with pytest.raises(PriceBookError) as missing:
            await unit_prices(ids.values(), "CNY", 10**9)
    assert (mismatch.value.code, missing.value.code) == ("CURRENCY_MISMATCH", "NOT_FOUND")

    # The same answer over GraphQL, in the order asked.
    asked = [license["id"], router["id"], cable["id"], retired["id"]]
    data = await api.data(
        PRODUCT_PRICES,
        {"ids": asked, "currency": "CNY", "book": special["id"]},
        world.token("sales"),
    )
    assert data["productPrices"] == [
        {
            "product": {"sku": "RTR"},
            "unitPrice": money("180.00"),
            "source": "PRICE_BOOK",
            "priceBook": {"name": "Retail"},
        },
        {
            "product": {"sku": "CAB"},
            "unitPrice": money("90.00"),
            "source": "PRICE_BOOK",
            "priceBook": {"name": "Special"},
        },
    ]
    body = await api.gql(
        PRODUCT_PRICES, {"ids": asked, "currency": "USD", "book": special["id"]}, admin
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


# -- who may do what -----------------------------------------------------------------------------


async def test_sales_and_viewers_read_the_catalogue_but_cannot_change_it(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    product = await create_product(api, admin, "CAB-1")
    book = await create_book(api, admin, "Retail")
    writes = [
        (CREATE_PRODUCT, {"sku": "NEW", "name": "New", "listPrice": money("1")}),
        (CREATE_PRODUCTS, [{"sku": "NEW", "name": "New", "listPrice": money("1")}]),
        (UPDATE_PRODUCT, {"id": product["id"], "name": "Hijacked"}),
        (CREATE_BOOK, {"name": "Mine", "currency": "CNY"}),
        (UPDATE_BOOK, {"id": book["id"], "isDefault": True}),
        (
            SET_ENTRIES,
            {
                "priceBookId": book["id"],
                "prices": [{"productId": product["id"], "unitPrice": money("1")}],
            },
        ),
    ]
    events = await outbox_names(world)
    for who in ("sales", "viewer"):
        token = world.token(who)
        assert await skus(api, token) == ["CAB-1"]
        assert list(await books(api, token)) == ["Retail"]
        for mutation, input in writes:
            body = await api.gql(mutation, {"i": input}, token)
            assert error_codes(body) == ["FORBIDDEN"], (who, body)
    assert await outbox_names(world) == events

    manager = world.token("manager")
    await mutate(api, UPDATE_PRODUCT, manager, {"id": product["id"], "name": "Cable"})
    await set_prices(api, manager, book, {product["id"]: money("3")})


async def test_another_tenant_can_neither_see_nor_reference_the_catalogue(
    runtime: Runtime, api: Api, world: World
) -> None:
    mine = world.token("admin")
    other = await make_world(runtime, api)
    theirs = other.token("admin")
    product = await create_product(api, theirs, "SECRET-1", name="Secret Widget")
    book = await create_book(api, theirs, "Secret Book", isDefault=True)
    await set_prices(api, theirs, book, {product["id"]: money("1")})

    assert await skus(api, mine) == []
    assert await books(api, mine) == {}
    for gid in (product["id"], book["id"]):
        found = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, mine)
        assert found == {"node": None}
    assert (await api.data(PRODUCT_BY_ID, {"id": product["id"]}, mine))["product"] is None
    hits = await api.data('{ search(query: "secret") { id } }', token=mine)
    assert hits["search"] == []

    own_book = await create_book(api, mine, "Mine")
    refused = [
        (UPDATE_PRODUCT, {"id": product["id"], "name": "Hijacked"}, ("id",)),
        (UPDATE_BOOK, {"id": book["id"], "name": "Hijacked"}, ("id",)),
        (
            SET_ENTRIES,
            {"priceBookId": book["id"], "removeProductIds": [product["id"]]},
            ("priceBookId",),
        ),
        (
            SET_ENTRIES,
            {
                "priceBookId": own_book["id"],
                "prices": [{"productId": product["id"], "unitPrice": money("1")}],
            },
            ("prices", "0", "productId"),
        ),
    ]
    for mutation, input, path in refused:
        payload = next(iter((await api.data(mutation, {"i": input}, mine)).values()))
        assert (path, "NOT_FOUND") in codes(payload), payload
    prices = await api.gql(
        PRODUCT_PRICES, {"ids": [product["id"]], "currency": "CNY", "book": book["id"]}, mine
    )
    assert error_codes(prices) == ["NOT_FOUND"]
    with tenant_scope(world.tenant.id):
        assert await unit_prices([gid_pk(product["id"])], "CNY") == {}

    # The same SKU is free in this tenant, and theirs is untouched.
    await create_product(api, mine, "secret-1")
    still = (await api.data(PRODUCT_BY_ID, {"id": product["id"]}, theirs))["product"]
    assert (still["name"], still["version"]) == ("Secret Widget", 1)


# -- optimistic locking ------------------------------------------------------------------------


async def test_an_update_from_a_stale_version_conflicts_and_changes_nothing(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    product = await create_product(api, admin, "CAB-1", name="Cable")
    await mutate(
        api, UPDATE_PRODUCT, admin, {"id": product["id"], "version": 1, "name": "Cable 1m"}
    )
    events = await outbox_names(world)
    body = await api.gql(
        UPDATE_PRODUCT, {"i": {"id": product["id"], "version": 1, "name": "Cable 2m"}}, admin
    )
    assert error_codes(body) == ["CONFLICT"]
    now = (await api.data(PRODUCT_BY_ID, {"id": product["id"]}, admin))["product"]
    assert (now["name"], now["version"]) == ("Cable 1m", 2)
    assert await outbox_names(world) == events

    retail = await create_book(api, admin, "Retail", isDefault=True)
    outlet = await create_book(api, admin, "Outlet")
    await mutate(
        api, UPDATE_BOOK, admin, {"id": outlet["id"], "version": 1, "description": "Clearance"}
    )
    body = await api.gql(
        UPDATE_BOOK, {"i": {"id": outlet["id"], "version": 1, "isDefault": True}}, admin
    )
    assert error_codes(body) == ["CONFLICT"]
    assert (await books(api, admin))["Retail"]["isDefault"], "the refused update took no role away"
    assert retail["isDefault"]


async def test_of_two_simultaneous_updates_from_one_version_exactly_one_wins(
    api: Api, world: World
) -> None:
    admin = world.token("admin")
    product = await create_product(api, admin, "CAB-1")
    bodies = await asyncio.gather(
        *(
            api.gql(UPDATE_PRODUCT, {"i": {"id": product["id"], "version": 1, "name": name}}, admin)
            for name in ("Left", "Right")
        )
    )
    winners = [b["data"]["updateProduct"]["product"] for b in bodies if "errors" not in b]
    assert len(winners) == 1, bodies
    assert sorted(code for b in bodies for code in error_codes(b)) == ["CONFLICT"]
    now = (await api.data(PRODUCT_BY_ID, {"id": product["id"]}, admin))["product"]
    assert (now["name"], now["version"]) == (winners[0]["name"], 2)


# -- bad input -----------------------------------------------------------------------------------


@dataclass
class Shelf:
    """A tenant with a product, a second one, and a CNY price book pricing the first."""

    world: World
    product: str
    other_product: str
    book: str


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def shelf(runtime: Runtime, api: Api) -> Shelf:
    """Shared by every case: a case that writes anything fails on the state check."""
    world = await make_world(runtime, api)
    admin = world.token("admin")
    product = await create_product(api, admin, "CAB-1", name="Cable")
    other = await create_product(api, admin, "RTR-1", name="Router")
    book = await create_book(api, admin, "Retail", isDefault=True)
    await set_prices(api, admin, book, {product["id"]: money("9")})
    return Shelf(world, product["id"], other["id"], book["id"])


MISSING_PRODUCT = to_global_id("Product", 10**9)
MISSING_BOOK = to_global_id("PriceBook", 10**9)


def new(**fields: Any) -> dict[str, Any]:
    return {"sku": "NEW-1", "name": "New", "listPrice": money("1"), **fields}


def price(product: str, amount: str = "1", currency: str = "CNY") -> dict[str, Any]:
    return {"productId": product, "unitPrice": money(amount, currency)}


@dataclass(frozen=True)
class Case:
    mutation: str
    input: Callable[[Shelf], Any]
    errors: list[tuple[tuple[str, ...], str]]

    @property
    def field(self) -> str:
        """The mutation field the document calls."""
        found = re.search(r"\{\s*(\w+)\(", self.mutation)
        assert found is not None
        return found.group(1)


CASES: dict[str, Case] = {
    "createProduct blank sku, name and unit": Case(
        CREATE_PRODUCT,
        lambda s: new(sku=" ", name="", unit="  "),
        [(("sku",), "REQUIRED"), (("name",), "REQUIRED"), (("unit",), "REQUIRED")],
    ),
    "createProduct texts too long": Case(
        CREATE_PRODUCT,
        lambda s: new(
            sku="S" * 65,
            name="N" * 201,
            unit="U" * 21,
            description="D" * 4001,
            taxCategory="T" * 51,
        ),
        [
            (("sku",), "TOO_LONG"),
            (("name",), "TOO_LONG"),
            (("unit",), "TOO_LONG"),
            (("description",), "TOO_LONG"),
            (("taxCategory",), "TOO_LONG"),
        ],
    ),
    "createProduct line break in sku": Case(
        CREATE_PRODUCT, lambda s: new(sku="AB\n12"), [(("sku",), "INVALID")]
    ),
    "createProduct control character in name": Case(
        CREATE_PRODUCT, lambda s: new(name="Cable\x00"), [(("name",), "INVALID")]
    ),
    "createProduct duplicate sku": Case(
        CREATE_PRODUCT, lambda s: new(sku="cab-1"), [(("sku",), "DUPLICATE")]
    ),
    "createProduct lower-case currency": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("1", "usd")),
        [(("listPrice", "currency"), "INVALID")],
    ),
    "createProduct negative price": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("-0.01")),
        [(("listPrice", "amount"), "NEGATIVE")],
    ),
    "createProduct cents on yen": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("100.5", "JPY")),
        [(("listPrice", "amount"), "INVALID")],
    ),
    "createProduct tenths of a cent": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("1.005", "USD")),
        [(("listPrice", "amount"), "INVALID")],
    ),
    "createProduct price of 10^15": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("1000000000000000")),
        [(("listPrice", "amount"), "INVALID")],
    ),
    "createProduct price that is no number": Case(
        CREATE_PRODUCT,
        lambda s: new(listPrice=money("Infinity")),
        [(("listPrice", "amount"), "INVALID")],
    ),
    "createProducts one bad item": Case(
        CREATE_PRODUCTS,
        lambda s: [new(), new(sku="NEW-2", listPrice=money("1", "JPYEN"))],
        [(("1", "listPrice", "currency"), "INVALID")],
    ),
    "createProducts duplicate within the batch": Case(
        CREATE_PRODUCTS, lambda s: [new(), new(sku=" new-1")], [(("1", "sku"), "DUPLICATE")]
    ),
    "updateProduct unknown id": Case(
        UPDATE_PRODUCT, lambda s: {"id": MISSING_PRODUCT, "name": "X"}, [(("id",), "NOT_FOUND")]
    ),
    "updateProduct id of another type": Case(
        UPDATE_PRODUCT, lambda s: {"id": s.book, "name": "X"}, [(("id",), "NOT_FOUND")]
    ),
    "updateProduct nulls where a value is required": Case(
        UPDATE_PRODUCT,
        lambda s: {
            "id": s.product,
            "sku": None,
            "name": None,
            "unit": None,
            "listPrice": None,
            "active": None,
        },
        [
            (("sku",), "REQUIRED"),
            (("name",), "REQUIRED"),
            (("unit",), "REQUIRED"),
            (("listPrice",), "REQUIRED"),
            (("active",), "REQUIRED"),
        ],
    ),
    "updateProduct another product's sku": Case(
        UPDATE_PRODUCT,
        lambda s: {"id": s.other_product, "sku": "CAB-1 "},
        [(("sku",), "DUPLICATE")],
    ),
    "updateProduct bad price": Case(
        UPDATE_PRODUCT,
        lambda s: {"id": s.product, "name": "Renamed", "listPrice": money("-1", "EU")},
        [(("listPrice", "amount"), "NEGATIVE"), (("listPrice", "currency"), "INVALID")],
    ),
    "createPriceBook blank name and bad currency": Case(
        CREATE_BOOK,
        lambda s: {"name": " ", "currency": "Yuan", "isDefault": True},
        [(("name",), "REQUIRED"), (("currency",), "INVALID")],
    ),
    "createPriceBook texts too long": Case(
        CREATE_BOOK,
        lambda s: {"name": "N" * 101, "currency": "CNY", "description": "D" * 501},
        [(("name",), "TOO_LONG"), (("description",), "TOO_LONG")],
    ),
    "createPriceBook taken name": Case(
        CREATE_BOOK,
        lambda s: {"name": "RETAIL", "currency": "CNY", "isDefault": True},
        [(("name",), "DUPLICATE")],
    ),
    "updatePriceBook unknown id": Case(
        UPDATE_BOOK, lambda s: {"id": MISSING_BOOK, "name": "X"}, [(("id",), "NOT_FOUND")]
    ),
    "updatePriceBook null name and default": Case(
        UPDATE_BOOK,
        lambda s: {"id": s.book, "name": None, "isDefault": None},
        [(("name",), "REQUIRED"), (("isDefault",), "REQUIRED")],
    ),
    "setPriceBookEntries nothing to do": Case(
        SET_ENTRIES, lambda s: {"priceBookId": s.book}, [(("prices",), "REQUIRED")]
    ),
    "setPriceBookEntries 501 prices": Case(
        SET_ENTRIES,
        lambda s: {"priceBookId": s.book, "prices": [price(s.product)] * 501},
        [(("input",), "TOO_MANY")],
    ),
    "setPriceBookEntries unknown book": Case(
        SET_ENTRIES,
        lambda s: {"priceBookId": MISSING_BOOK, "prices": [price(s.product)]},
        [(("priceBookId",), "NOT_FOUND")],
    ),
    "setPriceBookEntries bad items": Case(
        SET_ENTRIES,
        lambda s: {
            "priceBookId": s.book,
            "prices": [
                price(s.other_product, "5"),
                price(MISSING_PRODUCT),
                price(s.product, "5", "USD"),
                price(s.product, "5.001"),
                price(s.other_product, "6"),
            ],
            "removeProductIds": [s.other_product, MISSING_PRODUCT],
        },
        [
            (("prices", "1", "productId"), "NOT_FOUND"),
            (("prices", "2", "unitPrice", "currency"), "CURRENCY_MISMATCH"),
            (("prices", "3", "productId"), "DUPLICATE"),
            (("prices", "3", "unitPrice", "amount"), "INVALID"),
            (("prices", "4", "productId"), "DUPLICATE"),
            (("removeProductIds", "0"), "INVALID"),
            (("removeProductIds", "1"), "NOT_FOUND"),
        ],
    ),
}


async def shelf_state(world: World) -> dict[str, Any]:
    """Every row bad input could touch: the tenant's catalogue and events, all tenants' counts."""
    with tenant_scope(ALL_TENANTS):
        counts = [await m.all().count() for m in (ProductRow, PriceBookRow, PriceBookEntryRow)]
    with tenant_scope(world.tenant.id):
        return {
            "counts": counts,
            "products": await ProductRow.all()
            .order_by("id")
            .values_list("sku", "name", "unit", "list_price", "currency", "active", "version"),
            "books": await PriceBookRow.all()
            .order_by("id")
            .values_list("name", "default_for", "version"),
            "entries": await PriceBookEntryRow.all()
            .order_by("id")
            .values_list("product_id", "unit_price"),
            "events": await OutboxEvent.all().count(),
        }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_bad_input_answers_with_user_errors_and_writes_nothing(
    api: Api, shelf: Shelf, case: Case
) -> None:
    before = await shelf_state(shelf.world)
    body = await api.gql(case.mutation, {"i": case.input(shelf)}, shelf.world.token("admin"))
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    result = next(key for key in payload if key != "userErrors")
    assert payload[result] is None
    assert all(e["message"].strip() for e in payload["userErrors"]), payload
    assert codes(payload) == sorted(case.errors)
    assert await shelf_state(shelf.world) == before


async def test_every_products_mutation_has_bad_input_cases(runtime: Runtime) -> None:
    owned = {
        name
        for (type_name, name), owner in runtime.schemas.field_owner.items()
        if type_name == "Mutation" and owner == "products"
    }
    assert owned == {case.field for case in CASES.values()}
