"""Leads, and the per-tenant rules and settings that score, route and capture them."""

from __future__ import annotations

from tortoise import fields

from core.tenancy import TenantModel

OPEN_STATUSES = ("NEW", "WORKING", "QUALIFIED")


class Lead(TenantModel):
    """A person who may become a customer: captured, scored, routed, converted."""

    id = fields.IntField(primary_key=True)
    person_name = fields.CharField(max_length=200)
    company = fields.CharField(max_length=200, null=True)
    title = fields.CharField(max_length=100, null=True)
    email = fields.CharField(max_length=254, null=True)
    # Lowercased email and the digits of the phone: what duplicate detection compares.
    email_key = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=50, null=True)
    phone_key = fields.CharField(max_length=50, null=True)
    source = fields.CharField(max_length=20, default="OTHER")
    status = fields.CharField(max_length=20, default="NEW")
    score = fields.IntField(default=0)
    # Null means the lead waits in the pool, where any salesperson may claim it.
    owner: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    region = fields.CharField(max_length=100, null=True)
    tags: list = fields.JSONField(default=list)
    # The tags as ",a,b," so a tag filter is a plain LIKE on one column.
    tags_text = fields.TextField(default="")
    description = fields.TextField(null=True)
    disqualified_reason = fields.TextField(null=True)
    # The earlier lead or contact this one duplicates (type name and id), when flagged.
    duplicate_of_type = fields.CharField(max_length=20, null=True)
    duplicate_of_id = fields.IntField(null=True)
    # What the lead became: plain ids, the records live in other plugins.
    customer_id = fields.IntField(null=True)
    contact_id = fields.IntField(null=True)
    opportunity_id = fields.IntField(null=True)
    converted_at = fields.DatetimeField(null=True)
    assigned_at = fields.DatetimeField(null=True)
    last_activity_at = fields.DatetimeField()
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "leads_lead"
        indexes = (
            ("tenant_id", "person_name", "id"),
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "score", "id"),
            ("tenant_id", "owner_id", "status"),
            ("tenant_id", "email_key"),
            ("tenant_id", "phone_key"),
            ("tenant_id", "status", "last_activity_at"),
        )


class ScoringRule(TenantModel):
    """One scoring rule: when the field meets the condition the lead earns the points."""

    id = fields.IntField(primary_key=True)
    position = fields.IntField()
    field = fields.CharField(max_length=20)
    operator = fields.CharField(max_length=20)
    value = fields.CharField(max_length=200, null=True)
    points = fields.IntField()

    class Meta:
        table = "leads_scoring_rule"
        indexes = (("tenant_id", "position"),)


class AssignmentRule(TenantModel):
    """Leads matching region and source (blank matches any) go round-robin to a team."""

    id = fields.IntField(primary_key=True)
    position = fields.IntField()
    region = fields.CharField(max_length=100, null=True)
    source = fields.CharField(max_length=20, null=True)
    team = fields.CharField(max_length=100)
    # How many leads the rule has handed out: the next goes to member (pointer mod size).
    pointer = fields.IntField(default=0)

    class Meta:
        table = "leads_assignment_rule"
        indexes = (("tenant_id", "position"),)


class LeadSettings(TenantModel):
    """Per tenant limits of the lead pool, and whether scoring rules were customised."""

    id = fields.IntField(primary_key=True)
    claim_limit = fields.IntField(default=20)
    return_after_days = fields.IntField(default=14)
    scoring_customized = fields.BooleanField(default=False)

    class Meta:
        table = "leads_settings"
        unique_together = (("tenant",),)


class LeadForm(TenantModel):
    """A public web form posting leads: its key is part of the public URL."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "leads_form"
