"""Write side for customers: create (one or many), update, delete, merge."""

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
    CreateCustomerInput,
    CustomerPayload,
    CustomersPayload,
    DeleteInput,
    DeletePayload,
    MergeCustomersInput,
    UpdateCustomerInput,
)
from plugins.customers.models import name_key
from plugins.customers.service import (
    MAX_BULK,
    PLUGIN,
    ExistingCustomers,
    add_tags,
    address_columns,
    ancestor_ids,
    check_customer_text,
    duplicate_error,
    owner_id_for,
    parent_errors,
    set_tags,
    visible_customer,
)
from plugins.customers.types import Customer


async def _prepare(
    ctx: RequestContext, data: CreateCustomerInput, path: list[str]
) -> tuple[models.Customer | None, list[str], list[UserError]]:
    """The row to insert, its tags, and what is wrong with the input (duplicates aside)."""
    errors = check_customer_text(data, path, creating=True)
    owner_id, owner_errors = await owner_id_for(
        ctx, data.owner_id, [*path, "ownerId"], ctx.principal.user_id
    )
    parent_id, parent_errs = await parent_errors(ctx, data.parent_id, [*path, "parentId"])
    errors += owner_errors + parent_errs
    if errors:
        return None, [], errors
    row = models.Customer(
        name=v.clean(data.name),
        industry=v.clean(data.industry),
        size=data.size.value if data.size else None,
        website=v.clean(data.website),
        domain=v.website_domain(data.website),
        phone=v.clean(data.phone),
        owner_id=owner_id,
        parent_id=parent_id,
        lifecycle_stage=data.lifecycle_stage.value,
        **address_columns(data.address),
    )
    return row, v.normalized_tags(data.tags), errors


async def _duplicate_errors(
    ctx: RequestContext, items: list[CreateCustomerInput], rows: list[models.Customer | None]
) -> list[list[UserError]]:
    """Per item: a DUPLICATE error when the tenant or an earlier item of the batch has the
    same name or web domain, unless the item allows duplicates."""
    checked = [
        (i, row, name_key(row.name))
        for i, (item, row) in enumerate(zip(items, rows, strict=True))
        if row is not None and not item.allow_duplicate
    ]
    existing = await ExistingCustomers.matching(
        {key for _, _, key in checked}, {r.domain for _, r, _ in checked if r.domain}
    )
    errors: list[list[UserError]] = [[] for _ in items]
    earlier_names: dict[str, int] = {}
    earlier_domains: dict[str, int] = {}
    for i, row, key in checked:
        match = existing.match(key, row.domain)
        if match:
            errors[i].append(await duplicate_error(ctx, [], *match))
        elif key in earlier_names:
            errors[i].append(
                user_error("name", f"Item {earlier_names[key]} has the same name.", "DUPLICATE")
            )
        elif row.domain and row.domain in earlier_domains:
            errors[i].append(
                user_error(
                    "website",
                    f"Item {earlier_domains[row.domain]} has the same web domain.",
                    "DUPLICATE",
                )
            )
        earlier_names.setdefault(key, i)
        if row.domain:
            earlier_domains.setdefault(row.domain, i)
    return errors


async def create_customers(
    ctx: RequestContext, items: list[CreateCustomerInput], bulk: bool
) -> list[models.Customer]:
    """All or nothing. Duplicates are checked under a tenant-wide lock inside the write
    transaction, so two concurrent creates of the same customer cannot both pass."""
    if bulk and not 1 <= len(items) <= MAX_BULK:
        raise fail("input", f"Send between 1 and {MAX_BULK} customers.", "TOO_MANY")
    async with ctx.write() as work:
        await work.lock("customers.duplicates")
        prepared = [await _prepare(ctx, item, []) for item in items]
        rows = [row for row, _, _ in prepared]
        duplicates = await _duplicate_errors(ctx, items, rows)
        errors: list[UserError] = []
        for i, ((_, _, item_errors), dup) in enumerate(zip(prepared, duplicates, strict=True)):
            errors += prefixed(i, item_errors + dup) if bulk else item_errors + dup
        if errors:
            raise UserInputError(errors)
        for row in rows:
            await row.save()
        await add_tags([(row.id, tags) for row, tags, _ in prepared])
        await work.record_many(PLUGIN, CREATED, rows, "Customer")
    return rows


