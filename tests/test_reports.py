"""The reports, checked against figures worked out by hand from tests/report_data.py.

The suite runs on SQLite and on PostgreSQL: the same expectations passing on both is the
proof that both databases give the same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import pytest_asyncio
from pypdf import PdfReader

from core.models import User
from core.runtime import Runtime
from core.tenancy import ALL_TENANTS, tenant_scope
from plugins.reports.scope import today
from tests.report_data import SalesData, arrange_sales
from tests.support import Api, World, error_codes, make_world, pdf_text

pytestmark = pytest.mark.asyncio(loop_scope="session")

Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


@pytest_asyncio.fixture(loop_scope="session")
async def sales(runtime: Runtime, api: Api) -> tuple[World, SalesData]:
    world = await make_world(runtime, api)
    return world, await arrange_sales(world, today())


def steps(group: dict) -> list[tuple[int, str | None, float | None]]:
    return [
        (s["count"], s["amount"]["amount"] if s["amount"] else None, s["conversionRate"])
        for s in group["steps"]
    ]


FUNNEL = """query($from: Date!, $to: Date!, $by: FunnelGroupBy!) {
  salesFunnel(from: $from, to: $to, groupBy: $by) {
    currency groups { key label steps { step count amount { amount } conversionRate } }
    total { steps { step count amount { amount } conversionRate } }
  }
}"""


async def test_funnel_by_source_follows_each_lead_to_its_deal(api: Api, sales) -> None:
    world, _ = sales
    data = await api.data(FUNNEL, {**Q1, "by": "SOURCE"}, world.token("admin"))
    funnel = data["salesFunnel"]
    assert funnel["currency"] == "CNY"
    by_source = {g["key"]: steps(g) for g in funnel["groups"]}
    assert by_source == {
        "EVENT": [
            (1, None, None),
            (0, None, 0.0),
            (0, None, None),
            (0, "0.00", None),
            (0, "0.00", None),
        ],
        "REFERRAL": [
            (2, None, None),
            (2, None, 1.0),
            (1, None, 0.5),
            (1, "2000.00", 1.0),
            (1, "2000.00", 1.0),
        ],
        "WEB": [
            (3, None, None),
            (2, None, 0.6667),
            (2, None, 1.0),
            (2, "1500.00", 1.0),
            (1, "1000.00", 0.5),
        ],
    }
    assert steps(funnel["total"]) == [
        (6, None, None),
        (4, None, 0.6667),
        (3, None, 0.75),
        (3, "3500.00", 1.0),
        (2, "3000.00", 0.6667),
    ]


async def test_funnel_by_period_and_by_owner(api: Api, sales) -> None:
    world, _ = sales
    by_month = (await api.data(FUNNEL, {**Q1, "by": "PERIOD"}, world.token("admin")))[
        "salesFunnel"
    ]["groups"]
    assert [(g["key"], g["steps"][0]["count"]) for g in by_month] == [
        ("2026-01", 2),
        ("2026-02", 3),
        ("2026-03", 1),
    ]
    by_owner = (await api.data(FUNNEL, {**Q1, "by": "OWNER"}, world.token("admin")))["salesFunnel"][
        "groups"
    ]
    assert sorted(
        (g["label"], g["steps"][0]["count"], g["steps"][4]["count"]) for g in by_owner
    ) == [
        ("Sales", 3, 1),
        ("Sales2", 2, 1),
        ("Unassigned", 1, 0),
    ]


async def test_each_role_sees_the_figures_of_its_own_records(api: Api, sales) -> None:
    world, _ = sales
    created = {}
    for who in ("admin", "manager", "sales", "sales2", "viewer"):
        data = await api.data(FUNNEL, {**Q1, "by": "SOURCE"}, world.token(who))
        created[who] = data["salesFunnel"]["total"]["steps"][0]["count"]
    # The pool lead counts only tenant-wide; the manager sees the team (sales reports to them).
    assert created == {"admin": 6, "viewer": 6, "manager": 3, "sales": 3, "sales2": 2}
    body = await api.gql(FUNNEL, {**Q1, "by": "SOURCE"}, world.token("nobody"))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_reports_never_count_another_tenants_records(api: Api, runtime, sales) -> None:
    other = await make_world(runtime, api)
    data = await api.data(FUNNEL, {**Q1, "by": "SOURCE"}, other.token("admin"))
    assert data["salesFunnel"]["groups"] == []
    assert data["salesFunnel"]["total"]["steps"][0]["count"] == 0


PIPELINE = """{ pipelineByStage { stages { name count amount { amount } weightedAmount { amount } }
  count amount { amount } weightedAmount { amount } } }"""


async def test_pipeline_by_stage_lists_every_open_stage_in_order(api: Api, sales) -> None:
    world, _ = sales
    report = (await api.data(PIPELINE, token=world.token("admin")))["pipelineByStage"]
    assert [
        (s["name"], s["count"], s["amount"]["amount"], s["weightedAmount"]["amount"])
        for s in report["stages"]
    ] == [
        ("Qualification", 0, "0.00", "0.00"),
        ("Needs analysis", 0, "0.00", "0.00"),
        ("Proposal", 1, "800.00", "400.00"),
        ("Negotiation", 1, "3000.00", "2250.00"),
    ]
    assert (report["count"], report["amount"]["amount"], report["weightedAmount"]["amount"]) == (
        2,
        "3800.00",
        "2650.00",
    )
    mine = (await api.data(PIPELINE, token=world.token("sales")))["pipelineByStage"]
    assert [s["count"] for s in mine["stages"]] == [0, 0, 0, 1]


WIN_RATE = """query($from: Date!, $to: Date!, $by: WinRateGroupBy!) {
  winRate(from: $from, to: $to, groupBy: $by) {
    rows { label won lost winRateByCount winRateByAmount wonAmount { amount }
           lostAmount { amount } averageWonDeal { amount } }
    total { won lost winRateByCount winRateByAmount wonAmount { amount } averageWonDeal { amount } }
  }
}"""


def win_rows(report: dict) -> list[tuple]:
    return [
        (
            r["label"],
            r["won"],
            r["lost"],
            r["winRateByCount"],
            r["winRateByAmount"],
            r["wonAmount"]["amount"],
            r["averageWonDeal"]["amount"] if r["averageWonDeal"] else None,
        )
        for r in report["rows"]
    ]


async def test_win_rate_by_owner_counts_and_amounts(api: Api, sales) -> None:
    world, _ = sales
    report = (await api.data(WIN_RATE, {**Q1, "by": "OWNER"}, world.token("admin")))["winRate"]
    # The manager's deal is in USD: it counts as won but adds no CNY amount.
    assert win_rows(report) == [
        ("Sales2", 1, 0, 1.0, 1.0, "2000.00", "2000.00"),
        ("Sales", 1, 1, 0.5, 0.6667, "1000.00", "1000.00"),
        ("Manager", 1, 0, 1.0, None, "0.00", None),
    ]
    total = report["total"]
    assert (total["won"], total["lost"], total["winRateByCount"], total["winRateByAmount"]) == (
        3,
        1,
        0.75,
        0.8571,
    )
    assert (total["wonAmount"]["amount"], total["averageWonDeal"]["amount"]) == (
        "3000.00",
        "1500.00",
    )


async def test_win_rate_by_team_and_by_source(api: Api, sales) -> None:
    world, _ = sales
    teams = (await api.data(WIN_RATE, {**Q1, "by": "TEAM"}, world.token("admin")))["winRate"]
    assert [(r[0], r[1], r[2]) for r in win_rows(teams)] == [("west", 1, 0), ("east", 2, 1)]
    sources = (await api.data(WIN_RATE, {**Q1, "by": "SOURCE"}, world.token("admin")))["winRate"]
    assert sorted((r[0], r[1], r[2]) for r in win_rows(sources)) == [
        ("DIRECT", 1, 0),
        ("REFERRAL", 1, 0),
        ("WEB", 1, 1),
    ]


CYCLE = """query($from: Date!, $to: Date!) { salesCycle(from: $from, to: $to) {
  rows { ownerName leadToWon { count meanDays medianDays p90Days }
         createdToClose { count meanDays medianDays p90Days } }
  total { leadToWon { count meanDays medianDays p90Days }
          createdToClose { count meanDays medianDays p90Days } } } }"""


def figures(f: dict) -> tuple:
    return (f["count"], f["meanDays"], f["medianDays"], f["p90Days"])


async def test_sales_cycle_mean_median_and_p90(api: Api, sales) -> None:
    world, _ = sales
    report = (await api.data(CYCLE, Q1, world.token("admin")))["salesCycle"]
    rows = {
        r["ownerName"]: (figures(r["leadToWon"]), figures(r["createdToClose"]))
        for r in report["rows"]
    }
    assert rows == {
        "Manager": ((0, None, None, None), (1, 14.0, 14.0, 14.0)),
        "Sales": ((1, 36.0, 36.0, 36.0), (2, 32.5, 32.5, 34.5)),
        "Sales2": ((1, 4.0, 4.0, 4.0), (1, 3.0, 3.0, 3.0)),
    }
    # Lead to won: 4 and 36 days; creation to close: 3, 14, 30 and 35 days.
    assert figures(report["total"]["leadToWon"]) == (2, 20.0, 20.0, 32.8)
    assert figures(report["total"]["createdToClose"]) == (4, 20.5, 22.0, 33.5)


FORECAST = """{ salesForecast(months: 2) { months { month closedWon { amount } commit { amount }
  bestCase { amount } pipeline { amount } weightedPipeline { amount } openDeals
  quota { amount } attainment } } }"""
SET_QUOTAS = """mutation($i: [SetSalesQuotaInput!]!) { setSalesQuotas(input: $i) {
  quotas { month amount { amount currency } } userErrors { field code } } }"""


def quota(world: World, who: str, month: dt.date | str, amount: str) -> dict:
    from core.graphql.relay import to_global_id

    month_text = month if isinstance(month, str) else f"{month:%Y-%m}"
    return {
        "userId": to_global_id("User", world.user_ids[who]),
        "month": month_text,
        "amount": {"amount": amount, "currency": "CNY"},
    }


async def test_forecast_per_month_with_quota_attainment(api: Api, sales) -> None:
    world, data = sales
    result = await api.data(
        SET_QUOTAS, {"i": [quota(world, "sales", data.this_month, "5000")]}, world.token("manager")
    )
    assert result["setSalesQuotas"]["userErrors"] == []
    months = (await api.data(FORECAST, token=world.token("admin")))["salesForecast"]["months"]
    this, following = months
    assert this["month"] == f"{data.this_month:%Y-%m}"
    assert (
        this["closedWon"]["amount"],
        this["commit"]["amount"],
        this["bestCase"]["amount"],
        this["pipeline"]["amount"],
        this["weightedPipeline"]["amount"],
        this["openDeals"],
        this["quota"]["amount"],
        this["attainment"],
    ) == ("1200.00", "3000.00", "3000.00", "3000.00", "2250.00", 1, "5000.00", 0.24)
    assert (
        following["commit"]["amount"],
        following["bestCase"]["amount"],
        following["weightedPipeline"]["amount"],
        following["quota"],
        following["attainment"],
    ) == ("0.00", "800.00", "400.00", None, None)


async def test_quotas_are_all_or_nothing_and_managers_set_their_team_only(api: Api, sales) -> None:
    world, data = sales
    result = await api.data(
        SET_QUOTAS,
        {
            "i": [
                quota(world, "sales", data.this_month, "100"),
                quota(world, "sales2", "2026-13", "1"),
            ]
        },
        world.token("manager"),
    )
    assert sorted((e["field"], e["code"]) for e in result["setSalesQuotas"]["userErrors"]) == [
        (["1", "month"], "INVALID"),
        (["1", "userId"], "FORBIDDEN"),
    ]
    quotas = await api.data("{ salesQuotas(year: 2026) { month } }", token=world.token("admin"))
    assert quotas["salesQuotas"] == []
    body = await api.gql(
        SET_QUOTAS, {"i": [quota(world, "sales", "2026-01", "1")]}, world.token("sales")
    )
    assert error_codes(body) == ["FORBIDDEN"]


LEADERBOARD = """query($from: Date!, $to: Date!) { leaderboard(from: $from, to: $to) {
  metrics { name } rows { rank name wonAmount { amount } wonCount activitiesLogged
  quota { amount } attainment } } }"""


async def test_leaderboard_ranks_won_amount_with_activities_and_quota(api: Api, sales) -> None:
    world, _ = sales
    await api.data(
        SET_QUOTAS, {"i": [quota(world, "sales", "2026-01", "1500")]}, world.token("admin")
    )
    board = (await api.data(LEADERBOARD, Q1, world.token("admin")))["leaderboard"]
    assert "activitiesLogged" in [m["name"] for m in board["metrics"]]
    top = [
        (
            r["rank"],
            r["name"],
            r["wonAmount"]["amount"],
            r["wonCount"],
            r["activitiesLogged"],
            r["quota"]["amount"] if r["quota"] else None,
            r["attainment"],
        )
        for r in board["rows"][:3]
    ]
    assert top == [
        (1, "Sales2", "2000.00", 1, 1, None, None),
        (2, "Sales", "1000.00", 1, 2, "1500.00", 0.6667),
        (3, "Manager", "0.00", 1, 0, None, None),
    ]
    team = (await api.data(LEADERBOARD, Q1, world.token("manager")))["leaderboard"]["rows"]
    assert sorted(r["name"] for r in team) == ["Manager", "Sales"]
    own = (await api.data(LEADERBOARD, Q1, world.token("sales")))["leaderboard"]["rows"]
    assert [r["name"] for r in own] == ["Sales"]


async def test_bad_arguments_are_refused_with_a_clear_error(api: Api, sales) -> None:
    world, _ = sales
    body = await api.gql(
        FUNNEL, {"from": "2026-03-01", "to": "2026-01-01", "by": "SOURCE"}, world.token("admin")
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "before its start" in body["errors"][0]["message"]
    body = await api.gql("{ salesForecast(months: 99) { currency } }", token=world.token("admin"))
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_report_appears_only_with_the_plugins_it_reads(api: Api, runtime) -> None:
    world = await make_world(runtime, api, ["customers", "opportunities", "reports"])
    body = await api.gql(FUNNEL, {**Q1, "by": "SOURCE"}, world.token("admin"))
    assert body.get("data") is None and "errors" in body
    data = await api.data(PIPELINE, token=world.token("admin"))
    assert data["pipelineByStage"]["count"] == 0
    fields = await api.data(
        '{ __type(name: "Query") { fields { name } } }', token=world.token("admin")
    )
    names = {f["name"] for f in fields["__type"]["fields"]}
    assert {"pipelineByStage", "winRate", "leaderboard"} <= names
    assert not {"salesFunnel", "orderRevenue", "renewalsDue"} & names


async def export(api: Api, world: World, who: str | None, path: str, **query: str):
    headers = {"authorization": f"Bearer {world.token(who)}"} if who else {}
    return await api.client.get(path, params=query, headers=headers)


async def test_csv_export_neutralises_formulas_in_names(api: Api, sales) -> None:
    world, _ = sales
    with tenant_scope(ALL_TENANTS):
        await User.filter(id=world.user_ids["sales2"]).update(name='=HYPERLINK("http://x","y")')
    response = await export(api, world, "admin", "/reports/winRate.csv", groupBy="OWNER", **Q1)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    # UTF-8 with a byte-order mark, so Excel does not read Chinese names as GBK.
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Owner", "Won", "Lost"]
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")' and rows[1][5] == "2000.00"
    assert rows[2][0] == "Sales" and rows[2][1:3] == ["1", "1"]
    assert rows[-1][0] == "Total" and rows[-1][1:3] == ["3", "1"]


async def test_csv_export_covers_the_callers_records_only(api: Api, sales) -> None:
    world, _ = sales
    response = await export(api, world, "sales", "/reports/winRate.csv", groupBy="OWNER", **Q1)
    labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert labels == ["Sales", "Total"]


async def test_exports_refuse_like_graphql(api: Api, sales, runtime) -> None:
    world, _ = sales
    response = await export(api, world, None, "/reports/winRate.csv", **Q1)
    assert response.status_code == 401
    response = await export(api, world, "nobody", "/reports/winRate.csv", **Q1)
    assert response.status_code == 403 and error_codes(response.json()) == ["FORBIDDEN"]
    response = await export(api, world, "admin", "/reports/winRate.csv", groupBy="COLOUR", **Q1)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "argument": "groupBy",
    }
    response = await export(api, world, "admin", "/reports/winRate.csv", to="2026-01-01")
    assert (
        response.status_code == 400
        and "from"
        in response.json()["errors"][0]["message"]
        + (response.json()["errors"][0]["extensions"]["argument"])
    )
    response = await export(api, world, "admin", "/reports/nothing.csv")
    assert response.status_code == 404
    bare = await make_world(runtime, api, ["customers", "opportunities", "reports"])
    response = await export(api, bare, "admin", "/reports/salesFunnel.csv", **Q1)
    assert response.status_code == 403 and error_codes(response.json()) == ["MODULE_DISABLED"]


async def test_pdf_export_holds_the_figures_and_its_charts(api: Api, sales) -> None:
    world, _ = sales
    response = await export(api, world, "admin", "/reports/pipelineByStage.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    assert "Pipeline by stage" in text and "Negotiation" in text
    assert re.search(r"3,?000\.00", text) and re.search(r"2,?250\.00", text)
    assert len(reader.pages) >= 1
    # The chart is an SVG image on the page, rendered by WeasyPrint (not a blank box).
    page = reader.pages[0]
    assert page["/Resources"].get("/XObject"), "the chart image is missing"
    funnel = await export(api, world, "admin", "/reports/salesFunnel.pdf", groupBy="SOURCE", **Q1)
    funnel_text = pdf_text(funnel.content)
    assert "Sales funnel" in funnel_text and "REFERRAL" in funnel_text


async def test_win_rate_by_product_reads_the_quoted_lines(api: Api, sales) -> None:
    world, _ = sales
    report = (await api.data(WIN_RATE, {**Q1, "by": "PRODUCT"}, world.token("admin")))["winRate"]
    assert [(r[0], r[1], r[2], r[5]) for r in win_rows(report)] == [
        ("Seat", 1, 1, "800.00"),
        ("Support", 1, 0, "200.00"),
    ]
    # Each quoted deal once in the total, at its own amount.
    total = report["total"]
    assert (total["won"], total["lost"], total["wonAmount"]["amount"]) == (1, 1, "1000.00")


REVENUE = """query($from: Date!, $to: Date!) { orderRevenue(from: $from, to: $to) {
  months { month orders orderedAmount { amount } collectedAmount { amount } }
  orders orderedAmount { amount } collectedAmount { amount } } }"""


async def test_order_revenue_by_month_booked_and_collected(api: Api, sales) -> None:
    world, _ = sales
    report = (await api.data(REVENUE, Q1, world.token("admin")))["orderRevenue"]
    assert [
        (m["month"], m["orders"], m["orderedAmount"]["amount"], m["collectedAmount"]["amount"])
        for m in report["months"]
    ] == [
        ("2026-01", 1, "1000.00", "0.00"),
        ("2026-02", 1, "2000.00", "0.00"),
        ("2026-03", 0, "0.00", "2000.00"),
    ]
    assert (report["orders"], report["orderedAmount"]["amount"]) == (2, "3000.00")
    mine = (await api.data(REVENUE, Q1, world.token("sales")))["orderRevenue"]
    assert [m["orders"] for m in mine["months"]] == [1, 0, 0]


async def test_contracts_due_for_renewal_per_month(api: Api, sales) -> None:
    world, data = sales
    query = """{ renewalsDue(months: 2) { months { month contracts value { amount } autoRenew }
      contracts value { amount } } }"""
    report = (await api.data(query, token=world.token("admin")))["renewalsDue"]
    assert [
        (m["month"], m["contracts"], m["value"]["amount"], m["autoRenew"]) for m in report["months"]
    ] == [
        (f"{data.this_month:%Y-%m}", 1, "1200.00", 1),
        (f"{data.next_month:%Y-%m}", 1, "3000.00", 0),
    ]
    assert (report["contracts"], report["value"]["amount"]) == (2, "4200.00")
