"""What tenant admins configure: scoring rules, assignment rules, pool settings, web forms."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import Enum

import strawberry
from strawberry.types import Info

from core import validation as v
from core.events import UnitOfWork
from core.graphql.context import RequestContext, run_mutation
from core.graphql.payloads import UserError, UserInputError, prefixed, user_error
from core.graphql.permissions import requires
from plugins.leads import models
from plugins.leads.service import Rule, lead_settings, rescore_all, scoring_rules
from plugins.leads.types import LeadSource

MAX_RULES = 100


@strawberry.enum(description="The lead field a scoring rule looks at.")
class ScoreField(Enum):
    SOURCE = "SOURCE"
    TITLE = "TITLE"
    COMPANY = "COMPANY"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    REGION = "REGION"
    TAGS = "TAGS"
    DESCRIPTION = "DESCRIPTION"


@strawberry.enum(description="How a scoring rule compares (case-insensitive).")
class ScoreOperator(Enum):
    EQUALS = "EQUALS"
    CONTAINS = "CONTAINS"
    IS_PRESENT = "IS_PRESENT"


@strawberry.type(description="A lead meeting the condition earns the points.")
class ScoringRule:
    field: ScoreField
    operator: ScoreOperator
    value: str | None
    points: int


@strawberry.input
class ScoringRuleInput:
    field: ScoreField
    operator: ScoreOperator
    value: str | None = strawberry.field(
        default=None, description="Not used by IS_PRESENT; a source name for SOURCE."
    )
    points: int


@strawberry.input
class UpdateScoringRulesInput:
    rules: list[ScoringRuleInput] = strawberry.field(description="Replaces every rule.")


@strawberry.type
class ScoringRulesPayload:
    rules: list[ScoringRule] | None = None
    rescored: int | None = strawberry.field(default=None, description="Leads whose score moved.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(
    description="Leads matching region and source (null matches any) go round-robin to the "
    "salespeople of the team."
)
class AssignmentRule:
    region: str | None
    source: LeadSource | None
    team: str


@strawberry.input
class AssignmentRuleInput:
    region: str | None = None
    source: LeadSource | None = None
    team: str


@strawberry.input
class UpdateAssignmentRulesInput:
    rules: list[AssignmentRuleInput] = strawberry.field(
        description="Replaces every rule; evaluated in this order, the first match wins."
    )


@strawberry.type
class AssignmentRulesPayload:
    rules: list[AssignmentRule] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LeadSettings:
    claim_limit: int = strawberry.field(
        description="Open leads a person may own before claimLead refuses more."
    )
    return_to_pool_after_days: int = strawberry.field(
        description="Days without activity after which an owned lead returns to the pool."
    )


@strawberry.input
class UpdateLeadSettingsInput:
    claim_limit: int | None = None
    return_to_pool_after_days: int | None = None


@strawberry.type
class LeadSettingsPayload:
    settings: LeadSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="A public web form: POST to `path` (form-encoded or JSON).")
class LeadForm:
    id: strawberry.ID
    name: str
    key: str
    path: str
    active: bool
    created_at: dt.datetime


@strawberry.input
class CreateLeadFormInput:
    name: str


@strawberry.input(description="Rename a form, switch it off or on, or give it a new key.")
class UpdateLeadFormInput:
    id: strawberry.ID
    name: str | None = None
    active: bool | None = strawberry.field(
        default=None, description="An inactive form answers 404 and stores nothing."
    )
    rotate_key: bool = strawberry.field(
        default=False,
        description="A new key, and so a new path: the old one stops working at once "
        "(for a key that leaked to spammers).",
    )


@strawberry.type
class LeadFormPayload:
    form: LeadForm | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _scoring(rule: Rule) -> ScoringRule:
    return ScoringRule(
        field=ScoreField(rule.field),
        operator=ScoreOperator(rule.operator),
        value=rule.value,
        points=rule.points,
    )


def _assignment(rule: models.AssignmentRule) -> AssignmentRule:
    return AssignmentRule(
        region=rule.region,
        source=LeadSource(rule.source) if rule.source else None,
        team=rule.team,
    )


def _settings(row: models.LeadSettings) -> LeadSettings:
    return LeadSettings(
        claim_limit=row.claim_limit, return_to_pool_after_days=row.return_after_days
    )


def _form(row: models.LeadForm, slug: str) -> LeadForm:
    return LeadForm(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        key=row.key,
        path=f"/forms/{slug}/{row.key}",
        active=row.is_active,
        created_at=row.created_at,
    )


async def _settings_row(work: UnitOfWork) -> models.LeadSettings:
    """The tenant's settings row, created on first change (under a lock: one per tenant)."""
    await work.lock("leads.settings")
    row = await models.LeadSettings.first()
    if row is None:
        row = await models.LeadSettings.create()
    return row


