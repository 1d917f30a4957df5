"""Write side for leads: create (one or many), update, disqualify, assign, claim, merge,
convert."""

from __future__ import annotations

import csv
from types import SimpleNamespace
from typing import Any

import strawberry
from strawberry.types import Info

from core import validation as v
from core.events import DELETED, UPDATED
from core.graphql.context import RequestContext, mutation_payload, run_mutation
from core.graphql.payloads import UserError, UserInputError, fail, prefixed, user_error
from core.graphql.permissions import requires
from core.graphql.updates import bump_version, given
from plugins.customers.service import owner_id_for
from plugins.customers.types import Contact, Customer
from plugins.leads import models
from plugins.leads.convert import convert_lead
from plugins.leads.inputs import (
    AssignLeadInput,
    ClaimLeadInput,
    ConvertLeadInput,
    ConvertLeadPayload,
    CreateLeadInput,
    DisqualifyLeadInput,
    ImportLeadsInput,
    ImportLeadsPayload,
    ImportMode,
    ImportRowError,
    LeadPayload,
    LeadsPayload,
    MergeLeadsInput,
    UpdateLeadInput,
)
from plugins.leads.models import OPEN_STATUSES
from plugins.leads.service import (
    MAX_BULK,
    PLUGIN,
    Duplicates,
    NewLead,
    check_values,
    create_leads,
    derived,
    email_key,
    lead_settings,
    now,
    score,
    scoring_rules,
    visible_lead,
)
from plugins.leads.types import Lead

EDITABLE = (
    "person_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "status",
    "region",
    "tags",
    "description",
)
SCORED = ("source", "title", "company", "email", "phone", "region", "tags", "description")


async def _new_lead(
    ctx: RequestContext, data: CreateLeadInput, path: list[str]
) -> tuple[NewLead, list[UserError]]:
    new = NewLead(
        person_name=data.person_name,
        company=data.company,
        title=data.title,
        email=data.email,
        phone=data.phone,
        source=data.source.value,
        region=data.region,
        tags=list(data.tags or []),
        description=data.description,
    )
    errors = check_values(vars(new), path, creating=True)
    if data.owner_id is not None:
        owner_id, owner_errors = await owner_id_for(
            ctx, data.owner_id, [*path, "ownerId"], ctx.principal.user_id
        )
        new.owner_id = owner_id
        errors += owner_errors
    return new, errors


async def create(ctx: RequestContext, items: list[CreateLeadInput], bulk: bool) -> list[Any]:
    """All or nothing: every item is checked before the first is written."""
    if bulk and not 1 <= len(items) <= MAX_BULK:
        raise fail("input", f"Send between 1 and {MAX_BULK} leads.", "TOO_MANY")
    prepared = [await _new_lead(ctx, item, []) for item in items]
    errors: list[UserError] = []
    for i, (_, item_errors) in enumerate(prepared):
        errors += prefixed(i, item_errors) if bulk else item_errors
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        return await create_leads(ctx.runtime, work, [new for new, _ in prepared])


def _require_open(row: models.Lead, field: str = "id") -> None:
    if row.status not in OPEN_STATUSES:
        raise fail(field, f"This lead is {row.status.lower()}.", "INVALID_STATUS")


async def _visible_or_fail(ctx: RequestContext, gid: str, field: str = "id") -> models.Lead:
    row = await visible_lead(ctx, gid)
    if row is None:
        raise fail(field, "No such lead.", "NOT_FOUND")
    return row


def _cleaned(name: str, value: Any) -> Any:
    if name == "tags":
        return v.normalized_tags(value)
    if name == "email":
        return email_key(value)
    if hasattr(value, "value"):
        return value.value
    return v.clean(value)


async def rescored(row: models.Lead, changes: dict[str, Any]) -> int:
    merged = {f: getattr(row, f) for f in SCORED}
    merged.update((k, val) for k, val in changes.items() if k in SCORED)
    return score(await scoring_rules(), SimpleNamespace(**merged))


