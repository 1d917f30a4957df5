"""The tenant's contract settings: how many days before its end a contract is due for renewal."""

from __future__ import annotations

from core.graphql.context import RequestContext
from core.graphql.payloads import fail
from plugins.contracts import models
from plugins.contracts.inputs import UpdateContractSettingsInput
from plugins.contracts.models import DEFAULT_REMINDER_DAYS

MAX_REMINDER_DAYS = 365


async def contract_settings() -> models.ContractSettings:
    """The tenant's settings; the defaults (unsaved) until an admin changes them."""
    return await models.ContractSettings.first() or models.ContractSettings(
        renewal_reminder_days=DEFAULT_REMINDER_DAYS
    )


async def update_settings(
    ctx: RequestContext, data: UpdateContractSettingsInput
) -> models.ContractSettings:
    if not 1 <= data.renewal_reminder_days <= MAX_REMINDER_DAYS:
        raise fail("renewalReminderDays", f"Use 1 to {MAX_REMINDER_DAYS} days.", "OUT_OF_RANGE")
    async with ctx.write() as work:
        # The first change inserts the tenant's row: two admins at once must not insert two.
        await work.lock("contracts.settings")
        row = await contract_settings()
        row.renewal_reminder_days = data.renewal_reminder_days
        await row.save()
    return row
