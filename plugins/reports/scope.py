"""Who a report is for: the caller's tenant, the owners whose records they may see, and the
currency amounts are summed in."""

from __future__ import annotations

import datetime as dt

from core.graphql.context import RequestContext
from plugins.reports.models import DEFAULT_CURRENCY, ReportSettings
from plugins.reports.sql import ReportScope


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def report_currency() -> str:
    settings = await ReportSettings.first()
    return settings.currency if settings else DEFAULT_CURRENCY


async def report_scope(ctx: RequestContext, currency: str | None) -> ReportScope:
    principal = ctx.require_tenant()
    owners = await principal.owner_ids()
    return ReportScope(
        tenant_id=principal.tenant_id,
        owner_ids=frozenset(owners) if owners is not None else None,
        postgres=ctx.runtime.settings.is_postgres,
        currency=currency or await report_currency(),
        today=today(),
    )
