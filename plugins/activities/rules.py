"""Automatic follow-ups: tasks that rules create from other plugins' events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.functions import Max

from core.events import CREATED, DomainEvent, unit_of_work
from core.models import Tenant
from core.tenancy import tenant_scope
from plugins.activities import models

PLUGIN = "activities"
DEFAULT_STALE_DAYS = 14


def next_working_day(day: dt.date) -> dt.date:
    """The next Monday-to-Friday after `day` (public holidays are not modelled yet)."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


async def _task_once(runtime: Any, event: DomainEvent, rule: str, **columns: Any) -> None:
    """A task an event calls for, unless the rule made it already (`rule` names the case)."""
    with tenant_scope(event.tenant_id):
        if await models.Activity.exists(rule=rule):
            return
        tenant = await Tenant.get(id=event.tenant_id)
        async with unit_of_work(
            runtime, tenant.id, event.actor_id, frozenset(tenant.plugins)
        ) as work:
            row = await models.Activity.create(
                kind="TASK",
                priority="HIGH",
                occurred_at=dt.datetime.now(dt.UTC),
                created_by_id=event.actor_id or columns["owner_id"],
                rule=rule,
                **columns,
            )
            await work.record(PLUGIN, CREATED, row, "Activity", {"rule": rule.split(":")[0]})


async def first_contact_task(runtime: Any, event: DomainEvent) -> None:
    """A lead assigned to someone gives them a first-contact task due the next working day."""
    owner_id = event.payload.get("ownerId")
    if event.name != "lead.assigned" or owner_id is None or event.record_id is None:
        return
    await _task_once(
        runtime,
        event,
        f"first_contact:{event.record_id}:{owner_id}",
        subject="First contact",
        related_type="Lead",
        related_id=event.record_id,
        owner_id=owner_id,
        due_date=next_working_day(dt.datetime.now(dt.UTC).date()),
    )


async def contract_renewal_task(runtime: Any, event: DomainEvent) -> None:
    """A contract due for renewal gives its owner a task due on the contract's end date: the
    last day to renew (or, for an auto-renewing one, to stop it) before the term ends."""
    if event.name != "contract.renewal_due" or event.record_id is None:
        return
    payload = event.payload
    await _task_once(
        runtime,
        event,
        f"contract_renewal:{event.record_id}",
        subject=f"Renew contract {payload['number']}",
        body=f"{payload['title']} ends on {payload['endDate']}"
        + (" and renews itself unless terminated." if payload.get("autoRenew") else "."),
        related_type="Contract",
        related_id=event.record_id,
        owner_id=payload["ownerId"],
        due_date=dt.date.fromisoformat(payload["endDate"]),
    )


async def stale_opportunity_tasks(runtime: Any, tenant_id: int, now: dt.datetime) -> int:
    """Open opportunities untouched (no edit, no activity) for N days give their owner a task,
    once per quiet spell: new activity or an edit starts a new spell. Returns tasks created."""
    tenant = await Tenant.get(id=tenant_id)
    if "opportunities" not in tenant.plugins:
        return 0
    from plugins.opportunities.models import Opportunity  # an integration declared in MANIFEST

    settings = await models.ActivitySettings.first()
    days = settings.stale_opportunity_days if settings else DEFAULT_STALE_DAYS
    cutoff = now - dt.timedelta(days=days)
    quiet = await Opportunity.filter(status="OPEN", updated_at__lt=cutoff).values(
        "id", "owner_id", "updated_at", "name"
    )
    if not quiet:
        return 0
    last_activity = dict(
        await models.Activity.filter(
            related_type="Opportunity", related_id__in=[o["id"] for o in quiet]
        )
        .annotate(last=Max("occurred_at"))
        .group_by("related_id")
        .values_list("related_id", "last")
    )
    due = []
    for opp in quiet:
        touched = max(opp["updated_at"], last_activity.get(opp["id"]) or opp["updated_at"])
        if touched < cutoff:
            due.append((opp, f"stale_opportunity:{opp['id']}:{touched.isoformat()}"))
    existing = set(
        await models.Activity.filter(rule__in=[rule for _, rule in due]).values_list(
            "rule", flat=True
        )
    )
    rows = [
        models.Activity(
            kind="TASK",
            subject=f"Follow up: no activity for {days} days",
            related_type="Opportunity",
            related_id=opp["id"],
            owner_id=opp["owner_id"],
            created_by_id=opp["owner_id"],
            due_date=now.date(),
            priority="HIGH",
            occurred_at=now,
            rule=rule,
        )
        for opp, rule in due
        if rule not in existing
    ]
    if rows:
        async with unit_of_work(runtime, tenant_id, None, frozenset(tenant.plugins)) as work:
            for row in rows:
                await row.save()
            await work.record_many(PLUGIN, CREATED, rows, "Activity", {"rule": "stale_opportunity"})
    return len(rows)
