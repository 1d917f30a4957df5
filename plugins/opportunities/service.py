"""Rules of the opportunities plugin: the pipeline, checks on input, writing stage changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core import validation as v
from core.events import CREATED, UnitOfWork
from core.graphql.context import RequestContext
from core.graphql.money import MoneyInput, exact_money_errors
from core.graphql.payloads import UserError, UserInputError, user_error
from core.graphql.relay import from_global_id, to_global_id
from core.money import round_money
from plugins.customers.service import owner_id_for, visible_contact, visible_customer
from plugins.opportunities import models
from plugins.opportunities.models import LOST, OPEN, WON

PLUGIN = "opportunities"
MAX_BULK = 500  # items per bulk call (API.md)
DEFAULT_CLOSE_DAYS = 90

DEFAULT_PIPELINE = (
    ("Qualification", 10, OPEN),
    ("Needs analysis", 25, OPEN),
    ("Proposal", 50, OPEN),
    ("Negotiation", 75, OPEN),
    ("Won", 100, WON),
    ("Lost", 0, LOST),
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def stages(ctx: RequestContext) -> list[models.PipelineStage]:
    """The tenant's pipeline in order, created from the default on first use."""
    rows = list(await models.PipelineStage.all().order_by("position", "id"))
    if rows:
        return rows
    async with ctx.write() as work:
        await work.lock("opportunities.pipeline")
        if not await models.PipelineStage.exists():
            await models.PipelineStage.bulk_create(
                [
                    models.PipelineStage(name=name, position=i, probability=p, kind=kind)
                    for i, (name, p, kind) in enumerate(DEFAULT_PIPELINE, start=1)
                ]
            )
    return list(await models.PipelineStage.all().order_by("position", "id"))


def stage_by_gid(
    pipeline: list[models.PipelineStage], gid: str | None
) -> models.PipelineStage | None:
    parsed = from_global_id(str(gid)) if gid else None
    if parsed is None or parsed[0] != "PipelineStage":
        return None
    return next((s for s in pipeline if s.id == parsed[1]), None)


def weighted(amount: Decimal, probability: int, currency: str | None) -> Decimal:
    if currency is None:  # no amount, so nothing to weigh
        return Decimal(0)
    return round_money(amount * probability / 100, currency)


def set_amount(row: models.Opportunity, amount: MoneyInput | None) -> None:
    row.amount = Decimal(0) if amount is None else amount.amount
    row.currency = None if amount is None else amount.currency
    row.weighted_amount = weighted(row.amount, row.probability, row.currency)


def set_probability(row: models.Opportunity, stage: models.PipelineStage) -> None:
    """The effective probability: won and lost stages decide it, otherwise the override."""
    if stage.kind != OPEN or row.probability_override is None:
        row.probability = stage.probability
    else:
        row.probability = row.probability_override
    row.weighted_amount = weighted(row.amount, row.probability, row.currency)


def probability_errors(value: int | None, path: list[str]) -> list[UserError]:
    if value is not None and not 0 <= value <= 100:
        return [user_error(path, "Use a probability from 0 to 100.", "OUT_OF_RANGE")]
    return []


def amount_errors(value: MoneyInput | None, path: list[str]) -> list[UserError]:
    return exact_money_errors(value, path)


async def customer_and_contacts(
    ctx: RequestContext,
    customer_gid: str | None,
    contact_gids: list[str] | None,
    path: list[str],
    current_customer_id: int | None = None,
) -> tuple[int | None, list[int] | None, list[UserError]]:
    """The customer (visible to the caller) and contacts (visible, of that customer)."""
    errors: list[UserError] = []
    customer_id = current_customer_id
    if customer_gid is not None or current_customer_id is None:
        customer = await visible_customer(ctx, customer_gid)
        if customer is None:
            return None, None, [user_error([*path, "customerId"], "No such customer.", "NOT_FOUND")]
        customer_id = customer.id
    if contact_gids is None:
        return customer_id, None, errors
    contact_ids: list[int] = []
    for i, gid in enumerate(contact_gids):
        contact = await visible_contact(ctx, gid)
        field = [*path, "contactIds", str(i)]
        if contact is None:
            errors.append(user_error(field, "No such contact.", "NOT_FOUND"))
        elif contact.customer_id != customer_id:
            errors.append(user_error(field, "This contact works for another customer.", "INVALID"))
        elif contact.id not in contact_ids:
            contact_ids.append(contact.id)
    return customer_id, contact_ids, errors


async def set_contacts(opportunity_id: int, contact_ids: list[int]) -> None:
    await models.OpportunityContact.filter(opportunity_id=opportunity_id).delete()
    await add_contacts([(opportunity_id, contact_ids)])


async def add_contacts(links: list[tuple[int, list[int]]]) -> None:
    rows = [
        models.OpportunityContact(opportunity_id=opportunity_id, contact_id=contact_id)
        for opportunity_id, contact_ids in links
        for contact_id in contact_ids
    ]
    if rows:
        await models.OpportunityContact.bulk_create(rows)


