"""The order workflow:

    DRAFT -> CONFIRMED -> FULFILLED -> INVOICED -> PAID -> CLOSED
    DRAFT or CONFIRMED -> CANCELLED (with a reason)

One step forward at a time, so an ERP following the events sees every stage. Each move
publishes `order.<status>` (order.confirmed, order.paid, ...) with from/to, in the same
transaction. Payments accumulate; a covered order moves to PAID on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import validation as v
from core.events import UPDATED, UnitOfWork
from core.graphql.money import exact_money_errors
from core.graphql.payloads import UserInputError, fail, user_error
from core.graphql.updates import bump_version
from plugins.orders import models
from plugins.orders.service import PLUGIN, now, visible_order

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from plugins.orders.inputs import (
        RecordOrderPaymentInput,
        UpdateOrderInput,
        UpdateOrderStatusInput,
    )

NEXT = {
    models.DRAFT: models.CONFIRMED,
    models.CONFIRMED: models.FULFILLED,
    models.FULFILLED: models.INVOICED,
    models.INVOICED: models.PAID,
    models.PAID: models.CLOSED,
}
CANCELLABLE = (models.DRAFT, models.CONFIRMED)
STAMPS = {
    models.CONFIRMED: "confirmed_at",
    models.FULFILLED: "fulfilled_at",
    models.INVOICED: "invoiced_at",
    models.PAID: "paid_at",
    models.CLOSED: "closed_at",
    models.CANCELLED: "cancelled_at",
}


async def _move(
    work: UnitOfWork,
    row: models.Order,
    target: str,
    version: int | None,
    changes: dict[str, Any],
    payload: dict[str, Any] | None = None,
) -> None:
    before = row.status
    await bump_version(
        models.Order, row, version, {"status": target, STAMPS[target]: now(), **changes}
    )
    await work.publish(
        f"order.{target.lower()}",
        PLUGIN,
        row=row,
        type_name="Order",
        payload={
            "number": row.number,
            "from": before,
            "to": target,
            "grandTotal": str(row.grand_total),
            "currency": row.currency,
            **(payload or {}),
        },
    )


async def update_order_status(ctx: RequestContext, data: UpdateOrderStatusInput) -> models.Order:
    target = data.status.value
    async with ctx.write() as work:
        row = await visible_order(ctx, data.id)
        if target == models.CANCELLED:
            if row.status not in CANCELLABLE:
                raise fail(
                    "status",
                    f"A {row.status.lower()} order cannot be cancelled: only draft or "
                    "confirmed ones.",
                    "INVALID_TRANSITION",
                )
            errors = v.text(data.reason, ["reason"], 500, required=True)
            if errors:
                raise UserInputError(errors)
            reason = v.clean(data.reason)
            await _move(
                work, row, target, data.version, {"cancel_reason": reason}, {"reason": reason}
            )
            return row
        if NEXT.get(row.status) != target:
            expected = NEXT.get(row.status)
            hint = f" The next step is {expected}." if expected else ""
            raise fail(
                "status",
                f"An order cannot go from {row.status} to {target}.{hint}",
                "INVALID_TRANSITION",
            )
        changes: dict[str, Any] = {}
        if target == models.PAID:
            # Marking paid by hand records the rest of the payment.
            changes = {"payment_status": models.PAID, "paid_amount": row.grand_total}
        await _move(work, row, target, data.version, changes)
    return row


async def record_payment(ctx: RequestContext, data: RecordOrderPaymentInput) -> models.Order:
    errors = exact_money_errors(data.amount, ["amount"])
    if not errors and data.amount.amount == 0:
        errors.append(user_error(["amount", "amount"], "A payment is above zero.", "INVALID"))
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await visible_order(ctx, data.id)
        if data.amount.currency != row.currency:
            raise fail(
                ["amount", "currency"], f"This order is in {row.currency}.", "CURRENCY_MISMATCH"
            )
        if row.status in (models.DRAFT, models.CANCELLED, models.CLOSED):
            raise fail("id", f"A {row.status.lower()} order takes no payment.", "INVALID_STATUS")
        paid = row.paid_amount + data.amount.amount
        if paid > row.grand_total:
            raise fail(
                ["amount", "amount"], "That is more than the order's balance.", "OVERPAYMENT"
            )
        status = models.PAID if paid == row.grand_total else models.PARTIALLY_PAID
        changes = {"paid_amount": paid, "payment_status": status}
        await bump_version(models.Order, row, data.version, changes)
        await work.publish(
            "order.payment_recorded",
            PLUGIN,
            row=row,
            type_name="Order",
            payload={"amount": str(data.amount.amount), "paid": str(paid), "status": status},
        )
        if status == models.PAID and row.status == models.INVOICED:
            await _move(work, row, models.PAID, None, {})
    return row


async def update_order(ctx: RequestContext, data: UpdateOrderInput) -> models.Order:
    errors = v.text(data.notes, ["notes"], 5000)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await visible_order(ctx, data.id)
        if row.status in (models.CANCELLED, models.CLOSED):
            raise fail("id", f"A {row.status.lower()} order cannot change.", "INVALID_STATUS")
        changes: dict[str, Any] = {}
        if data.delivery_date is not None:
            changes["delivery_date"] = data.delivery_date
        if data.notes is not None:
            changes["notes"] = v.clean(data.notes)
        await bump_version(models.Order, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Order", {"fields": sorted(changes)})
    return row