async def update_scoring_rules(
    ctx: RequestContext, data: UpdateScoringRulesInput
) -> tuple[list[ScoringRule], int]:
    errors: list[UserError] = []
    if len(data.rules) > MAX_RULES:
        errors.append(user_error("rules", f"Use at most {MAX_RULES} rules.", "TOO_MANY"))
    for i, rule in enumerate(data.rules):
        item: list[UserError] = []
        if rule.operator != ScoreOperator.IS_PRESENT:
            item += v.text(rule.value, ["value"], 200, required=True)
        names_source = rule.field == ScoreField.SOURCE and rule.operator == ScoreOperator.EQUALS
        if names_source and (rule.value or "").strip().upper() not in LeadSource.__members__:
            item.append(user_error("value", "Name a lead source.", "INVALID"))
        if not -1000 <= rule.points <= 1000:
            item.append(user_error("points", "Use points between -1000 and 1000.", "INVALID"))
        errors += prefixed(i, item)
    if errors:
        raise UserInputError(
            [user_error(["rules", *(e.field or [])], e.message, e.code) for e in errors]
        )
    async with ctx.write() as work:
        settings = await _settings_row(work)
        await models.ScoringRule.all().delete()
        for position, rule in enumerate(data.rules):
            value = None if rule.operator == ScoreOperator.IS_PRESENT else v.clean(rule.value)
            if rule.field == ScoreField.SOURCE and value:
                value = value.upper()
            await models.ScoringRule.create(
                position=position,
                field=rule.field.value,
                operator=rule.operator.value,
                value=value,
                points=rule.points,
            )
        settings.scoring_customized = True
        await settings.save(update_fields=["scoring_customized"])
        rescored = await rescore_all()
        await work.publish("lead.scoring_changed", "leads", payload={"rescored": rescored})
    return [_scoring(r) for r in await scoring_rules()], rescored


async def update_assignment_rules(
    ctx: RequestContext, data: UpdateAssignmentRulesInput
) -> list[AssignmentRule]:
    errors: list[UserError] = []
    if len(data.rules) > MAX_RULES:
        errors.append(user_error("rules", f"Use at most {MAX_RULES} rules.", "TOO_MANY"))
    for i, rule in enumerate(data.rules):
        item = v.text(rule.team, ["team"], 100, required=True) + v.text(
            rule.region, ["region"], 100
        )
        errors += [user_error(["rules", str(i), *(e.field or [])], e.message, e.code) for e in item]
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        await work.lock("leads.assignment")
        # A rule that stays keeps its place in the rotation: editing the list must not send
        # the next leads back to the team's first salesperson.
        pointers = {
            _rule_key(r.region, r.source, r.team): r.pointer
            for r in await models.AssignmentRule.all()
        }
        await models.AssignmentRule.all().delete()
        for position, rule in enumerate(data.rules):
            region, source = v.clean(rule.region), rule.source.value if rule.source else None
            team = v.clean(rule.team)
            await models.AssignmentRule.create(
                position=position,
                region=region,
                source=source,
                team=team,
                pointer=pointers.get(_rule_key(region, source, team), 0),
            )
    return [_assignment(r) for r in await models.AssignmentRule.all().order_by("position")]


def _rule_key(region: str | None, source: str | None, team: str | None) -> tuple:
    return ((region or "").casefold(), source or "", team or "")


async def update_lead_settings(
    ctx: RequestContext, data: UpdateLeadSettingsInput
) -> models.LeadSettings:
    errors: list[UserError] = []
    if data.claim_limit is not None and not 0 <= data.claim_limit <= 10000:
        errors.append(user_error("claimLimit", "Use a number from 0 to 10000.", "INVALID"))
    days = data.return_to_pool_after_days
    if days is not None and not 1 <= days <= 3650:
        errors.append(
            user_error("returnToPoolAfterDays", "Use a number of days from 1 to 3650.", "INVALID")
        )
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await _settings_row(work)
        if data.claim_limit is not None:
            row.claim_limit = data.claim_limit
        if days is not None:
            row.return_after_days = days
        await row.save()
    return row


