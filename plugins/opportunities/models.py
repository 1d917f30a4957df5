"""Pipeline stages, opportunities, their contacts and the history of their stage changes."""

from __future__ import annotations

from tortoise import fields

from core.money import AmountField
from core.tenancy import TenantModel

OPEN, WON, LOST = "OPEN", "WON", "LOST"


class PipelineStage(TenantModel):
    """One column of the tenant pipeline: open stages lead to exactly one won and one lost."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    position = fields.IntField()
    probability = fields.IntField()
    kind = fields.CharField(max_length=10, default=OPEN)

    class Meta:
        table = "opportunities_stage"
        indexes = (("tenant_id", "position"),)


class Opportunity(TenantModel):
    """A deal with a customer moving through the pipeline."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    customer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "customers.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    # Unknown amounts are stored as 0 with no currency, so sorting and sums need no NULL case.
    amount = AmountField(default=0)
    currency = fields.CharField(max_length=3, null=True)
    expected_close_date = fields.DateField()
    stage: fields.ForeignKeyRelation[PipelineStage] = fields.ForeignKeyField(
        "opportunities.PipelineStage", related_name=False, on_delete=fields.RESTRICT
    )
    # OPEN, WON or LOST: the kind of the stage, kept here so lists filter without a join.
    status = fields.CharField(max_length=10, default=OPEN)
    # The effective probability (the override, else the stage's), kept for weighted sums.
    probability = fields.IntField()
    probability_override = fields.IntField(null=True)
    # amount x probability / 100, kept so the board sums it in SQL.
    weighted_amount = AmountField(default=0)
    forecast_category = fields.CharField(max_length=20, default="PIPELINE")
    # A plain id: the lead may be deleted, or the leads plugin disabled, later.
    source_lead_id = fields.IntField(null=True)
    next_step = fields.CharField(max_length=255, null=True)
    close_reason = fields.CharField(max_length=500, null=True)
    closed_date = fields.DateField(null=True)
    stage_entered_at = fields.DatetimeField()
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "opportunities_opportunity"
        indexes = (
            ("tenant_id", "name", "id"),
            ("tenant_id", "amount", "id"),
            ("tenant_id", "expected_close_date", "id"),
            ("tenant_id", "created_at", "id"),
            ("tenant_id", "stage_id", "expected_close_date", "id"),
            ("tenant_id", "owner_id"),
            ("tenant_id", "customer_id"),
            # Closed deals of a period: win rate, cycle length, leaderboard, forecast.
            ("tenant_id", "status", "closed_date"),
        )


class OpportunityContact(TenantModel):
    """A contact of the customer involved in an opportunity."""

    id = fields.IntField(primary_key=True)
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "opportunities.Opportunity", related_name=False, on_delete=fields.CASCADE
    )
    contact: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "customers.Contact", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "opportunities_contact"
        unique_together = (("opportunity", "contact"),)


class StageChange(TenantModel):
    """An opportunity entering a stage: from where, who moved it, how long it sat before."""

    id = fields.IntField(primary_key=True)
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "opportunities.Opportunity", related_name=False, on_delete=fields.CASCADE
    )
    # Plain ids and names: history outlives stages that are later renamed or removed.
    from_stage_id = fields.IntField(null=True)
    from_stage_name = fields.CharField(max_length=100, null=True)
    to_stage_id = fields.IntField()
    to_stage_name = fields.CharField(max_length=100)
    changed_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.RESTRICT
    )
    changed_at = fields.DatetimeField()
    seconds_in_previous = fields.IntField(null=True)

    class Meta:
        table = "opportunities_stage_change"
        indexes = (("tenant_id", "opportunity_id", "changed_at"),)
