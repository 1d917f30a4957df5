"""A contract's status changes people make: activating a draft, terminating an active one.
(Renewal is in renewal.py; expiry and automatic renewal are the jobs in jobs.py.)"""

from __future__ import annotations

from core import validation as v
from core.events import UPDATED
from core.graphql.context import RequestContext
from core.graphql.payloads import user_error
from core.graphql.updates import bump_version
from plugins.contracts import models
from plugins.contracts.inputs import ActivateContractInput, TerminateContractInput
from plugins.contracts.models import ACTIVE, DRAFT, TERMINATED
from plugins.contracts.service import (
    PLUGIN,
    now,
    raise_if,
    status_errors,
    today,
    visible_contract,
)


async def activate_contract(ctx: RequestContext, data: ActivateContractInput) -> models.Contract:
    """DRAFT to ACTIVE. A term already over cannot come into force (it would only expire)."""
    async with ctx.write() as work:
        row = await visible_contract(ctx, data.id)
        errors = status_errors(row, (DRAFT,), "activated")
        if not errors and row.end_date < today():
            errors.append(
                user_error(
                    "id", f"{row.number} ended on {row.end_date}: change its dates.", "ENDED"
                )
            )
        raise_if(errors)
        changes = {"status": ACTIVE, "activated_at": now()}
        await bump_version(models.Contract, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Contract", {"fields": sorted(changes)})
        await work.publish(
            "contract.activated",
            PLUGIN,
            row=row,
            type_name="Contract",
            payload={
                "number": row.number,
                "customerId": row.customer_id,
                "ownerId": row.owner_id,
                "startDate": row.start_date.isoformat(),
                "endDate": row.end_date.isoformat(),
                "value": str(row.value),
                "currency": row.currency,
            },
        )
    return row


async def terminate_contract(ctx: RequestContext, data: TerminateContractInput) -> models.Contract:
    """ACTIVE to TERMINATED, with the reason; it will neither remind, renew nor expire."""
    async with ctx.write() as work:
        row = await visible_contract(ctx, data.id)
        errors = status_errors(row, (ACTIVE,), "terminated")
        errors += v.text(data.reason, ["reason"], 500, required=True)
        raise_if(errors)
        changes = {
            "status": TERMINATED,
            "terminated_at": now(),
            "termination_reason": v.clean(data.reason),
        }
        await bump_version(models.Contract, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Contract", {"fields": sorted(changes)})
        await work.publish(
            "contract.terminated",
            PLUGIN,
            row=row,
            type_name="Contract",
            payload={"number": row.number, "reason": row.termination_reason},
        )
    return row
