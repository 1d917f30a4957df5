"""Contracts with customers, and the tenant's contract settings."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel

DRAFT, ACTIVE, EXPIRED, TERMINATED, RENEWED = "DRAFT", "ACTIVE", "EXPIRED", "TERMINATED", "RENEWED"
STATUSES = (DRAFT, ACTIVE, EXPIRED, TERMINATED, RENEWED)
BILLING_FREQUENCIES = ("ONE_TIME", "MONTHLY", "QUARTERLY", "ANNUALLY")
DEFAULT_REMINDER_DAYS = 30


class Contract(TenantModel):
    """An agreement with a customer for a term, from draft to active to its end."""

    id = fields.IntField(primary_key=True)
    # C-2026-00001: gap-free per tenant and year (core.sequences).
    number = fields.CharField(max_length=30)
    title = fields.CharField(max_length=200)
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    # A plain id and a copy of the number: the orders plugin is optional and may be
    # disabled later, and the contract must still say which order it came from.
    order_id = fields.IntField(null=True)
    order_number = fields.CharField(max_length=50, null=True)
    status = fields.CharField(max_length=12, default=DRAFT)
    # Both days are in force: 2026-01-01 to 2026-12-31 is a one-year term.
    start_date = fields.DateField()
    end_date = fields.DateField()
    value = AmountField()
    currency = fields.CharField(max_length=3)
    billing_frequency = fields.CharField(max_length=12, default="ONE_TIME")
    payment_terms = fields.CharField(max_length=200, null=True)
    auto_renew = fields.BooleanField(default=False)
    # One successor at most: the unique key stops a second renewal even if checks race.
    predecessor: fields.OneToOneNullableRelation[Contract] = fields.OneToOneField(
        "contracts.Contract", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    activated_at = fields.DatetimeField(null=True)
    terminated_at = fields.DatetimeField(null=True)
    termination_reason = fields.CharField(max_length=500, null=True)
    # Set once, by the reminder job, when contract.renewal_due was published.
    renewal_reminded_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "contracts_contract"
        unique_together = (("tenant", "number"),)
        indexes = (
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "end_date", "id"),
            ("tenant_id", "start_date", "id"),
            ("tenant_id", "value", "id"),
            ("tenant_id", "title", "id"),
            ("tenant_id", "status", "end_date"),
            ("tenant_id", "owner_id"),
            ("tenant_id", "customer_id"),
            ("tenant_id", "order_id"),
        )


class ContractSettings(TenantModel):
    """Per-tenant contract settings: how many days before its end a contract is due for renewal."""

    id = fields.IntField(primary_key=True)
    renewal_reminder_days = fields.IntField(default=DEFAULT_REMINDER_DAYS)

    class Meta:
        table = "contracts_settings"