async def _duplicate_flag(row: models.Lead, changes: dict[str, Any]) -> dict[str, Any]:
    """The duplicate link after an email or phone change: an earlier lead or any contact."""
    email = changes.get("email_key", row.email_key)
    phone = changes.get("phone_key", row.phone_key)
    raw_phone = changes.get("phone", row.phone)
    found = await Duplicates.matching(
        {email} if email else set(),
        {phone} if phone else set(),
        {raw_phone} if raw_phone else set(),
        before_id=row.id,
    )
    match = found.match(SimpleNamespace(email_key=email, phone_key=phone))
    kind, pk = match or (None, None)
    return {"duplicate_of_type": kind, "duplicate_of_id": pk}


async def update_lead(ctx: RequestContext, data: UpdateLeadInput) -> models.Lead:
    async with ctx.write() as work:
        row = await _visible_or_fail(ctx, data.id)
        values = {n: getattr(data, n) for n in EDITABLE if given(getattr(data, n))}
        plain = {n: (x.value if hasattr(x, "value") else x) for n, x in values.items()}
        errors = check_values(
            {n: x for n, x in plain.items() if x is not None or n != "source"}, [], False
        )
        for name in ("source", "status"):
            if name in values and values[name] is None:
                errors.append(user_error(name, "This field is required.", "REQUIRED"))
        if plain.get("status") in ("DISQUALIFIED", "CONVERTED"):
            errors.append(
                user_error(
                    "status", "Use disqualifyLead or convertLead for that status.", "INVALID"
                )
            )
        if errors:
            raise UserInputError(errors)
        if row.status == "CONVERTED":
            raise fail("id", "A converted lead cannot be edited.", "INVALID_STATUS")
        changes = {n: _cleaned(n, x) for n, x in values.items()}
        changes.update(derived(changes))
        if "email" in changes or "phone" in changes:
            changes.update(await _duplicate_flag(row, changes))
        changes["score"] = await rescored(row, changes)
        changes["last_activity_at"] = now()
        await bump_version(models.Lead, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Lead", {"fields": sorted(values)})
    return row


async def disqualify_lead(ctx: RequestContext, data: DisqualifyLeadInput) -> models.Lead:
    errors = v.text(data.reason, ["reason"], 1000, required=True)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await _visible_or_fail(ctx, data.id)
        _require_open(row)
        await bump_version(
            models.Lead,
            row,
            data.version,
            {
                "status": "DISQUALIFIED",
                "disqualified_reason": v.clean(data.reason),
                "last_activity_at": now(),
            },
        )
        await work.record(PLUGIN, UPDATED, row, "Lead", {"fields": ["status"]})
        await work.publish(
            "lead.disqualified", PLUGIN, row=row, type_name="Lead", payload={"reason": data.reason}
        )
    return row


async def assign_lead(ctx: RequestContext, data: AssignLeadInput) -> models.Lead:
    async with ctx.write() as work:
        row = await _visible_or_fail(ctx, data.id)
        owner_id = None
        if data.owner_id is not None:
            owner_id, errors = await owner_id_for(ctx, data.owner_id, ["ownerId"], 0)
            if errors:
                raise UserInputError(errors)
        _require_open(row)
        stamp = now()
        await bump_version(
            models.Lead,
            row,
            None,
            {
                "owner_id": owner_id,
                "assigned_at": stamp if owner_id else None,
                "last_activity_at": stamp,
            },
        )
        await work.record(PLUGIN, UPDATED, row, "Lead", {"fields": ["owner"]})
        await work.publish(
            "lead.assigned",
            PLUGIN,
            row=row,
            type_name="Lead",
            payload={"ownerId": owner_id, "by": "assign"},
        )
    return row


async def claim_lead(ctx: RequestContext, data: ClaimLeadInput) -> models.Lead:
    """Take a lead from the pool, within the tenant's limit of open leads per person.

    The assignment lock serialises claims, so two people cannot both get one lead and
    nobody slips past the limit by claiming twice at once.
    """
    me = ctx.principal.user_id
    async with ctx.write() as work:
        await work.lock("leads.assignment")
        row = await _visible_or_fail(ctx, data.id)
        if row.owner_id is not None:
            raise fail("id", "This lead is not in the pool.", "NOT_IN_POOL")
        _require_open(row)
        limit = (await lead_settings()).claim_limit
        mine = await models.Lead.filter(owner_id=me, status__in=OPEN_STATUSES).count()
        if mine >= limit:
            raise fail(
                "id",
                f"You already have {mine} open leads; the limit is {limit}. "
                "Work or return some first.",
                "LIMIT_REACHED",
            )
        stamp = now()
        await bump_version(
            models.Lead,
            row,
            None,
            {"owner_id": me, "assigned_at": stamp, "last_activity_at": stamp},
        )
        await work.record(PLUGIN, UPDATED, row, "Lead", {"fields": ["owner"]})
        await work.publish(
            "lead.assigned",
            PLUGIN,
            row=row,
            type_name="Lead",
            payload={"ownerId": me, "by": "claim"},
        )
    return row


FILLABLE = ("company", "title", "email", "phone", "region", "description")


async def merge_leads(ctx: RequestContext, data: MergeLeadsInput) -> models.Lead:
    """Fold duplicate leads into one: blanks are filled, tags joined, sources removed."""
    async with ctx.write() as work:
        target = await _visible_or_fail(ctx, data.target_id, "targetId")
        if target.status == "CONVERTED":
            raise fail("targetId", "This lead is converted.", "INVALID_STATUS")
        if not data.source_ids:
            raise fail("sourceIds", "Name at least one lead to merge.", "REQUIRED")
        sources: list[models.Lead] = []
        errors: list[UserError] = []
        for i, gid in enumerate(data.source_ids):
            path = ["sourceIds", str(i)]
            source = await visible_lead(ctx, gid)
            if source is None:
                errors.append(user_error(path, "No such lead.", "NOT_FOUND"))
            elif source.id == target.id:
                errors.append(user_error(path, "Cannot merge a lead into itself.", "INVALID"))
            elif source.status == "CONVERTED":
                errors.append(user_error(path, "This lead is converted.", "INVALID_STATUS"))
            elif source.id not in {s.id for s in sources}:
                sources.append(source)
        if errors:
            raise UserInputError(errors)
        fill: dict[str, Any] = {}
        tags = list(target.tags or [])
        for source in sources:
            for column in FILLABLE:
                empty = getattr(target, column) is None and column not in fill
                if empty and getattr(source, column):
                    fill[column] = getattr(source, column)
            tags += [t for t in source.tags or [] if t not in tags]
        fill["tags"] = tags
        fill.update(derived(fill))
        source_ids = [s.id for s in sources]
        if target.duplicate_of_type == "Lead" and target.duplicate_of_id in source_ids:
            fill["duplicate_of_type"], fill["duplicate_of_id"] = None, None
        await models.Lead.filter(duplicate_of_type="Lead", duplicate_of_id__in=source_ids).update(
            duplicate_of_id=target.id
        )
        for source in sources:
            await source.delete()
            await work.record(PLUGIN, DELETED, source, "Lead", {"mergedInto": target.id})
        fill["score"] = await rescored(target, fill)
        fill["last_activity_at"] = now()
        await bump_version(models.Lead, target, None, fill)
        await work.record(PLUGIN, UPDATED, target, "Lead", {"fields": sorted(fill)})
        await work.publish(
            "lead.merged",
            PLUGIN,
            row=target,
            type_name="Lead",
            payload={"targetId": target.id, "sourceIds": source_ids},
        )
    return target


MAX_IMPORT_ROWS = 5000
MAX_IMPORT_CHARS = 2_000_000


async def import_csv(ctx: RequestContext, data: ImportLeadsInput) -> ImportLeadsPayload:
    """The CSV import (see plugins.leads.import_csv) for files up to MAX_IMPORT_ROWS rows."""
    from plugins.leads.import_csv import import_leads, read_csv, unknown_columns

    principal = ctx.require_tenant()
    if len(data.csv) > MAX_IMPORT_CHARS:
        raise fail("csv", f"Send at most {MAX_IMPORT_CHARS} characters.", "TOO_LONG")
    mapping = {m.column: m.field.value for m in data.mapping}
    if "person_name" not in mapping.values():
        raise fail("mapping", "Map a column to PERSON_NAME.", "REQUIRED")
    try:
        header, rows = read_csv(data.csv)
    except csv.Error as exc:
        raise fail("csv", f"The CSV cannot be read: {exc}.", "INVALID") from exc
    missing = unknown_columns(header, mapping)
    if missing:
        raise fail("mapping", f"The CSV has no column {', '.join(missing)}.", "NOT_FOUND")
    if not 1 <= len(rows) <= MAX_IMPORT_ROWS:
        raise fail("csv", f"Send between 1 and {MAX_IMPORT_ROWS} rows.", "TOO_MANY")
    skip = data.mode == ImportMode.SKIP_BAD_ROWS
    report = await import_leads(
        ctx.runtime, principal.tenant_id, rows, mapping, skip, actor_id=principal.user_id
    )
    rejected = [
        ImportRowError(line=e.line, field=e.field, message=e.message, code=e.code)
        for e in report.errors
    ]
    if report.errors and not skip:
        raise UserInputError(
            [user_error([str(e.line), e.field], e.message, e.code) for e in report.errors]
        )
    return ImportLeadsPayload(rows=report.rows, created=report.created, rejected=rejected)


@strawberry.type
class LeadMutations:
    @strawberry.mutation(permission_classes=requires("lead.write"))
    async def create_lead(self, info: Info, input: CreateLeadInput) -> LeadPayload:
        async def body() -> LeadPayload:
            rows = await create(info.context, [input], bulk=False)
            return LeadPayload(lead=Lead.from_row(rows[0]))

        return await run_mutation(LeadPayload, body)

    @strawberry.mutation(
        permission_classes=requires("lead.write"), description="All or nothing; at most 500."
    )
    async def create_leads(self, info: Info, input: list[CreateLeadInput]) -> LeadsPayload:
        async def body() -> LeadsPayload:
            rows = await create(info.context, input, bulk=True)
            return LeadsPayload(leads=[Lead.from_row(r) for r in rows])

        return await run_mutation(LeadsPayload, body)

    @strawberry.mutation(permission_classes=requires("lead.write"))
    async def update_lead(self, info: Info, input: UpdateLeadInput) -> LeadPayload:
        return await mutation_payload(
            LeadPayload, "lead", Lead.from_row, update_lead(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("lead.write"))
    async def disqualify_lead(self, info: Info, input: DisqualifyLeadInput) -> LeadPayload:
        return await mutation_payload(
            LeadPayload, "lead", Lead.from_row, disqualify_lead(info.context, input)
        )

    @strawberry.mutation(
        permission_classes=requires("lead.assign"),
        description="Hand a lead to someone you may assign records to, or back to the pool.",
    )
    async def assign_lead(self, info: Info, input: AssignLeadInput) -> LeadPayload:
        return await mutation_payload(
            LeadPayload, "lead", Lead.from_row, assign_lead(info.context, input)
        )

    @strawberry.mutation(
        permission_classes=requires("lead.write"),
        description="Take a lead from the pool (up to the tenant's limit of open leads).",
    )
    async def claim_lead(self, info: Info, input: ClaimLeadInput) -> LeadPayload:
        return await mutation_payload(
            LeadPayload, "lead", Lead.from_row, claim_lead(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("lead.delete"))
    async def merge_leads(self, info: Info, input: MergeLeadsInput) -> LeadPayload:
        return await mutation_payload(
            LeadPayload, "lead", Lead.from_row, merge_leads(info.context, input)
        )

    @strawberry.mutation(
        permission_classes=requires("lead.convert"),
        description="Create or link a customer, create a contact and optionally an "
        "opportunity, and mark the lead converted: all in one transaction.",
    )
    async def convert_lead(self, info: Info, input: ConvertLeadInput) -> ConvertLeadPayload:
        async def body() -> ConvertLeadPayload:
            lead, customer, contact, opportunity_id = await convert_lead(info.context, input)
            return ConvertLeadPayload(
                lead=Lead.from_row(lead),
                customer=Customer.from_row(customer),
                contact=Contact.from_row(contact),
                opportunity_id=opportunity_id,
            )

        return await run_mutation(ConvertLeadPayload, body)

    @strawberry.mutation(
        permission_classes=requires("lead.write"),
        description="Import leads from CSV text (at most 5000 rows; larger files through "
        "python -m plugins.leads.import_csv). ALL_OR_NOTHING reports bad rows as userErrors "
        "whose field starts with the line number, and writes nothing.",
    )
    async def import_leads(self, info: Info, input: ImportLeadsInput) -> ImportLeadsPayload:
        async def body() -> ImportLeadsPayload:
            return await import_csv(info.context, input)

        return await run_mutation(ImportLeadsPayload, body)
