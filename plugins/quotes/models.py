"""Quotes, their lines, and each tenant's quote settings.

A revision is a new row with the same number and the next revision; the one it replaces is
kept, read-only, with status SUPERSEDED. Amounts are AmountField (exact thousandths).
"""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel
from plugins.products.line_models import PricedLineColumns

DRAFT = "DRAFT"
PENDING_APPROVAL = "PENDING_APPROVAL"
APPROVED = "APPROVED"
SENT = "SENT"
ACCEPTED = "ACCEPTED"
REJECTED = "REJECTED"
EXPIRED = "EXPIRED"
SUPERSEDED = "SUPERSEDED"


class Quote(TenantModel):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32)
    revision = fields.IntField(default=1)
    title = fields.CharField(max_length=200)
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    # Plain ids: the opportunities plugin is optional, and price books belong to products.
    opportunity_id = fields.IntField(null=True)
    price_book_id = fields.IntField(null=True)
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    status = fields.CharField(max_length=20, default=DRAFT)
    currency = fields.CharField(max_length=3)
    valid_until = fields.DateField()
    terms = fields.TextField(null=True)
    notes = fields.TextField(null=True)
    subtotal = AmountField(default=0)
    discount_total = AmountField(default=0)
    tax_total = AmountField(default=0)
    grand_total = AmountField(default=0)
    # The deepest line discount, kept so the approval rule needs no look at the lines.
    max_discount_percent = AmountField(default=0)
    submitted_at = fields.DatetimeField(null=True)
    approved_by_id = fields.IntField(null=True)
    approved_at = fields.DatetimeField(null=True)
    approval_comment = fields.CharField(max_length=500, null=True)
    sent_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    rejected_at = fields.DatetimeField(null=True)
    rejection_reason = fields.CharField(max_length=500, null=True)
    expired_at = fields.DatetimeField(null=True)
    superseded_by_id = fields.IntField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "quotes_quote"
        unique_together = (("tenant", "number", "revision"),)
        indexes = (
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "valid_until", "id"),
            ("tenant_id", "status", "valid_until"),
            ("tenant_id", "customer_id"),
            ("tenant_id", "opportunity_id"),
            ("tenant_id", "owner_id"),
        )


class QuoteLine(PricedLineColumns):
    id = fields.IntField(primary_key=True)
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "quotes.Quote", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "quotes_line"
        indexes = (("quote_id", "position"),)


class QuoteSettings(TenantModel):
    id = fields.IntField(primary_key=True)
    # A line discount above this percentage needs a manager's approval.
    approval_threshold_percent = AmountField(default=20)
    validity_days = fields.IntField(default=30)
    default_terms = fields.TextField(null=True)

    class Meta:
        table = "quotes_settings"