async def update_customer(ctx: RequestContext, data: UpdateCustomerInput) -> models.Customer:
    async with ctx.write() as work:
        row = await visible_customer(ctx, data.id)
        if row is None:
            raise fail("id", "No such customer.", "NOT_FOUND")
        errors = check_customer_text(data, [], creating=False)
        changes: dict = {}
        if given(data.owner_id):
            if data.owner_id is None:
                errors.append(user_error("ownerId", "A customer always has an owner.", "REQUIRED"))
            else:
                changes["owner_id"], owner_errors = await owner_id_for(
                    ctx, data.owner_id, ["ownerId"], row.owner_id
                )
                errors += owner_errors
        if given(data.parent_id):
            changes["parent_id"], parent_errs = await parent_errors(
                ctx, data.parent_id, ["parentId"], child_id=row.id
            )
            errors += parent_errs
        if given(data.name) and data.name is not None:
            changes["name"] = v.clean(data.name)
            changes["name_key"] = name_key(data.name)
        for name in ("industry", "phone"):
            if given(getattr(data, name)):
                changes[name] = v.clean(getattr(data, name))
        if given(data.website):
            changes["website"] = v.clean(data.website)
            changes["domain"] = v.website_domain(data.website)
        if given(data.size):
            changes["size"] = data.size.value if data.size else None
        if given(data.lifecycle_stage):
            if data.lifecycle_stage is None:
                errors.append(user_error("lifecycleStage", "This field is required.", "REQUIRED"))
            else:
                changes["lifecycle_stage"] = data.lifecycle_stage.value
        if given(data.address):
            changes.update(address_columns(data.address))
        if errors:
            raise UserInputError(errors)
        await bump_version(models.Customer, row, data.version, changes)
        if given(data.tags):
            await set_tags(row.id, v.normalized_tags(data.tags))
        await work.record(PLUGIN, UPDATED, row, "Customer", {"fields": sorted(changes)})
    return row


async def delete_customer(ctx: RequestContext, gid: str) -> str:
    async with ctx.write() as work:
        row = await visible_customer(ctx, gid)
        if row is None:
            raise fail("id", "No such customer.", "NOT_FOUND")
        # Every installed plugin answers, enabled or not: its rows exist either way.
        dependents = [("contacts", await models.Contact.filter(customer_id=row.id).count())]
        dependents += [
            answer
            for _, answer in await ctx.runtime.host.gather(
                "customer_dependents", customer_id=row.id
            )
        ]
        held = ", ".join(f"{count} {label}" for label, count in dependents if count)
        if held:
            raise fail(
                "id",
                f"'{row.name}' still has {held}: move or delete them, "
                "or merge this customer into another.",
                "HAS_DEPENDENTS",
            )
        await models.Customer.filter(parent_id=row.id).update(parent_id=None)
        await row.delete()
        await work.record(PLUGIN, DELETED, row, "Customer")
    return to_global_id("Customer", row.id)


