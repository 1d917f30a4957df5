"""The life of a quote after drafting:

    DRAFT -submit-> APPROVED, or PENDING_APPROVAL when a discount is above the threshold
    PENDING_APPROVAL -approve-> APPROVED        -decline-> DRAFT (with the reason)
    APPROVED -send-> SENT    (sendQuote on a DRAFT that needs no approval submits it too)
    SENT -accept-> ACCEPTED  -reject-> REJECTED
    PENDING_APPROVAL / APPROVED / SENT past validUntil -(hourly job)-> EXPIRED

Every step checks the status inside the transaction (with the row's version), so two
people acting at once cannot both move the same quote.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core import validation as v
from core.events import UnitOfWork, unit_of_work
from core.graphql.payloads import UserInputError, fail
from core.graphql.updates import bump_version
from core.models import Tenant
from plugins.quotes import models
from plugins.quotes.service import (
    PLUGIN,
    approval_needed,
    now,
    quote_settings,
    today,
    visible_quote,
)

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from core.runtime import Runtime
    from plugins.quotes.inputs import ApproveQuoteInput, QuoteActionInput, QuoteReasonInput


async def _move(
    work: UnitOfWork,
    row: models.Quote,
    version: int | None,
    status: str,
    event: str,
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    await bump_version(models.Quote, row, version, {"status": status, **(changes or {})})
    await work.publish(
        event,
        PLUGIN,
        row=row,
        type_name="Quote",
        payload={
            "number": row.number,
            "revision": row.revision,
            "status": status,
            **(payload or {}),
        },
    )


def _refuse(row: models.Quote, action: str) -> UserInputError:
    state = row.status.lower().replace("_", " ")
    return fail("id", f"A quote that is {state} cannot be {action}.", "INVALID_STATUS")


async def submit_quote(ctx: RequestContext, data: QuoteActionInput) -> models.Quote:
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        await _submit(ctx, work, row, data.version)
    return row


async def _submit(
    ctx: RequestContext, work: UnitOfWork, row: models.Quote, version: int | None
) -> None:
    if row.status != models.DRAFT:
        raise _refuse(row, "submitted")
    stamp = now()
    if approval_needed(row, await quote_settings()):
        await _move(
            work,
            row,
            version,
            models.PENDING_APPROVAL,
            "quote.approval_requested",
            {"submitted_at": stamp},
            {"maxDiscountPercent": str(row.max_discount_percent)},
        )
    else:
        # Within the threshold: approved by the rule itself, no approver recorded.
        await _move(
            work,
            row,
            version,
            models.APPROVED,
            "quote.approved",
            {"submitted_at": stamp, "approved_at": stamp, "approved_by_id": None},
            {"by": "rule"},
        )


async def approve_quote(ctx: RequestContext, data: ApproveQuoteInput) -> models.Quote:
    errors = v.text(data.comment, ["comment"], 500)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        if row.status != models.PENDING_APPROVAL:
            raise _refuse(row, "approved")
        await _move(
            work,
            row,
            data.version,
            models.APPROVED,
            "quote.approved",
            {
                "approved_at": now(),
                "approved_by_id": ctx.principal.user.id,
                "approval_comment": v.clean(data.comment),
            },
            {"by": "approver"},
        )
    return row


async def decline_approval(ctx: RequestContext, data: QuoteReasonInput) -> models.Quote:
    errors = v.text(data.reason, ["reason"], 500, required=True)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        if row.status != models.PENDING_APPROVAL:
            raise _refuse(row, "declined")
        await _move(
            work,
            row,
            data.version,
            models.DRAFT,
            "quote.approval_declined",
            {"approval_comment": v.clean(data.reason), "submitted_at": None},
            {"reason": v.clean(data.reason)},
        )
    return row


async def send_quote(ctx: RequestContext, data: QuoteActionInput) -> models.Quote:
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        version = data.version
        if row.status == models.DRAFT:
            if approval_needed(row, await quote_settings()):
                raise fail(
                    "id",
                    "A discount is above the approval threshold: submit it for approval first.",
                    "APPROVAL_REQUIRED",
                )
            await _submit(ctx, work, row, version)
            version = None  # checked by the submit
        if row.status != models.APPROVED:
            raise _refuse(row, "sent")
        if row.valid_until < today():
            raise fail("id", "The quote's validity has passed: revise it.", "EXPIRED")
        await _move(work, row, version, models.SENT, "quote.sent", {"sent_at": now()})
    return row


async def accept_quote(ctx: RequestContext, data: QuoteActionInput) -> models.Quote:
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        if row.status != models.SENT:
            raise _refuse(row, "accepted")
        if row.valid_until < today():
            raise fail("id", "The quote's validity has passed: revise it.", "EXPIRED")
        await _move(
            work,
            row,
            data.version,
            models.ACCEPTED,
            "quote.accepted",
            {"accepted_at": now()},
            {
                "grandTotal": str(row.grand_total),
                "currency": row.currency,
                "customerId": row.customer_id,
                "opportunityId": row.opportunity_id,
            },
        )
        if row.opportunity_id is not None:
            await ctx.runtime.host.call_async(
                "quote_accepted",
                only=ctx.enabled,
                ctx=ctx,
                work=work,
                quote_id=row.id,
                opportunity_id=row.opportunity_id,
                amount=row.grand_total,
                currency=row.currency,
            )
    return row


async def reject_quote(ctx: RequestContext, data: QuoteReasonInput) -> models.Quote:
    errors = v.text(data.reason, ["reason"], 500, required=True)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        if row.status != models.SENT:
            raise _refuse(row, "rejected")
        await _move(
            work,
            row,
            data.version,
            models.REJECTED,
            "quote.rejected",
            {"rejected_at": now(), "rejection_reason": v.clean(data.reason)},
            {"reason": v.clean(data.reason)},
        )
    return row


EXPIRING = (models.PENDING_APPROVAL, models.APPROVED, models.SENT)


async def expire_quotes(runtime: Runtime, tenant_id: int, now: dt.datetime) -> int:
    """The scheduled job: quotes whose validity ended before `now`'s day become EXPIRED."""
    tenant = await Tenant.get(id=tenant_id)
    expired = 0
    async with unit_of_work(runtime, tenant_id, None, frozenset(tenant.plugins)) as work:
        rows = await models.Quote.filter(status__in=EXPIRING, valid_until__lt=now.date())
        for row in rows:
            # Conditional on the status read: a quote accepted meanwhile stays accepted.
            moved = await models.Quote.filter(id=row.id, version=row.version).update(
                status=models.EXPIRED, expired_at=now, version=row.version + 1, updated_at=now
            )
            if moved:
                expired += 1
                row.status, row.version = models.EXPIRED, row.version + 1
                await work.publish(
                    "quote.expired",
                    PLUGIN,
                    row=row,
                    type_name="Quote",
                    payload={
                        "number": row.number,
                        "revision": row.revision,
                        "status": models.EXPIRED,
                    },
                )
    return expired
