"""Sales quotas per person and month, and the currency a tenant reports in."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel

DEFAULT_CURRENCY = "CNY"


class SalesQuota(TenantModel):
    """What one salesperson should win in one month (in the report currency of the tenant)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    # The first day of the month.
    month = fields.DateField()
    amount = AmountField()
    currency = fields.CharField(max_length=3)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reports_sales_quota"
        unique_together = (("tenant", "user", "month", "currency"),)


class ReportSettings(TenantModel):
    """The currency reports sum amounts in when the caller names none."""

    id = fields.IntField(primary_key=True)
    currency = fields.CharField(max_length=3, default=DEFAULT_CURRENCY)

    class Meta:
        table = "reports_settings"
        unique_together = (("tenant",),)
