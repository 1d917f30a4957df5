"""Rules of the leads plugin that every way in shares (GraphQL, web form, CSV import):
validation, scoring, duplicate flags, routing by assignment rules, and the create path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core import validation as v
from core.bulk import build_rows, insert_many, reserve_ids
from core.events import CREATED, UnitOfWork
from core.graphql.payloads import UserError, user_error
from core.models import Membership, Tenant
from plugins.customers import models as customer_models
from plugins.leads import models

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from core.runtime import Runtime

PLUGIN = "leads"
MAX_BULK = 500  # items per bulk call (API.md)
SOURCES = ("WEB_FORM", "CAMPAIGN", "REFERRAL", "IMPORT", "API", "EVENT", "OTHER")
STATUSES = ("NEW", "WORKING", "QUALIFIED", "DISQUALIFIED", "CONVERTED")
SCORE_FIELDS = ("SOURCE", "TITLE", "COMPANY", "EMAIL", "PHONE", "REGION", "TAGS", "DESCRIPTION")
SCORE_OPERATORS = ("EQUALS", "CONTAINS", "IS_PRESENT")
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&[a-zA-Z]+;|&#")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- the values of a new lead, whichever way it comes in --------------------------------------


@dataclass
class NewLead:
    """A lead to create. `owner_id` None lets the assignment rules route it (or pool it)."""

    person_name: str | None
    company: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str = "OTHER"
    region: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    owner_id: int | None = None


TEXT_LIMITS = {
    "person_name": 200,
    "company": 200,
    "title": 100,
    "region": 100,
    "description": 5000,
}


@cache
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def has_markup(value: str | None) -> bool:
    return bool(value) and bool(_MARKUP.search(value or ""))


def check_values(values: dict[str, Any], path: list[str], creating: bool) -> list[UserError]:
    """userErrors for lead fields present in `values` (keys are model column names)."""
    errors: list[UserError] = []
    if creating or "person_name" in values:
        errors += v.text(values.get("person_name"), [*path, "personName"], 200, required=True)
    for name, limit in TEXT_LIMITS.items():
        if name != "person_name" and name in values:
            errors += v.text(values[name], [*path, camel(name)], limit)
    if "email" in values:
        errors += v.email(values["email"], [*path, "email"])
    if "phone" in values:
        errors += v.phone(values["phone"], [*path, "phone"])
    if "tags" in values:
        errors += v.tags(values["tags"], [*path, "tags"])
        if any("," in (t or "") for t in values["tags"] or []):
            errors.append(user_error([*path, "tags"], "Tags cannot contain commas.", "INVALID"))
    if "source" in values and values["source"] not in SOURCES:
        errors.append(user_error([*path, "source"], "Unknown lead source.", "INVALID"))
    return errors


def email_key(email: str | None) -> str | None:
    email = v.clean(email)
    return email.lower() if email else None


def phone_key(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


def tags_text(tags: list[str]) -> str:
    return "," + ",".join(tags) + "," if tags else ""


def derived(values: dict[str, Any]) -> dict[str, Any]:
    """Columns kept in step with the ones people edit."""
    out: dict[str, Any] = {}
    if "email" in values:
        out["email_key"] = email_key(values["email"])
    if "phone" in values:
        out["phone_key"] = phone_key(values["phone"])
    if "tags" in values:
        out["tags_text"] = tags_text(values["tags"])
    return out


def columns_of(new: NewLead) -> dict[str, Any]:
    values = {
        "person_name": v.clean(new.person_name),
        "company": v.clean(new.company),
        "title": v.clean(new.title),
        "email": email_key(new.email),
        "phone": v.clean(new.phone),
        "source": new.source,
        "region": v.clean(new.region),
        "tags": v.normalized_tags(new.tags),
        "description": v.clean(new.description),
    }
    return {**values, **derived(values)}


# -- visibility ----------------------------------------------------------------------------------


async def visible_leads(ctx: RequestContext, queryset: QuerySet) -> QuerySet:
    """The caller's leads (own, team or tenant, as for every record) plus the pool, which
    every salesperson of the tenant sees."""
    owners = await ctx.principal.owner_ids()
    if owners is None:
        return queryset
    return queryset.filter(Q(owner_id__in=list(owners)) | Q(owner_id__isnull=True))


async def visible_lead(ctx: RequestContext, gid: str | None) -> models.Lead | None:
    from core.graphql.relay import maybe_pk

    pk = maybe_pk(gid, "Lead")
    if pk is None:
        return None
    return await (await visible_leads(ctx, models.Lead.filter(id=pk))).first()


# -- settings and scoring ------------------------------------------------------------------------


async def lead_settings() -> models.LeadSettings:
    """The tenant's settings; defaults (unsaved) until an admin changes them."""
    return await models.LeadSettings.first() or models.LeadSettings()


