"""The columns of a priced line, shared by quote lines and order lines (an abstract model:
each plugin keeps its own table). They hold what the customer was shown, copied from the
catalogue so later catalogue edits never change a document; see line_pricing.PricedLine."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel


class PricedLineColumns(TenantModel):
    position = fields.IntField()
    product_id = fields.IntField()
    sku = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    unit = fields.CharField(max_length=20)
    quantity = AmountField()
    unit_price = AmountField()
    price_source = fields.CharField(max_length=20)
    discount_percent = AmountField(default=0)
    tax_percent = AmountField(default=0)
    gross = AmountField()
    discount = AmountField()
    net = AmountField()
    tax = AmountField()
    total = AmountField()

    class Meta:
        abstract = True
