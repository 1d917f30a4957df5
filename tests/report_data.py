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
from plugins.customers.models import Customer
from plugins.leads.models import Lead
from plugins.opportunities.models import Opportunity, PipelineStage
from plugins.opportunities.service import DEFAULT_PIPELINE
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
        await deal(
            stages, u["sales"], acme, "O1", "1000", "Won", "2026-01-06", "2026-02-10", lead=l1
        )
        await deal(
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
    return SalesData(stages=stages, this_month=this_month, next_month=next_month)
