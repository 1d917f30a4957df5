"""Products of the catalogue, price books, and the prices a book sets for products."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel


def text_key(text: str | None) -> str:
    """How SKUs and price book names compare: trimmed and case-folded (Unicode-aware, unlike
    SQL lower), so 'ab-1 ' and 'AB-1' are the same SKU."""
    return (text or "").strip().casefold()


class Product(TenantModel):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=64)
    # The SKU as uniqueness compares it (text_key). Case folding can lengthen text ("ß" is
    # "ss"), hence the room.
    sku_key = fields.CharField(max_length=192)
    name = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    unit = fields.CharField(max_length=20)
    list_price = AmountField()
    currency = fields.CharField(max_length=3)
    # Inactive products stay on record (quotes and orders point at them) but are not priced.
    active = fields.BooleanField(default=True)
    tax_category = fields.CharField(max_length=50, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "products_product"
        # One SKU per tenant, whatever its case: the database refuses a second one even if
        # a writer skipped the check.
        unique_together = (("tenant", "sku_key"),)
        # Keyset pages sort by (column, id) inside a tenant: these indexes serve them directly
        # (the unique key serves SKU order).
        indexes = (
            ("tenant_id", "name", "id"),
            ("tenant_id", "list_price", "id"),
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "updated_at", "id"),
        )


class PriceBook(TenantModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    name_key = fields.CharField(max_length=300)
    currency = fields.CharField(max_length=3)
    description = fields.CharField(max_length=500, null=True)
    # The currency this book is the default for, else NULL. The unique key on
    # (tenant, default_for) makes a second default of a currency impossible in the database
    # itself, while any number of non-default books (NULL) coexist.
    default_for = fields.CharField(max_length=3, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    @property
    def is_default(self) -> bool:
        return self.default_for is not None

    class Meta:
        table = "products_price_book"
        unique_together = (("tenant", "default_for"), ("tenant", "currency", "name_key"))
        indexes = (
            ("tenant_id", "name", "id"),
            ("tenant_id", "created_at", "id"),
        )


class PriceBookEntry(TenantModel):
    id = fields.IntField(primary_key=True)
    price_book: fields.ForeignKeyRelation[PriceBook] = fields.ForeignKeyField(
        "products.PriceBook", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "products.Product", related_name=False, on_delete=fields.RESTRICT
    )
    unit_price = AmountField()  # in the book's currency
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "products_price_book_entry"
        unique_together = (("price_book", "product"),)
        indexes = (("tenant_id", "product_id"),)
