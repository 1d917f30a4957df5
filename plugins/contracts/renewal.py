"""Renewing a contract: an ACTIVE successor continues it, linked to it, and it becomes
RENEWED. One writer serves both ways in: `renewContract`, and the job that renews auto-renew
contracts at their end date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tortoise.expressions import F

from core.events import CREATED, UPDATED, UnitOfWork
from core.graphql.context import RequestContext
from core.graphql.money import exact_money_errors
from core.graphql.payloads import UserError, user_error
from core.graphql.updates import bump_version
from plugins.contracts import models
from plugins.contracts.inputs import RenewContractInput
from plugins.contracts.models import ACTIVE, EXPIRED, RENEWED
from plugins.contracts.service import (
    PLUGIN,
    new_number,
    now,
    raise_if,
    status_errors,
    today,
    visible_contract,
)
from plugins.contracts.terms import ONE_DAY, next_term, range_errors, term_end, term_errors


@dataclass(frozen=True)
class Terms:
    """What a successor may change from its predecessor."""

    start_date: dt.date
    end_date: dt.date
    value: Decimal
    currency: str
    auto_renew: bool


def continued(row: models.Contract) -> Terms:
    """The same again: the next term of the same length, value and auto-renewal."""
    start, end = next_term(row.start_date, row.end_date)
    return Terms(start, end, row.value, row.currency, row.auto_renew)


async def write_successor(
    work: UnitOfWork, row: models.Contract, terms: Terms, at: dt.datetime, automatic: bool
) -> models.Contract:
    """Insert the successor of `row`, which the caller has just marked RENEWED, and record
    both changes and `contract.renewed`."""
    successor = models.Contract(
        number=await new_number(work, at),
        title=row.title,
        customer_id=row.customer_id,
        owner_id=row.owner_id,
        status=ACTIVE,
        start_date=terms.start_date,
        end_date=terms.end_date,
        value=terms.value,
        currency=terms.currency,
        billing_frequency=row.billing_frequency,
        payment_terms=row.payment_terms,
        auto_renew=terms.auto_renew,
        predecessor_id=row.id,
        activated_at=at,
    )
    await successor.save()
    await work.record(PLUGIN, UPDATED, row, "Contract", {"fields": ["status"]})
    await work.record(PLUGIN, CREATED, successor, "Contract", {"predecessorId": row.id})
    await work.publish(
        "contract.renewed",
        PLUGIN,
        row=row,
        type_name="Contract",
        payload={
            "number": row.number,
            "successorId": successor.id,
            "successorNumber": successor.number,
            "startDate": successor.start_date.isoformat(),
            "endDate": successor.end_date.isoformat(),
            "automatic": automatic,
        },
    )
    return successor


def _successor_days(
    row: models.Contract, data: RenewContractInput
) -> tuple[tuple[dt.date, dt.date] | None, list[UserError]]:
    """The successor's first and last day: by default from the day after the current end,
    for as long as the current term."""
    start = data.start_date or row.end_date + ONE_DAY
    errors = range_errors({"startDate": start})
    if errors:
        return None, errors
    if start <= row.end_date:
        message = f"A renewal starts after {row.end_date}, the current end."
        return None, [user_error("startDate", message, "INVALID")]
    end = data.end_date or term_end(row.start_date, row.end_date, start)
    errors = term_errors(start, end)
    if not errors and end < today():
        errors.append(user_error("endDate", "This term would be over already.", "ENDED"))
    return (None if errors else (start, end)), errors


async def renew_contract(
    ctx: RequestContext, data: RenewContractInput
) -> tuple[models.Contract, models.Contract]:
    """(successor, predecessor). An active contract renews ahead of its end; an expired one
    may renew late, but the new term must not be over already."""
    async with ctx.write() as work:
        row = await visible_contract(ctx, data.id)
        errors = status_errors(row, (ACTIVE, EXPIRED), "renewed")
        days, day_errors = _successor_days(row, data)
        errors += day_errors + exact_money_errors(data.value, ["value"])
        raise_if(errors)
        assert days is not None
        terms = Terms(
            start_date=days[0],
            end_date=days[1],
            value=data.value.amount if data.value else row.value,
            currency=data.value.currency if data.value else row.currency,
            auto_renew=row.auto_renew if data.auto_renew is None else data.auto_renew,
        )
        await bump_version(models.Contract, row, data.version, {"status": RENEWED})
        successor = await write_successor(work, row, terms, now(), automatic=False)
    return successor, row


async def renew_automatically(
    work: UnitOfWork, contract_id: int, at: dt.datetime
) -> models.Contract | None:
    """Renew an active auto-renew contract for the same again; None when it no longer is one
    (another worker renewed it, or someone terminated it, in the meantime)."""
    claimed = await models.Contract.filter(id=contract_id, status=ACTIVE, auto_renew=True).update(
        status=RENEWED, version=F("version") + 1, updated_at=at
    )
    if not claimed:
        return None
    row = await models.Contract.get(id=contract_id)
    return await write_successor(work, row, continued(row), at, automatic=True)
