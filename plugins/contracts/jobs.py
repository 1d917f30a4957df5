"""The contracts plugin's scheduled work, per tenant: the renewal reminder ahead of an active
contract's end, and what its end brings (automatic renewal, or expiry).

Every contract is handled in a transaction of its own and claimed by a conditional update,
so it is reminded, renewed or expired once, even when two runs overlap (the scheduler runs a
job once per due time; a run started by hand, or one outliving the next due time, may not).
"Today" is the UTC date of the scheduler's clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import F

from core.events import UPDATED, UnitOfWork, unit_of_work
from core.models import Tenant
from plugins.contracts import models
from plugins.contracts.models import ACTIVE, EXPIRED
from plugins.contracts.renewal import renew_automatically
from plugins.contracts.service import PLUGIN
from plugins.contracts.settings import contract_settings

RENEWAL_DUE = "contract.renewal_due"


async def _ids(**conditions: Any) -> list[int]:
    return list(
        await models.Contract.filter(**conditions)
        .order_by("end_date", "id")
        .values_list("id", flat=True)
    )


async def _remind(work: UnitOfWork, contract_id: int, at: dt.datetime, days: int) -> bool:
    claimed = await models.Contract.filter(
        id=contract_id, status=ACTIVE, renewal_reminded_at__isnull=True
    ).update(renewal_reminded_at=at)
    if not claimed:
        return False
    row = await models.Contract.get(id=contract_id)
    await work.publish(
        RENEWAL_DUE,
        PLUGIN,
        row=row,
        type_name="Contract",
        payload={
            "number": row.number,
            "title": row.title,
            "customerId": row.customer_id,
            "ownerId": row.owner_id,
            "endDate": row.end_date.isoformat(),
            "autoRenew": row.auto_renew,
            "reminderDays": days,
        },
    )
    return True


async def send_renewal_reminders(runtime: Any, tenant_id: int, now: dt.datetime) -> int:
    """`contract.renewal_due`, once per active contract, from N days before its end date
    (the tenant's renewalReminderDays) until that date. Returns the reminders sent."""
    tenant = await Tenant.get(id=tenant_id)
    days = (await contract_settings()).renewal_reminder_days
    today = now.date()
    due = await _ids(
        status=ACTIVE,
        renewal_reminded_at__isnull=True,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=days),
    )
    sent = 0
    for contract_id in due:
        async with unit_of_work(runtime, tenant_id, None, frozenset(tenant.plugins)) as work:
            if await _remind(work, contract_id, now, days):
                sent += 1
    return sent


async def _expire(work: UnitOfWork, contract_id: int, at: dt.datetime) -> bool:
    claimed = await models.Contract.filter(id=contract_id, status=ACTIVE, auto_renew=False).update(
        status=EXPIRED, version=F("version") + 1, updated_at=at
    )
    if not claimed:
        return False
    row = await models.Contract.get(id=contract_id)
    await work.record(PLUGIN, UPDATED, row, "Contract", {"fields": ["status"]})
    await work.publish(
        "contract.expired",
        PLUGIN,
        row=row,
        type_name="Contract",
        payload={"number": row.number, "endDate": row.end_date.isoformat()},
    )
    return True


async def end_terms(runtime: Any, tenant_id: int, now: dt.datetime) -> int:
    """Active auto-renew contracts renew on their end date; other active contracts expire the
    day after it. Returns the contracts renewed or expired."""
    tenant = await Tenant.get(id=tenant_id)
    enabled = frozenset(tenant.plugins)
    today = now.date()
    changed = 0
    for contract_id in await _ids(status=ACTIVE, auto_renew=False, end_date__lt=today):
        async with unit_of_work(runtime, tenant_id, None, enabled) as work:
            if await _expire(work, contract_id, now):
                changed += 1
    # A successor may be due itself when the job catches up on days it did not run: renew
    # again until every term reaches past today (each successor ends later, so this ends).
    while due := await _ids(status=ACTIVE, auto_renew=True, end_date__lte=today):
        for contract_id in due:
            async with unit_of_work(runtime, tenant_id, None, enabled) as work:
                if await renew_automatically(work, contract_id, now):
                    changed += 1
    return changed
