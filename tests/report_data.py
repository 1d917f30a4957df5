"""A small fixed sales history whose report figures are worked out by hand in test_reports.

Written with the models, not the API, because reports are about dates (created, closed) that
the API stamps with today. Everything in Q1 2026 but two records outside the period; the open
deals close this month and next, for the forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.tenancy import tenant_scope
from plugins.activities.models import Activity
from plugins.contracts.models import Contract
from plugins.customers.models import Customer
from plugins.leads.models import Lead
from plugins.opportunities.models import Opportunity, PipelineStage
from plugins.opportunities.service import DEFAULT_PIPELINE
from plugins.orders.models import Order
from plugins.quotes.models import Quote, QuoteLine
from tests.support import World

UTC = dt.UTC


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def month_start(today: dt.date, later: int) -> dt.date:
    index = today.year * 12 + today.month - 1 + later
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class SalesData:
    stages: dict[str, PipelineStage]
    this_month: dt.date
    next_month: dt.date


async def _stages() -> dict[str, PipelineStage]:
    return {
        name: await PipelineStage.create(name=name, position=i, probability=p, kind=kind)
        for i, (name, p, kind) in enumerate(DEFAULT_PIPELINE, start=1)
    }


async def _deal(
    stages: dict[str, PipelineStage],
    owner: int,
    customer: Customer,
    name: str,
    amount: str,
    stage: str,
    created: str,
    closed: str | None = None,
    expected: dt.date | None = None,
    currency: str = "CNY",
    forecast: str = "PIPELINE",
    lead: Lead | None = None,
) -> Opportunity:
    row = stages[stage]
    value = Decimal(amount)
    deal = await Opportunity.create(
        name=name,
        customer=customer,
        owner_id=owner,
        amount=value,
        currency=currency,
        expected_close_date=expected or dt.date.fromisoformat(closed or "2026-03-31"),
        stage=row,
        status=row.kind,
        probability=row.probability,
        weighted_amount=value * row.probability / 100,
        forecast_category="CLOSED" if closed else forecast,
        source_lead_id=lead.id if lead else None,
        closed_date=dt.date.fromisoformat(closed) if closed else None,
        stage_entered_at=at(created),
    )
    await Opportunity.filter(id=deal.id).update(created_at=at(created))
    if lead is not None:
        await Lead.filter(id=lead.id).update(opportunity_id=deal.id, customer_id=customer.id)
    return deal


async def _lead(owner: int | None, name: str, source: str, status: str, created: str) -> Lead:
    lead = await Lead.create(
        person_name=name, source=source, status=status, owner_id=owner, last_activity_at=at(created)
    )
    await Lead.filter(id=lead.id).update(created_at=at(created))
    return lead


async def arrange_sales(world: World, today: dt.date) -> SalesData:
    """The history (people from tests.support.PEOPLE: sales reports to manager in team east,
    sales2 is alone in team west):

    leads, created in Q1 2026 unless said   source    status      deal
      L1 sales   2026-01-05                 WEB       CONVERTED   O1 1000 CNY won 2026-02-10
      L2 sales   2026-01-20                 WEB       CONVERTED   O2  500 CNY lost 2026-02-20
      L3 sales   2026-02-03                 REFERRAL  QUALIFIED
      L4 sales2  2026-02-15                 WEB       NEW
      L5 sales2  2026-02-25                 REFERRAL  CONVERTED   O3 2000 CNY won 2026-03-01
      L6 pool    2026-03-10                 EVENT     NEW
      L7 sales   2025-12-31 (outside)       WEB       NEW
    deals without a lead
      O4 sales   3000 CNY Negotiation (75%) COMMIT     closes this month
      O5 sales2   800 CNY Proposal (50%)    BEST_CASE  closes next month
      O6 manager  100 USD won 2026-03-15 (another currency)
      O7 sales2   400 CNY won 2025-12-20 (outside the period)
      O8 sales   1200 CNY won on the first of this month (created 2026-10-01)
    deals created: O1 2026-01-06, O2 2026-01-21, O3 2026-02-26, O6 2026-03-01, others 2026-03-05
    """
    u = world.user_ids
    this_month, next_month = month_start(today, 0), month_start(today, 1)
    with tenant_scope(world.tenant.id):
        stages = await _stages()
        acme = await Customer.create(name="Acme", name_key="acme", owner_id=u["sales"])
        l1 = await _lead(u["sales"], "Li Lei", "WEB", "CONVERTED", "2026-01-05")
        l2 = await _lead(u["sales"], "Han Meimei", "WEB", "CONVERTED", "2026-01-20")
        await _lead(u["sales"], "Wang Fang", "REFERRAL", "QUALIFIED", "2026-02-03")
        await _lead(u["sales2"], "Zhang Wei", "WEB", "NEW", "2026-02-15")
        l5 = await _lead(u["sales2"], "Liu Yang", "REFERRAL", "CONVERTED", "2026-02-25")
        await _lead(None, "Chen Jie", "EVENT", "NEW", "2026-03-10")
        await _lead(u["sales"], "Zhao Min", "WEB", "NEW", "2025-12-31")
        deal = _deal
        o1 = await deal(
            stages, u["sales"], acme, "O1", "1000", "Won", "2026-01-06", "2026-02-10", lead=l1
        )
        o2 = await deal(
            stages, u["sales"], acme, "O2", "500", "Lost", "2026-01-21", "2026-02-20", lead=l2
        )
        await deal(
            stages, u["sales2"], acme, "O3", "2000", "Won", "2026-02-26", "2026-03-01", lead=l5
        )
        await deal(
            stages,
            u["sales"],
            acme,
            "O4",
            "3000",
            "Negotiation",
            "2026-03-05",
            expected=this_month,
            forecast="COMMIT",
        )
        await deal(
            stages,
            u["sales2"],
            acme,
            "O5",
            "800",
            "Proposal",
            "2026-03-05",
            expected=next_month,
            forecast="BEST_CASE",
        )
        await deal(
            stages,
            u["manager"],
            acme,
            "O6",
            "100",
            "Won",
            "2026-03-01",
            "2026-03-15",
            currency="USD",
        )
        await deal(stages, u["sales2"], acme, "O7", "400", "Won", "2025-12-01", "2025-12-20")
        await deal(
            stages, u["sales"], acme, "O8", "1200", "Won", "2026-10-01", this_month.isoformat()
        )
        for kind, owner, when in (
            ("CALL", "sales", "2026-01-10"),
            ("MEETING", "sales", "2026-02-11"),
            ("NOTE", "sales2", "2026-03-02"),
            ("CALL", "sales2", "2025-11-02"),
        ):
            await Activity.create(
                kind=kind,
                subject=kind.title(),
                related_type="Customer",
                related_id=acme.id,
                owner_id=u[owner],
                created_by_id=u[owner],
                occurred_at=at(when),
            )
        await _quote(u["sales"], acme, o1, [(1, "Seat", "800"), (2, "Support", "200")])
        await _quote(u["sales"], acme, o2, [(1, "Seat", "500")])
        await _orders(u, acme)
        await _contracts(u, acme, this_month, next_month)
    return SalesData(stages=stages, this_month=this_month, next_month=next_month)


async def _quote(owner: int, customer: Customer, deal: Opportunity, lines: list) -> None:
    """Quoted products: O1 (won) Seat 800 + Support 200; O2 (lost) Seat 500."""
    quote = await Quote.create(
        number=f"Q-{deal.name}",
        title=deal.name,
        customer=customer,
        owner_id=owner,
        opportunity_id=deal.id,
        currency="CNY",
        valid_until=dt.date(2026, 12, 31),
    )
    for position, (product, name, net) in enumerate(lines, start=1):
        value = Decimal(net)
        await QuoteLine.create(
            quote=quote,
            position=position,
            product_id=product,
            sku=name.upper(),
            name=name,
            unit="pc",
            quantity=Decimal(1),
            unit_price=value,
            price_source="MANUAL",
            gross=value,
            discount=Decimal(0),
            net=value,
            tax=Decimal(0),
            total=value,
        )


async def _orders(u: dict[str, int], customer: Customer) -> None:
    """SO1 sales 1000 confirmed 2026-01-15; SO2 sales2 2000 confirmed 2026-02-01 and paid
    2026-03-05; SO3 cancelled and SO4 draft count nowhere."""
    for number, owner, status, total, confirmed, paid in (
        ("SO1", "sales", "CONFIRMED", "1000", "2026-01-15", None),
        ("SO2", "sales2", "PAID", "2000", "2026-02-01", "2026-03-05"),
        ("SO3", "sales", "CANCELLED", "500", "2026-02-10", None),
        ("SO4", "sales", "DRAFT", "700", None, None),
    ):
        await Order.create(
            number=number,
            customer=customer,
            owner_id=u[owner],
            status=status,
            currency="CNY",
            grand_total=Decimal(total),
            paid_amount=Decimal(total) if paid else Decimal(0),
            confirmed_at=at(confirmed) if confirmed else None,
            paid_at=at(paid) if paid else None,
        )


async def _contracts(
    u: dict[str, int], customer: Customer, this_month: dt.date, next_month: dt.date
) -> None:
    """K1 sales 1200 auto-renewing, ends this month; K2 sales2 3000 ends next month; K3 was
    terminated and is due for nothing."""
    for number, owner, status, value, end, auto in (
        ("K1", "sales", "ACTIVE", "1200", this_month + dt.timedelta(9), True),
        ("K2", "sales2", "ACTIVE", "3000", next_month + dt.timedelta(4), False),
        ("K3", "sales", "TERMINATED", "900", this_month + dt.timedelta(2), False),
    ):
        await Contract.create(
            number=number,
            title=number,
            customer=customer,
            owner_id=u[owner],
            status=status,
            start_date=dt.date(2026, 1, 1),
            end_date=end,
            value=Decimal(value),
            currency="CNY",
            auto_renew=auto,
        )
