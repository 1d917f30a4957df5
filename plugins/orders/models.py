"""Sales orders and their lines. Amounts are AmountField (exact thousandths)."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel
from plugins.products.line_models import PricedLineColumns

DRAFT, CONFIRMED, FULFILLED = "DRAFT", "CONFIRMED", "FULFILLED"
INVOICED, PAID, CLOSED, CANCELLED = "INVOICED", "PAID", "CLOSED", "CANCELLED"
UNPAID, PARTIALLY_PAID = "UNPAID", "PARTIALLY_PAID"


class Order(TenantModel):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32)
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    # Plain ids: quotes and opportunities are optional plugins. One order per quote.
    source_quote_id = fields.IntField(null=True)
    source_quote_number = fields.CharField(max_length=40, null=True)
    opportunity_id = fields.IntField(null=True)
    status = fields.CharField(max_length=20, default=DRAFT)
    payment_status = fields.CharField(max_length=20, default=UNPAID)
    paid_amount = AmountField(default=0)
    currency = fields.CharField(max_length=3)
    subtotal = AmountField(default=0)
    discount_total = AmountField(default=0)
    tax_total = AmountField(default=0)
    grand_total = AmountField(default=0)
    delivery_date = fields.DateField(null=True)
    notes = fields.TextField(null=True)
    cancel_reason = fields.CharField(max_length=500, null=True)
    confirmed_at = fields.DatetimeField(null=True)
    fulfilled_at = fields.DatetimeField(null=True)
    invoiced_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "orders_order"
        unique_together = (("tenant", "number"), ("tenant", "source_quote_id"))
        indexes = (
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "delivery_date", "id"),
            ("tenant_id", "status"),
            ("tenant_id", "customer_id"),
            ("tenant_id", "owner_id"),
        )


class OrderLine(PricedLineColumns):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "orders.Order", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "orders_line"
        indexes = (("order_id", "position"),)
