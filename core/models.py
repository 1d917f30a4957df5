"""Core's own tables: tenants, users and their memberships, API keys, the event outbox,
number sequences, and what documents need of a tenant (template overrides, branding).

Casbin's policy table comes from casbin-tortoise-adapter and lives in this app too.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.tenancy import TenantModel


class Tenant(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=63, unique=True)
    name = fields.CharField(max_length=200)
    plugins: list[str] = fields.JSONField(default=list)
    # Bumped on every role or grant change so each worker knows to reload the tenant's policy.
    acl_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_tenant"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=255)
    is_platform_admin = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_user"


class Membership(TenantModel):
    """The seat of a user in a tenant: team and manager drive record-level visibility."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="memberships", on_delete=fields.CASCADE
    )
    team = fields.CharField(max_length=100, null=True)
    manager: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_membership"
        unique_together = (("tenant", "user"),)


class ApiKey(TenantModel):
    """A credential for integrations: only a hash of the secret is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    key_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "core_api_key"


class OutboxEvent(TenantModel):
    """Every domain event, written in the transaction of the change, for later delivery."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    plugin = fields.CharField(max_length=63)
    record_type = fields.CharField(max_length=63, null=True)
    record_id = fields.BigIntField(null=True)
    actor_id = fields.IntField(null=True)
    payload: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "core_outbox_event"


class JobRun(Model):
    # One run of a scheduled job for one tenant and due time. The unique key is the lock
    # that lets many workers tick without running a job twice.

    id = fields.BigIntField(primary_key=True)
    job = fields.CharField(max_length=100)
    tenant_id = fields.IntField()
    due_at = fields.DatetimeField()
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    error = fields.TextField(null=True)

    class Meta:
        table = "core_job_run"
        unique_together = (("job", "tenant_id", "due_at"),)


class NumberSequence(TenantModel):
    # The last number handed out for one key (e.g. "quotes:2026") of one tenant. Bumped
    # inside the transaction that uses the number, so a rollback gives the number back.

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "core_number_sequence"
        unique_together = (("tenant", "key"),)


class DocumentTemplateOverride(TenantModel):
    # A tenant's own version of a plugin's document template (core.documents), used instead
    # of the plugin's default until it is deleted ("reset").

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    source = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "core_document_template"
        unique_together = (("tenant", "name"),)


class TenantBranding(TenantModel):
    # What a tenant's documents carry besides its name. The logo is kept as a data URI
    # (PNG, JPEG or SVG, checked by core.documents.branding): rendering never fetches it.

    id = fields.IntField(primary_key=True)
    logo = fields.TextField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "core_tenant_branding"
        unique_together = (("tenant",),)
