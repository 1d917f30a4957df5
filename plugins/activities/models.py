"""Tasks, notes and logged calls and meetings, each attached to a record of another plugin."""

from __future__ import annotations

from tortoise import fields

from core.tenancy import TenantModel


class Activity(TenantModel):
    """One task, note, call or meeting about a lead, customer, contact or opportunity."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=10)  # TASK, NOTE, CALL, MEETING
    subject = fields.CharField(max_length=200)
    body = fields.TextField(null=True)
    # The record it is about, by GraphQL type name and primary key: activities attach to
    # records of plugins they do not depend on.
    related_type = fields.CharField(max_length=63)
    related_id = fields.IntField()
    # Tasks: who must do it. Notes, calls, meetings: who wrote or held them.
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    due_date = fields.DateField(null=True)
    status = fields.CharField(max_length=10, default="OPEN")  # OPEN, DONE, CANCELLED
    priority = fields.CharField(max_length=10, default="NORMAL")  # LOW, NORMAL, HIGH
    occurred_at = fields.DatetimeField()
    duration_minutes = fields.IntField(null=True)
    completed_at = fields.DatetimeField(null=True)
    # Set on tasks created by a rule (e.g. first contact), so a rule never repeats itself.
    rule = fields.CharField(max_length=63, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activities_activity"
        indexes = (
            ("tenant_id", "related_type", "related_id", "occurred_at", "id"),
            ("tenant_id", "owner_id", "status", "due_date"),
            ("tenant_id", "kind", "due_date", "id"),
        )


class ActivitySettings(TenantModel):
    """Per-tenant rule settings: days without activity before an opportunity gets a task."""

    id = fields.IntField(primary_key=True)
    stale_opportunity_days = fields.IntField(default=14)

    class Meta:
        table = "activities_settings"