def history_entry(
    ctx: RequestContext,
    row: models.Opportunity,
    before: models.PipelineStage | None,
    after: models.PipelineStage,
    at: dt.datetime,
) -> models.StageChange:
    return models.StageChange(
        opportunity_id=row.id,
        from_stage_id=before.id if before else None,
        from_stage_name=before.name if before else None,
        to_stage_id=after.id,
        to_stage_name=after.name,
        changed_by_id=ctx.principal.user_id,
        changed_at=at,
        seconds_in_previous=None
        if before is None
        else int((at - row.stage_entered_at).total_seconds()),
    )


async def insert_opportunities(
    ctx: RequestContext,
    work: UnitOfWork,
    rows: list[models.Opportunity],
    contacts: list[list[int]],
    pipeline: list[models.PipelineStage],
) -> None:
    """Save new rows with their contacts and first history entries, and record them."""
    by_id = {s.id: s for s in pipeline}
    at = now()
    for row in rows:
        row.stage_entered_at = at
        await row.save()
    await add_contacts([(row.id, ids) for row, ids in zip(rows, contacts, strict=True)])
    await models.StageChange.bulk_create(
        [history_entry(ctx, row, None, by_id[row.stage_id], at) for row in rows]
    )
    await work.record_many(PLUGIN, CREATED, rows, "Opportunity")


async def new_opportunity(
    ctx: RequestContext,
    pipeline: list[models.PipelineStage],
    data: Any,
    path: list[str],
    source_lead_id: int | None = None,
) -> tuple[models.Opportunity | None, list[int], list[UserError]]:
    """The row to insert for a create input, its contacts, and what is wrong with the input."""
    errors = v.text(data.name, [*path, "name"], 200, required=True)
    errors += v.text(data.next_step, [*path, "nextStep"], 255)
    errors += amount_errors(data.amount, [*path, "amount"])
    errors += probability_errors(data.probability, [*path, "probability"])
    customer_id, contact_ids, found = await customer_and_contacts(
        ctx, data.customer_id, data.contact_ids or [], path
    )
    errors += found
    owner_id, owner_errors = await owner_id_for(
        ctx, data.owner_id, [*path, "ownerId"], ctx.principal.user_id
    )
    errors += owner_errors
    open_stages = [s for s in pipeline if s.kind == OPEN]
    stage = open_stages[0] if data.stage is None else stage_by_gid(pipeline, data.stage)
    if stage is None or stage.kind != OPEN:
        errors.append(
            user_error([*path, "stage"], "Choose an open stage of the pipeline.", "INVALID_STAGE")
        )
    if data.forecast_category.value == "CLOSED":
        errors.append(
            user_error([*path, "forecastCategory"], "Only won or lost deals are CLOSED.", "INVALID")
        )
    if errors or stage is None:
        return None, [], errors
    row = models.Opportunity(
        name=v.clean(data.name),
        customer_id=customer_id,
        owner_id=owner_id,
        expected_close_date=data.expected_close_date
        or (now().date() + dt.timedelta(days=DEFAULT_CLOSE_DAYS)),
        stage_id=stage.id,
        status=OPEN,
        probability_override=data.probability,
        forecast_category=data.forecast_category.value,
        source_lead_id=source_lead_id,
        next_step=v.clean(data.next_step),
    )
    row.amount, row.probability = Decimal(0), stage.probability
    set_probability(row, stage)
    set_amount(row, data.amount)
    return row, contact_ids or [], errors


def raise_if(errors: list[UserError]) -> None:
    if errors:
        raise UserInputError(errors)


async def create_for_lead(
    ctx: RequestContext,
    work: UnitOfWork,
    lead_id: int,
    customer_id: int,
    contact_id: int | None,
    owner_id: int,
    name: str,
    amount: MoneyInput | None,
) -> str:
    """The opportunity a converting lead becomes; raises UserInputError (the conversion rolls
    back) on a bad name or amount. Customer, contact and owner were checked by the caller."""
    errors = v.text(name, ["opportunityName"], 200, required=True)
    errors += amount_errors(amount, ["amount"])
    raise_if(errors)
    pipeline = await stages(ctx)
    first = next(s for s in pipeline if s.kind == OPEN)
    row = models.Opportunity(
        name=v.clean(name),
        customer_id=customer_id,
        owner_id=owner_id,
        expected_close_date=now().date() + dt.timedelta(days=DEFAULT_CLOSE_DAYS),
        stage_id=first.id,
        status=OPEN,
        source_lead_id=lead_id,
        amount=Decimal(0),
        probability=first.probability,
    )
    set_amount(row, amount)
    await insert_opportunities(ctx, work, [row], [[contact_id] if contact_id else []], pipeline)
    return to_global_id("Opportunity", row.id)