@dataclass(frozen=True)
class Rule:
    field: str
    operator: str
    value: str | None
    points: int


DEFAULT_RULES = (
    Rule("SOURCE", "EQUALS", "REFERRAL", 20),
    Rule("SOURCE", "EQUALS", "EVENT", 10),
    Rule("TITLE", "CONTAINS", "CEO", 15),
    Rule("COMPANY", "IS_PRESENT", None, 10),
    Rule("EMAIL", "IS_PRESENT", None, 5),
    Rule("PHONE", "IS_PRESENT", None, 5),
)


async def scoring_rules() -> list[Rule]:
    if not (await lead_settings()).scoring_customized:
        return list(DEFAULT_RULES)
    rows = await models.ScoringRule.all().order_by("position", "id")
    return [Rule(r.field, r.operator, r.value, r.points) for r in rows]


def _field_values(lead: Any, name: str) -> list[str]:
    value = getattr(lead, name.lower())
    if name == "TAGS":
        return [str(t) for t in value or []]
    return [str(value)] if value not in (None, "") else []


def rule_matches(rule: Rule, lead: Any) -> bool:
    values = _field_values(lead, rule.field)
    if rule.operator == "IS_PRESENT":
        return bool(values)
    wanted = (rule.value or "").casefold()
    if rule.operator == "EQUALS":
        return any(x.casefold() == wanted for x in values)
    return any(wanted in x.casefold() for x in values)


def score(rules: Iterable[Rule], lead: Any) -> int:
    """The sum of the points of the rules the lead meets."""
    return sum(r.points for r in rules if rule_matches(r, lead))


async def rescore_all(batch: int = 500) -> int:
    """Recompute every lead's score after the rules changed: one read and one update per
    distinct score for each batch of leads."""
    rules = await scoring_rules()
    last_id, changed = 0, 0
    while True:
        rows = await (
            models.Lead.filter(id__gt=last_id)
            .order_by("id")
            .limit(batch)
            .only("id", "source", "title", "company", "email", "phone", "region", "tags", "score")
        )
        if not rows:
            return changed
        by_score: dict[int, list[int]] = {}
        for row in rows:
            new = score(rules, row)
            if new != row.score:
                by_score.setdefault(new, []).append(row.id)
        for value, ids in by_score.items():
            changed += await models.Lead.filter(id__in=ids).update(score=value)
        last_id = rows[-1].id


# -- duplicates ----------------------------------------------------------------------------------


class Duplicates:
    """Existing leads and contacts of the tenant sharing an email or phone with new leads:
    a few queries for a whole batch. Contacts win over leads (the person is already known)."""

    def __init__(self) -> None:
        self.by_email: dict[str, tuple[str, int]] = {}
        self.by_phone: dict[str, tuple[str, int]] = {}

    @classmethod
    async def matching(
        cls, emails: set[str], phones: set[str], raw_phones: set[str], before_id: int | None = None
    ) -> Duplicates:
        """`before_id`: only leads created before that one count (re-checking an edit)."""
        found = cls()
        leads = models.Lead.all() if before_id is None else models.Lead.filter(id__lt=before_id)
        if emails:
            for e, i in await customer_models.Contact.filter(email__in=list(emails)).values_list(
                "email", "id"
            ):
                found.by_email.setdefault(e.lower(), ("Contact", i))
            for e, i in (
                await leads.filter(email_key__in=list(emails))
                .order_by("id")
                .values_list("email_key", "id")
            ):
                found.by_email.setdefault(e, ("Lead", i))
        if phones:
            # Contacts keep the phone as typed, without a digits column to index: they
            # match on the same spelling (digits of what matched must agree too).
            contacts = await customer_models.Contact.filter(phone__in=list(raw_phones)).values_list(
                "phone", "id"
            )
            for p, i in contacts:
                key = phone_key(p)
                if key in phones:
                    found.by_phone.setdefault(key, ("Contact", i))
            for p, i in (
                await leads.filter(phone_key__in=list(phones))
                .order_by("id")
                .values_list("phone_key", "id")
            ):
                found.by_phone.setdefault(p, ("Lead", i))
        return found

    def match(self, row: Any) -> tuple[str, int] | None:
        if row.email_key and row.email_key in self.by_email:
            return self.by_email[row.email_key]
        if row.phone_key and row.phone_key in self.by_phone:
            return self.by_phone[row.phone_key]
        return None

    def remember(self, row: models.Lead) -> None:
        """Later leads of the same batch match this one."""
        if row.email_key:
            self.by_email.setdefault(row.email_key, ("Lead", row.id))
        if row.phone_key:
            self.by_phone.setdefault(row.phone_key, ("Lead", row.id))