async def merge_customers(ctx: RequestContext, data: MergeCustomersInput) -> models.Customer:
    """Fold sources into the target: contacts, children and tags move; blanks are filled;
    each source leaves an audit record with its full former state."""
    async with ctx.write() as work:
        target = await visible_customer(ctx, data.target_id)
        if target is None:
            raise fail("targetId", "No such customer.", "NOT_FOUND")
        if not data.source_ids:
            raise fail("sourceIds", "Name at least one customer to merge.", "REQUIRED")
        sources, errors = [], []
        for i, gid in enumerate(data.source_ids):
            source = await visible_customer(ctx, gid)
            if source is None:
                errors.append(user_error(["sourceIds", str(i)], "No such customer.", "NOT_FOUND"))
            elif source.id == target.id:
                errors.append(
                    user_error(
                        ["sourceIds", str(i)], "Cannot merge a customer into itself.", "INVALID"
                    )
                )
            elif source.id not in {s.id for s in sources}:
                sources.append(source)
        if errors:
            raise UserInputError(errors)
        # Other plugins move their records first: the sources are deleted below.
        await ctx.runtime.host.gather(
            "customers_merged",
            ctx=ctx,
            work=work,
            target_id=target.id,
            source_ids=[s.id for s in sources],
        )
        fill: dict = {}
        tags = set(
            await models.CustomerTag.filter(customer_id=target.id).values_list("tag", flat=True)
        )
        for source in sources:
            for column in (
                "industry",
                "size",
                "website",
                "domain",
                "phone",
                "street",
                "city",
                "region",
                "postal_code",
                "country",
            ):
                if (
                    getattr(target, column) is None
                    and column not in fill
                    and getattr(source, column)
                ):
                    fill[column] = getattr(source, column)
            contact_ids = await models.Contact.filter(customer_id=source.id).values_list(
                "id", flat=True
            )
            await models.Contact.filter(customer_id=source.id).update(customer_id=target.id)
            # Children move to the target, except the target's own ancestors: that would
            # close a loop (they lose the source as parent instead).
            await (
                models.Customer.filter(parent_id=source.id)
                .exclude(id__in=[target.id, *await ancestor_ids(target)])
                .update(parent_id=target.id)
            )
            tags |= set(
                await models.CustomerTag.filter(customer_id=source.id).values_list("tag", flat=True)
            )
            await models.CustomerMerge.create(
                target_id=target.id,
                source_id=source.id,
                source_name=source.name,
                source_snapshot=_snapshot(source),
                moved_contact_ids=list(contact_ids),
                merged_by_id=ctx.principal.user_id,
            )
            if target.parent_id == source.id:
                fill["parent_id"] = source.parent_id if source.parent_id != target.id else None
            # What the source had absorbed before stays in the audit trail, now the target's.
            await models.CustomerMerge.filter(target_id=source.id).update(target_id=target.id)
            await source.delete()
            await work.record(PLUGIN, DELETED, source, "Customer", {"mergedInto": target.id})
        await bump_version(models.Customer, target, None, fill)
        await set_tags(target.id, sorted(tags))
        await work.record(PLUGIN, UPDATED, target, "Customer", {"fields": sorted(fill)})
        await work.publish(
            "customer.merged",
            PLUGIN,
            row=target,
            type_name="Customer",
            payload={"targetId": target.id, "sourceIds": [s.id for s in sources]},
        )
    return target


def _snapshot(row: models.Customer) -> dict:
    columns = [f for f in row._meta.db_fields]
    return {c: (str(getattr(row, c)) if getattr(row, c) is not None else None) for c in columns}


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(permission_classes=requires("customer.write"))
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> CustomerPayload:
        async def body() -> CustomerPayload:
            rows = await create_customers(info.context, [input], bulk=False)
            return CustomerPayload(customer=Customer.from_row(rows[0]))

        return await run_mutation(CustomerPayload, body)

    @strawberry.mutation(
        permission_classes=requires("customer.write"), description="All or nothing; at most 500."
    )
    async def create_customers(
        self, info: Info, input: list[CreateCustomerInput]
    ) -> CustomersPayload:
        async def body() -> CustomersPayload:
            rows = await create_customers(info.context, input, bulk=True)
            return CustomersPayload(customers=[Customer.from_row(r) for r in rows])

        return await run_mutation(CustomersPayload, body)

    @strawberry.mutation(permission_classes=requires("customer.write"))
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> CustomerPayload:
        return await mutation_payload(
            CustomerPayload, "customer", Customer.from_row, update_customer(info.context, input)
        )

    @strawberry.mutation(permission_classes=requires("customer.delete"))
    async def delete_customer(self, info: Info, input: DeleteInput) -> DeletePayload:
        async def body() -> DeletePayload:
            return DeletePayload(
                deleted_id=strawberry.ID(await delete_customer(info.context, input.id))
            )

        return await run_mutation(DeletePayload, body)

    @strawberry.mutation(permission_classes=requires("customer.merge"))
    async def merge_customers(self, info: Info, input: MergeCustomersInput) -> CustomerPayload:
        return await mutation_payload(
            CustomerPayload, "customer", Customer.from_row, merge_customers(info.context, input)
        )
