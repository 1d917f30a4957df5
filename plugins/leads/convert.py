"""Converting a lead: a customer (created or linked), a contact and, through the
`convert_lead_opportunity` hook, an opportunity, all in the caller's one transaction."""

from __future__ import annotations

import inspect
from typing import Any

from core import validation as v
from core.events import UPDATED
from core.graphql.context import RequestContext
from core.graphql.money import money_errors
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.relay import from_global_id, to_global_id
from core.graphql.updates import bump_version
from plugins.customers.contact_mutations import create_contacts
from plugins.customers.customer_mutations import create_customers
from plugins.customers.inputs import CreateContactInput, CreateCustomerInput
from plugins.customers.service import visible_customer
from plugins.leads.inputs import ConvertLeadInput
from plugins.leads.service import PLUGIN, now, visible_lead

OPPORTUNITY_HOOK = "convert_lead_opportunity"


def _under(field: str, errors: list[UserError]) -> list[UserError]:
    return [user_error([field, *(e.field or [])], e.message, e.code) for e in errors]


async def _create_customer(ctx: RequestContext, name: str, owner_gid: str) -> Any:
    try:
        [customer] = await create_customers(
            ctx, [CreateCustomerInput(name=name, owner_id=owner_gid)], bulk=False
        )
    except UserInputError as exc:
        if any(e.code == "DUPLICATE" for e in exc.errors):
            raise fail(
                "customerId",
                f"A customer like '{name}' exists already: pass its ID as customerId to "
                "convert the lead into it.",
                "DUPLICATE",
            ) from exc
        raise UserInputError(_under("customer", exc.errors)) from exc
    return customer


async def _opportunity(ctx: RequestContext, work: Any, **kwargs: Any) -> str:
    """The first enabled implementation of the hook creates it; its global ID comes back."""
    found = next(
        iter(
            ctx.runtime.host.collect(
                OPPORTUNITY_HOOK, only=ctx.enabled, work=work, ctx=ctx, **kwargs
            )
        ),
        None,
    )
    if found is None:
        raise fail(
            "createOpportunity",
            "No enabled plugin creates opportunities for this tenant.",
            "UNAVAILABLE",
        )
    result = found[1]
    if inspect.isawaitable(result):
        result = await result
    return str(result)


async def convert_lead(
    ctx: RequestContext, data: ConvertLeadInput
) -> tuple[Any, Any, Any, str | None]:
    """(lead, customer, contact, opportunity global ID or None). A second conversion, a
    missing record or bad input is a userError and writes nothing."""
    wants_opportunity = bool(data.create_opportunity) and "opportunities" in ctx.enabled
    if wants_opportunity:
        errors = v.text(data.opportunity_name, ["opportunityName"], 200)
        errors += money_errors(data.amount, ["amount"])
        if errors:
            raise UserInputError(errors)
    async with ctx.write() as work:
        lead = await visible_lead(ctx, data.lead_id)
        if lead is None:
            raise fail("leadId", "No such lead.", "NOT_FOUND")
        if lead.status == "CONVERTED":
            raise fail("leadId", "This lead was converted already.", "ALREADY_CONVERTED")
        if lead.status == "DISQUALIFIED":
            raise fail(
                "leadId", "This lead is disqualified: update its status first.", "INVALID_STATUS"
            )
        owner_id = lead.owner_id or ctx.principal.user_id
        owner_gid = to_global_id("User", owner_id)
        if data.customer_id is not None:
            customer = await visible_customer(ctx, data.customer_id)
            if customer is None:
                raise fail("customerId", "No such customer.", "NOT_FOUND")
        else:
            customer = await _create_customer(ctx, lead.company or lead.person_name, owner_gid)
        try:
            [contact] = await create_contacts(
                ctx,
                [
                    CreateContactInput(
                        name=lead.person_name,
                        customer_id=to_global_id("Customer", customer.id),
                        title=lead.title,
                        email=lead.email,
                        phone=lead.phone,
                        owner_id=owner_gid,
                        allow_duplicate=True,
                    )
                ],
                bulk=False,
            )
        except UserInputError as exc:
            raise UserInputError(_under("contact", exc.errors)) from exc
        opportunity_gid = None
        if wants_opportunity:
            opportunity_gid = await _opportunity(
                ctx,
                work,
                lead_id=lead.id,
                customer_id=customer.id,
                contact_id=contact.id,
                owner_id=owner_id,
                name=v.clean(data.opportunity_name) or customer.name,
                amount=data.amount,
            )
        parsed = from_global_id(opportunity_gid) if opportunity_gid else None
        stamp = now()
        await bump_version(
            type(lead),
            lead,
            None,
            {
                "status": "CONVERTED",
                "owner_id": owner_id,
                "customer_id": customer.id,
                "contact_id": contact.id,
                "opportunity_id": parsed[1] if parsed else None,
                "converted_at": stamp,
                "last_activity_at": stamp,
            },
        )
        await work.record(PLUGIN, UPDATED, lead, "Lead", {"fields": ["status"]})
        await work.publish(
            "lead.converted",
            PLUGIN,
            row=lead,
            type_name="Lead",
            payload={
                "customerId": customer.id,
                "contactId": contact.id,
                "opportunityId": parsed[1] if parsed else None,
                "ownerId": owner_id,
            },
        )
    return lead, customer, contact, opportunity_gid
