"""The lead pool's scheduled job: owned leads without activity for N days (N per tenant)
go back to the pool, where any salesperson may claim them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import F

from core.events import UPDATED, unit_of_work
from core.models import Tenant
from plugins.leads import models
from plugins.leads.models import OPEN_STATUSES
from plugins.leads.service import PLUGIN, lead_settings


async def return_idle_leads(runtime: Any, tenant_id: int, now: dt.datetime) -> int:
    """Runs inside the tenant's scope (see core.scheduler); returns how many leads moved.

    Activity is the lead's `last_activity_at`, moved by every change to the lead.
    """
    tenant = await Tenant.get(id=tenant_id)
    days = (await lead_settings()).return_after_days
    cutoff = now - dt.timedelta(days=days)
    async with unit_of_work(runtime, tenant_id, None, frozenset(tenant.plugins)) as work:
        rows = list(
            await models.Lead.filter(
                owner_id__isnull=False, status__in=OPEN_STATUSES, last_activity_at__lt=cutoff
            ).select_for_update()
        )
        if not rows:
            return 0
        await models.Lead.filter(id__in=[r.id for r in rows]).update(
            owner_id=None, assigned_at=None, version=F("version") + 1, updated_at=now
        )
        for row in rows:
            previous, row.owner_id = row.owner_id, None
            row.version += 1
            await work.publish(
                "lead.returned_to_pool",
                PLUGIN,
                row=row,
                type_name="Lead",
                payload={"previousOwnerId": previous, "idleDays": days},
            )
        await work.record_many(PLUGIN, UPDATED, rows, "Lead", {"fields": ["owner"]})
    return len(rows)
