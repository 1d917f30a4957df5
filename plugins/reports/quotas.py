"""Sales quotas: what each salesperson should win per month, set by managers for their team
and by admins for anyone; and the tenant's report currency."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import strawberry
from strawberry.types import Info

from core.graphql.context import RequestContext, run_mutation
from core.graphql.money import Money, MoneyInput, currency_code_errors, exact_money_errors, money_in
from core.graphql.payloads import UserError, UserInputError, fail, prefixed, user_error
from core.graphql.permissions import requires
from core.graphql.relay import maybe_pk, to_global_id
from core.models import Membership
from plugins.reports import models
from plugins.reports.scope import report_currency

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_QUOTAS = 500


@strawberry.input
class SetSalesQuotaInput:
    user_id: strawberry.ID
    month: str = strawberry.field(description="YYYY-MM")
    amount: MoneyInput = strawberry.field(description="Zero removes the quota.")


@strawberry.type
class SalesQuota:
    user_id: strawberry.ID
    month: str
    amount: Money


@strawberry.type
class SetSalesQuotasPayload:
    quotas: list[SalesQuota] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateReportSettingsInput:
    currency: str = strawberry.field(description="The currency reports sum amounts in.")


@strawberry.type
class ReportSettings:
    currency: str


@strawberry.type
class ReportSettingsPayload:
    settings: ReportSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _quota(row: models.SalesQuota) -> SalesQuota:
    return SalesQuota(
        user_id=to_global_id("User", row.user_id),
        month=f"{row.month:%Y-%m}",
        amount=money_in(row.amount, row.currency),
    )


def _item_errors(
    item: SetSalesQuotaInput, members: set[int], owners: set[int] | None
) -> tuple[list[UserError], int | None, dt.date | None]:
    errors = exact_money_errors(item.amount, ["amount"])
    user_id = maybe_pk(item.user_id, "User")
    if user_id is None or user_id not in members:
        errors.append(user_error("userId", "No such user in this tenant.", "NOT_FOUND"))
        user_id = None
    elif owners is not None and user_id not in owners:
        errors.append(user_error("userId", "You may set quotas for your team only.", "FORBIDDEN"))
    match = MONTH.match(item.month)
    month = dt.date(int(match[1]), int(match[2]), 1) if match else None
    if month is None:
        errors.append(user_error("month", "Use a month such as 2026-03.", "INVALID"))
    return errors, user_id, month


async def set_sales_quotas(
    ctx: RequestContext, items: list[SetSalesQuotaInput]
) -> list[models.SalesQuota]:
    if not items or len(items) > MAX_QUOTAS:
        raise fail(None, f"Send 1 to {MAX_QUOTAS} quotas at once.", "TOO_MANY")
    owners = await ctx.principal.owner_ids()
    members = set(await Membership.filter(is_active=True).values_list("user_id", flat=True))
    checked, errors = [], []
    for index, item in enumerate(items):
        item_errors, user_id, month = _item_errors(item, members, owners)
        errors += prefixed(index, item_errors)
        checked.append((user_id, month, item.amount))
    if errors:
        raise UserInputError(errors)
    saved = []
    async with ctx.write() as work:
        await work.lock("reports.quotas")
        for user_id, month, amount in checked:
            key = {"user_id": user_id, "month": month, "currency": amount.currency}
            if amount.amount == 0:
                await models.SalesQuota.filter(**key).delete()
                saved.append(models.SalesQuota(**key, amount=Decimal(0)))
                continue
            row, _ = await models.SalesQuota.update_or_create(
                defaults={"amount": amount.amount}, **key
            )
            saved.append(row)
    return saved


async def update_report_settings(
    ctx: RequestContext, data: UpdateReportSettingsInput
) -> models.ReportSettings:
    errors = currency_code_errors(data.currency, ["currency"])
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        await work.lock("reports.settings")
        row = await models.ReportSettings.first() or models.ReportSettings()
        row.currency = data.currency
        await row.save()
    return row


@strawberry.type
class QuotaQueries:
    @strawberry.field(
        permission_classes=requires("report.read"),
        description="Quotas of the people you may see for the months of one year.",
    )
    async def sales_quotas(self, info: Info, year: int) -> list[SalesQuota]:
        owners = await info.context.principal.owner_ids()
        rows = models.SalesQuota.filter(
            month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
        )
        if owners is not None:
            rows = rows.filter(user_id__in=sorted(owners))
        return [_quota(r) for r in await rows.order_by("user_id", "month", "currency")]

    @strawberry.field(permission_classes=requires("report.read"))
    async def report_settings(self, info: Info) -> ReportSettings:
        return ReportSettings(currency=await report_currency())


@strawberry.type
class QuotaMutations:
    @strawberry.mutation(
        permission_classes=requires("quota.manage"),
        description="Set monthly quotas (all or nothing); managers for their team only.",
    )
    async def set_sales_quotas(
        self, info: Info, input: list[SetSalesQuotaInput]
    ) -> SetSalesQuotasPayload:
        async def body() -> SetSalesQuotasPayload:
            rows = await set_sales_quotas(info.context, input)
            return SetSalesQuotasPayload(quotas=[_quota(r) for r in rows])

        return await run_mutation(SetSalesQuotasPayload, body)

    @strawberry.mutation(permission_classes=requires("report.manage"))
    async def update_report_settings(
        self, info: Info, input: UpdateReportSettingsInput
    ) -> ReportSettingsPayload:
        async def body() -> ReportSettingsPayload:
            row = await update_report_settings(info.context, input)
            return ReportSettingsPayload(settings=ReportSettings(currency=row.currency))

        return await run_mutation(ReportSettingsPayload, body)
