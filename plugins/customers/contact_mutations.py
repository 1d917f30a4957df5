"""Write side for contacts: create (one or many), update, delete."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core import validation as v
from core.events import CREATED, DELETED, UPDATED
from core.graphql.context import RequestContext, mutation_payload, run_mutation
from core.graphql.payloads import UserError, UserInputError, fail, prefixed, user_error
from core.graphql.permissions import requires
from core.graphql.relay import to_global_id
from core.graphql.updates import bump_version, given
from plugins.customers import models
from plugins.customers.inputs import (
    ContactPayload,
    ContactsPayload,
    CreateContactInput,
    DeleteInput,
    DeletePayload,
    UpdateContactInput,
)
from plugins.customers.service import (
    MAX_BULK,
    PLUGIN,
    owner_id_for,
    visible_contact,
    visible_customer,
)
from plugins.customers.types import Contact


def _text_errors(data: CreateContactInput | UpdateContactInput, creating: bool) -> list[UserError]:
    errors: list[UserError] = []
    if creating or given(data.name):
        errors += v.text(data.name, ["name"], 200, required=True)
    if given(data.title):
        errors += v.text(data.title, ["title"], 100)
    if given(data.email):
        errors += v.email(data.email, ["email"])
    if given(data.phone):
        errors += v.phone(data.phone, ["phone"])
    return errors


async def _prepare(
    ctx: RequestContext, data: CreateContactInput
) -> tuple[models.Contact | None, list[UserError]]:
    """The row to insert and what is wrong with the input (duplicates aside)."""
    errors = _text_errors(data, creating=True)
    customer = await visible_customer(ctx, data.customer_id)
    if customer is None:
        errors.append(user_error("customerId", "No such customer.", "NOT_FOUND"))
    default_owner = customer.owner_id if customer else ctx.principal.user_id
    owner_id, owner_errors = await owner_id_for(ctx, data.owner_id, ["ownerId"], default_owner)
    errors += owner_errors
    if errors or customer is None:
        return None, errors
    row = models.Contact(
        name=v.clean(data.name),
        title=v.clean(data.title),
        email=(v.clean(data.email) or "").lower() or None,
        phone=v.clean(data.phone),
        customer_id=customer.id,
        owner_id=owner_id,
    )
    return row, errors


async def _duplicate_errors(
    ctx: RequestContext, items: list[CreateContactInput], rows: list[models.Contact | None]
) -> list[list[UserError]]:
    """Per item: DUPLICATE when the tenant or an earlier item already has the email."""
    checked = [
        (i, row)
        for i, (item, row) in enumerate(zip(items, rows, strict=True))
        if row is not None and row.email and not item.allow_duplicate
    ]
    existing: dict[str, models.Contact] = {}
    emails = [row.email for _, row in checked]
    if emails:
        for contact in await models.Contact.filter(email__in=emails).order_by("id"):
            existing.setdefault(contact.email, contact)
    errors: list[list[UserError]] = [[] for _ in items]
    earlier: dict[str, int] = {}
    for i, row in checked:
        match = existing.get(row.email)
        if match is not None:
            which = (
                f"Contact '{match.name}' ({to_global_id('Contact', match.id)})"
                if await ctx.may_see_owner(match.owner_id)
                else "A contact owned by a colleague"
            )
            errors[i].append(
                user_error(
                    "email",
                    f"{which} has this email. Pass allowDuplicate: true to create it anyway.",
                    "DUPLICATE",
                )
            )
        elif row.email in earlier:
            errors[i].append(
                user_error("email", f"Item {earlier[row.email]} has the same email.", "DUPLICATE")
            )
        earlier.setdefault(row.email, i)
    return errors


async def create_contacts(
    ctx: RequestContext, items: list[CreateContactInput], bulk: bool
) -> list[models.Contact]:
    """All or nothing; emails are checked for duplicates under a tenant-wide lock."""
    if bulk and not 1 <= len(items) <= MAX_BULK:
        raise fail("input", f"Send between 1 and {MAX_BULK} contacts.", "TOO_MANY")
    async with ctx.write() as work:
        await work.lock("contacts.duplicates")
        prepared = [await _prepare(ctx, item) for item in items]
        rows = [row for row, _ in prepared]
        duplicates = await _duplicate_errors(ctx, items, rows)
        errors: list[UserError] = []
        for i, ((_, item_errors), dup) in enumerate(zip(prepared, duplicates, strict=True)):
            errors += prefixed(i, item_errors + dup) if bulk else item_errors + dup
        if errors:
            raise UserInputError(errors)
        for row in rows:
            await row.save()
        await work.record_many(PLUGIN, CREATED, rows, "Contact")
    return rows


async def update_contact(ctx: RequestContext, data: UpdateContactInput) -> models.Contact:
    async with ctx.write() as work:
        row = await visible_contact(ctx, data.id)
        if row is None:
            raise fail("id", "No such contact.", "NOT_FOUND")
        errors = _text_errors(data, creating=False)
        changes: dict = {}
        if given(data.name):
            changes["name"] = v.clean(data.name)
        for name in ("title", "phone"):
            if given(getattr(data, name)):
                changes[name] = v.clean(getattr(data, name))
        if given(data.email):
            changes["email"] = (v.clean(data.email) or "").lower() or None
        if given(data.customer_id):
            customer = await visible_customer(ctx, data.customer_id)
            if customer is None:
                errors.append(user_error("customerId", "No such customer.", "NOT_FOUND"))
            else:
                changes["customer_id"] = customer.id
        if given(data.owner_id):
            if data.owner_id is None:
                errors.append(user_error("ownerId", "A contact always has an owner.", "REQUIRED"))
            else:
                changes["owner_id"], owner_errors = await owner_id_for(
                    ctx, data.owner_id, ["ownerId"], row.owner_id
                )
                errors += owner_errors
        if errors:
            raise UserInputError(errors)
        await bump_version(models.Contact, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Contact", {"fields": sorted(changes)})
    return row


@strawberry.type
class ContactMutations:
    @strawberry.mutation(permission_classes=requires("contact.write"))
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        async def body() -> ContactPayload:
            rows = await create_contacts(info.context, [input], bulk=False)
            return ContactPayload(contact=Contact.from_row(rows[0]))

        return await run_mutation(ContactPayload, body)

    @strawberry.mutation(
        permission_classes=requires("contact.write"), description="All or nothing; at most 500."
    )
    async def create_contacts(self, info: Info, input: list[CreateContactInput]) -> ContactsPayload:
        async def body() -> ContactsPayload:
            rows = await create_contacts(info.context, input, bulk=True)
            return ContactsPayload(contacts=[Contact.from_row(r) for r in rows])

        return await run_mutation(ContactsPayload, body)

    @strawberry.mutation(permission_classes=requires("contact.write"))
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        return await mutation_payload(
            ContactPayload, "contact", Contact.from_row, update_contact(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("contact.delete"))
    async def delete_contact(self, info: Info, input: DeleteInput) -> DeletePayload:
        async def body() -> DeletePayload:
            ctx = info.context
            async with ctx.write() as work:
                row = await visible_contact(ctx, input.id)
                if row is None:
                    raise fail("id", "No such contact.", "NOT_FOUND")
                await row.delete()
                await work.record(PLUGIN, DELETED, row, "Contact")
            return DeletePayload(deleted_id=strawberry.ID(to_global_id("Contact", row.id)))

        return await run_mutation(DeletePayload, body)
