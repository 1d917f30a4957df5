"""Customers, their contacts and tags, and the audit trail of merges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise import fields

from core.tenancy import TenantModel


def name_key(name: str | None) -> str:
    """How names compare for duplicates: trimmed, case-folded (Unicode-aware, unlike SQL lower)."""
    return (name or "").strip().casefold()


class Customer(TenantModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    # The name as duplicates compare it (see name_key), kept so the check uses an index;
    # save() and bulk_create() derive it, queryset updates must set it.
    name_key = fields.CharField(max_length=200)
    industry = fields.CharField(max_length=100, null=True)
    size = fields.CharField(max_length=20, null=True)
    website = fields.CharField(max_length=255, null=True)
    # Lowercased host of the website, kept for duplicate detection.
    domain = fields.CharField(max_length=255, null=True)
    phone = fields.CharField(max_length=50, null=True)
    street = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=100, null=True)
    region = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=20, null=True)
    country = fields.CharField(max_length=100, null=True)
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    parent: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "customers.Customer", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    lifecycle_stage = fields.CharField(max_length=20, default="PROSPECT")
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    def _derive(self) -> None:
        self.name_key = name_key(self.name)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self._derive()
        await super().save(*args, **kwargs)

    @classmethod
    def bulk_create(cls, objects: Iterable[Customer], *args: Any, **kwargs: Any) -> Any:
        objects = list(objects)
        for obj in objects:
            obj._derive()
        return super().bulk_create(objects, *args, **kwargs)

    class Meta:
        table = "customers_customer"
        # Keyset pages sort by (column, id) inside a tenant: these indexes serve them directly.
        indexes = (
            ("tenant_id", "name", "id"),
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "updated_at", "id"),
            ("tenant_id", "owner_id"),
            ("tenant_id", "domain"),
            ("tenant_id", "name_key"),
        )


class CustomerTag(TenantModel):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=50)

    class Meta:
        table = "customers_customer_tag"
        unique_together = (("customer", "tag"),)
        indexes = (("tenant_id", "tag"),)


class Contact(TenantModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    title = fields.CharField(max_length=100, null=True)
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=50, null=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "customers_contact"
        indexes = (
            ("tenant_id", "customer_id"),
            ("tenant_id", "email"),
            ("tenant_id", "name", "id"),
            ("tenant_id", "created_at", "id"),
        )


class CustomerMerge(TenantModel):
    """One source customer folded into a target: what it was, who merged it, when."""

    id = fields.IntField(primary_key=True)
    # Plain ids, not foreign keys: the audit trail outlives the customers it names.
    target_id = fields.IntField(db_index=True)
    source_id = fields.IntField()
    source_name = fields.CharField(max_length=200)
    source_snapshot: dict = fields.JSONField()
    moved_contact_ids: list = fields.JSONField(default=list)
    merged_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    merged_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "customers_customer_merge"