# -- routing -------------------------------------------------------------------------------------


class Router:
    """Assignment rules of one tenant, evaluated in order; round-robin inside the team.

    Callers hold the tenant's "leads.assignment" lock, so the persisted pointer is read
    and advanced by one transaction at a time: concurrent creates share the turns fairly.
    """

    def __init__(self, runtime: Runtime, tenant_id: int) -> None:
        self.runtime = runtime
        self.tenant_id = tenant_id
        self.rules: list[models.AssignmentRule] = []
        self._teams: dict[str, list[int]] = {}
        self._moved: set[int] = set()

    async def load(self) -> Router:
        self.rules = list(await models.AssignmentRule.all().order_by("position", "id"))
        return self

    async def salespeople(self, team: str) -> list[int]:
        if team not in self._teams:
            tenant = await Tenant.get(id=self.tenant_id)
            rbac = self.runtime.rbac
            enforcer = await rbac.enforcer(tenant.id, tenant.acl_version)
            user_ids = await Membership.filter(
                team=team, is_active=True, user__is_active=True
            ).values_list("user_id", flat=True)
            people = []
            for user_id in sorted(user_ids):
                if "sales" in await rbac.roles_of(enforcer, tenant.id, user_id):
                    people.append(user_id)
            self._teams[team] = people
        return self._teams[team]

    async def owner_for(self, row: models.Lead) -> int | None:
        for rule in self.rules:
            if rule.region and (row.region or "").casefold() != rule.region.casefold():
                continue
            if rule.source and row.source != rule.source:
                continue
            people = await self.salespeople(rule.team)
            if not people:
                continue  # an empty team hands its leads to the next rule
            owner = people[rule.pointer % len(people)]
            rule.pointer += 1
            self._moved.add(rule.id)
            return owner
        return None

    async def save(self) -> None:
        for rule in self.rules:
            if rule.id in self._moved:
                await models.AssignmentRule.filter(id=rule.id).update(pointer=rule.pointer)


# -- the create path ----------------------------------------------------------------------------


async def create_leads(runtime: Runtime, work: UnitOfWork, items: list[NewLead]) -> list[Any]:
    """Insert validated leads: score, flag duplicates, route, record and publish events.

    Runs inside the caller's unit of work, under the tenant's assignment lock.
    """
    await work.lock("leads.assignment")
    rules = await scoring_rules()
    router = await Router(runtime, work.tenant_id).load()
    columns = [columns_of(item) for item in items]
    duplicates = await Duplicates.matching(
        {c["email_key"] for c in columns if c["email_key"]},
        {c["phone_key"] for c in columns if c["phone_key"]},
        {c["phone"] for c in columns if c["phone"]},
    )
    stamp = now()
    rows: list[models.Lead] = []
    routed: list[models.Lead] = []
    ids = iter(await reserve_ids(models.Lead, len(items)))
    fresh = build_rows(
        models.Lead,
        [
            {
                **values,
                "id": next(ids),
                "last_activity_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
                "owner_id": item.owner_id,
            }
            for item, values in zip(items, columns, strict=True)
        ],
    )
    for row in fresh:
        row.score = score(rules, row)
        match = duplicates.match(row)
        if match:
            row.duplicate_of_type, row.duplicate_of_id = match
        if row.owner_id is None:
            row.owner_id = await router.owner_for(row)
            if row.owner_id is not None:
                routed.append(row)
        if row.owner_id is not None:
            row.assigned_at = stamp
        duplicates.remember(row)
        rows.append(row)
    await insert_many(models.Lead, rows, MAX_BULK)
    await router.save()
    await work.record_many(PLUGIN, CREATED, rows, "Lead")
    by_rule = {row.id for row in routed}
    await work.publish_many(
        "lead.assigned",
        PLUGIN,
        [row for row in rows if row.owner_id is not None],
        "Lead",
        lambda row: {"ownerId": row.owner_id, "by": "rule" if row.id in by_rule else "creator"},
    )
    return rows