async def create_lead_form(ctx: RequestContext, data: CreateLeadFormInput) -> models.LeadForm:
    errors = v.text(data.name, ["name"], 200, required=True)
    if errors:
        raise UserInputError(errors)
    async with ctx.write():
        return await models.LeadForm.create(name=v.clean(data.name), key=secrets.token_urlsafe(18))


async def update_lead_form(ctx: RequestContext, data: UpdateLeadFormInput) -> models.LeadForm:
    form_id = int(data.id) if str(data.id).isdigit() else None
    errors: list[UserError] = []
    if data.name is not None:
        errors += v.text(data.name, ["name"], 200, required=True)
    if errors:
        raise UserInputError(errors)
    async with ctx.write():
        row = await models.LeadForm.get_or_none(id=form_id) if form_id is not None else None
        if row is None:
            raise UserInputError([user_error("id", "No such lead form.", "NOT_FOUND")])
        if data.name is not None:
            row.name = v.clean(data.name)
        if data.active is not None:
            row.is_active = data.active
        if data.rotate_key:
            row.key = secrets.token_urlsafe(18)
        await row.save()
    return row


@strawberry.type
class RuleQueries:
    @strawberry.field(
        permission_classes=requires("lead.manage"),
        description="The tenant's lead scoring rules (a default set until changed).",
    )
    async def scoring_rules(self) -> list[ScoringRule]:
        return [_scoring(r) for r in await scoring_rules()]

    @strawberry.field(
        permission_classes=requires("lead.manage"),
        description="The tenant's lead assignment rules, in evaluation order.",
    )
    async def assignment_rules(self) -> list[AssignmentRule]:
        return [_assignment(r) for r in await models.AssignmentRule.all().order_by("position")]

    @strawberry.field(permission_classes=requires("lead.read"))
    async def lead_settings(self) -> LeadSettings:
        return _settings(await lead_settings())

    @strawberry.field(permission_classes=requires("lead.manage"))
    async def lead_forms(self, info: Info) -> list[LeadForm]:
        slug = info.context.principal.tenant.slug
        return [_form(r, slug) for r in await models.LeadForm.all().order_by("id")]


@strawberry.type
class RuleMutations:
    @strawberry.mutation(
        permission_classes=requires("lead.manage"),
        description="Replace the scoring rules; every lead is rescored.",
    )
    async def update_scoring_rules(
        self, info: Info, input: UpdateScoringRulesInput
    ) -> ScoringRulesPayload:
        async def body() -> ScoringRulesPayload:
            rules, rescored = await update_scoring_rules(info.context, input)
            return ScoringRulesPayload(rules=rules, rescored=rescored)

        return await run_mutation(ScoringRulesPayload, body)

    @strawberry.mutation(permission_classes=requires("lead.manage"))
    async def update_assignment_rules(
        self, info: Info, input: UpdateAssignmentRulesInput
    ) -> AssignmentRulesPayload:
        async def body() -> AssignmentRulesPayload:
            return AssignmentRulesPayload(rules=await update_assignment_rules(info.context, input))

        return await run_mutation(AssignmentRulesPayload, body)

    @strawberry.mutation(permission_classes=requires("lead.manage"))
    async def update_lead_settings(
        self, info: Info, input: UpdateLeadSettingsInput
    ) -> LeadSettingsPayload:
        async def body() -> LeadSettingsPayload:
            row = await update_lead_settings(info.context, input)
            return LeadSettingsPayload(settings=_settings(row))

        return await run_mutation(LeadSettingsPayload, body)

    @strawberry.mutation(
        permission_classes=requires("lead.manage"),
        description="A new public web form; its key is part of the public URL.",
    )
    async def create_lead_form(self, info: Info, input: CreateLeadFormInput) -> LeadFormPayload:
        async def body() -> LeadFormPayload:
            row = await create_lead_form(info.context, input)
            return LeadFormPayload(form=_form(row, info.context.principal.tenant.slug))

        return await run_mutation(LeadFormPayload, body)

    @strawberry.mutation(permission_classes=requires("lead.manage"))
    async def update_lead_form(self, info: Info, input: UpdateLeadFormInput) -> LeadFormPayload:
        async def body() -> LeadFormPayload:
            row = await update_lead_form(info.context, input)
            return LeadFormPayload(form=_form(row, info.context.principal.tenant.slug))

        return await run_mutation(LeadFormPayload, body)
