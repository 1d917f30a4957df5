"""Writing a contract's terms: creating a draft (from an order or not) and updating it."""

from __future__ import annotations

from typing import Any

from core import validation as v
from core.events import CREATED, UPDATED
from core.graphql.context import RequestContext
from core.graphql.money import exact_money_errors
from core.graphql.payloads import UserError, fail, user_error
from core.graphql.updates import bump_version, given
from core.money import round_money
from plugins.contracts import models
from plugins.contracts.hookspecs import ContractOrder
from plugins.contracts.inputs import CreateContractInput, UpdateContractInput
from plugins.contracts.models import ACTIVE, DRAFT
from plugins.contracts.orders_link import order_for_contract
from plugins.contracts.service import PLUGIN, new_number, now, raise_if, visible_contract
from plugins.contracts.terms import term_errors
from plugins.customers.models import Customer
from plugins.customers.service import owner_id_for, visible_customer

# What an active contract may still change; every other field is a term, fixed once active.
ACTIVE_CHANGES = {"owner_id": "ownerId", "auto_renew": "autoRenew"}
TERMS = {
    "customer_id": "customerId",
    "title": "title",
    "start_date": "startDate",
    "end_date": "endDate",
    "value": "value",
    "billing_frequency": "billingFrequency",
    "payment_terms": "paymentTerms",
}


async def _customer(
    ctx: RequestContext, customer_gid: str | None, order: ContractOrder | None
) -> tuple[Customer | None, list[UserError]]:
    """The customer named, or else the order's; either must be one the caller may see, and
    a customer named with an order must be the order's."""
    if customer_gid is not None:
        customer = await visible_customer(ctx, customer_gid)
        if customer is None:
            return None, [user_error("customerId", "No such customer.", "NOT_FOUND")]
        if order is not None and customer.id != order.customer_id:
            return None, [
                user_error(
                    "customerId", f"Order {order.number} is for another customer.", "MISMATCH"
                )
            ]
        return customer, []
    if order is None:
        return None, [user_error("customerId", "Choose a customer or an order.", "REQUIRED")]
    customer = await (await ctx.visible(Customer.filter(id=order.customer_id))).first()
    if customer is None:
        return None, [
            user_error(
                "customerId", f"You may not see the customer of {order.number}.", "NOT_FOUND"
            )
        ]
    return customer, []


async def create_contract(ctx: RequestContext, data: CreateContractInput) -> models.Contract:
    """A DRAFT contract, numbered; from an order, its customer and value default to the
    order's."""
    errors = term_errors(data.start_date, data.end_date)
    errors += v.text(data.title, ["title"], 200)
    errors += v.text(data.payment_terms, ["paymentTerms"], 200)
    errors += exact_money_errors(data.value, ["value"])
    order, customer = None, None
    if data.order_id is not None:
        order, order_errors = await order_for_contract(ctx, data.order_id)
        errors += order_errors
    if data.order_id is None or order is not None:
        customer, customer_errors = await _customer(ctx, data.customer_id, order)
        errors += customer_errors
        if data.value is None and order is None:
            errors.append(user_error("value", "Give the contract's value.", "REQUIRED"))
    owner_id, owner_errors = await owner_id_for(
        ctx, data.owner_id, ["ownerId"], ctx.principal.user_id
    )
    errors += owner_errors
    raise_if(errors)
    assert customer is not None
    if data.value is not None:
        amount, currency = data.value.amount, data.value.currency
    else:
        assert order is not None
        amount, currency = round_money(order.amount, order.currency), order.currency
    async with ctx.write() as work:
        at = now()
        row = models.Contract(
            number=await new_number(work, at),
            title=v.clean(data.title) or (f"Order {order.number}" if order else customer.name),
            customer_id=customer.id,
            owner_id=owner_id,
            order_id=order.id if order else None,
            order_number=order.number if order else None,
            status=DRAFT,
            start_date=data.start_date,
            end_date=data.end_date,
            value=amount,
            currency=currency,
            billing_frequency=data.billing_frequency.value,
            payment_terms=v.clean(data.payment_terms),
            auto_renew=data.auto_renew,
        )
        await row.save()
        await work.record(PLUGIN, CREATED, row, "Contract")
    return row


def _shape_errors(data: UpdateContractInput, allowed: dict[str, str]) -> list[UserError]:
    """INVALID_STATUS for fields the contract's status no longer lets change; REQUIRED for
    fields given as null that every contract has."""
    errors = [
        user_error(
            field, "An active contract's terms are fixed: renew or terminate it.", "INVALID_STATUS"
        )
        for name, field in TERMS.items()
        if name not in allowed and given(getattr(data, name))
    ]
    return errors + [
        user_error(field, "This field is required.", "REQUIRED")
        for name, field in allowed.items()
        if name != "payment_terms" and given(getattr(data, name)) and getattr(data, name) is None
    ]


async def _term_changes(
    ctx: RequestContext, row: models.Contract, data: UpdateContractInput
) -> tuple[dict[str, Any], list[UserError]]:
    changes: dict[str, Any] = {}
    errors: list[UserError] = []
    if given(data.title) and data.title is not None:
        errors += v.text(data.title, ["title"], 200, required=True)
        changes["title"] = v.clean(data.title)
    if given(data.payment_terms):
        errors += v.text(data.payment_terms, ["paymentTerms"], 200)
        changes["payment_terms"] = v.clean(data.payment_terms)
    if given(data.billing_frequency) and data.billing_frequency is not None:
        changes["billing_frequency"] = data.billing_frequency.value
    if given(data.value) and data.value is not None:
        errors += exact_money_errors(data.value, ["value"])
        changes["value"], changes["currency"] = data.value.amount, data.value.currency
    start = data.start_date if given(data.start_date) else row.start_date
    end = data.end_date if given(data.end_date) else row.end_date
    if (start, end) != (row.start_date, row.end_date) and start and end:
        errors += term_errors(start, end)
        changes["start_date"], changes["end_date"] = start, end
    if given(data.customer_id) and data.customer_id is not None:
        customer = await visible_customer(ctx, data.customer_id)
        if customer is None:
            errors.append(user_error("customerId", "No such customer.", "NOT_FOUND"))
        elif row.order_id is not None and customer.id != row.customer_id:
            errors.append(
                user_error(
                    "customerId",
                    f"This contract follows order {row.order_number}: its customer is the order's.",
                    "MISMATCH",
                )
            )
        else:
            changes["customer_id"] = customer.id
    return changes, errors


async def update_contract(ctx: RequestContext, data: UpdateContractInput) -> models.Contract:
    async with ctx.write() as work:
        row = await visible_contract(ctx, data.id)
        if row.status not in (DRAFT, ACTIVE):
            raise fail(
                "id",
                f"{row.number} is {row.status.lower()}: it no longer changes.",
                "INVALID_STATUS",
            )
        draft = row.status == DRAFT
        errors = _shape_errors(data, {**TERMS, **ACTIVE_CHANGES} if draft else ACTIVE_CHANGES)
        changes: dict[str, Any] = {}
        if draft:
            changes, found = await _term_changes(ctx, row, data)
            errors += found
        if given(data.auto_renew) and data.auto_renew is not None:
            changes["auto_renew"] = data.auto_renew
        if given(data.owner_id) and data.owner_id is not None:
            changes["owner_id"], owner_errors = await owner_id_for(
                ctx, data.owner_id, ["ownerId"], row.owner_id
            )
            errors += owner_errors
        raise_if(errors)
        await bump_version(models.Contract, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Contract", {"fields": sorted(changes)})
    return row
