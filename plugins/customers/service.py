"""Rules of the customers plugin: validation, duplicate detection, owner and parent checks."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from core import validation as v
from core.graphql.context import RequestContext
from core.graphql.payloads import UserError, user_error
from core.graphql.relay import from_global_id, to_global_id
from core.graphql.updates import given
from core.models import Membership
from plugins.customers import models

PLUGIN = "customers"
MAX_BULK = 500  # items per bulk call (API.md)

# Shared mail providers say nothing about which company a person works for.
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sohu.com",
        "foxmail.com",
        "aliyun.com",
        "yeah.net",
    }
)


def email_domain(email: str | None) -> str | None:
    email = v.clean(email)
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].lower()
    return None if domain in FREE_MAIL else domain


async def owner_id_for(
    ctx: RequestContext, owner_gid: str | None, path: list[str], default: int
) -> tuple[int, list[UserError]]:
    """The owner to set: a tenant member the caller may hand records to."""
    if owner_gid is None:
        return default, []
    parsed = from_global_id(str(owner_gid))
    if (
        parsed is None
        or parsed[0] != "User"
        or not await Membership.exists(user_id=parsed[1], is_active=True)
    ):
        return default, [user_error(path, "No such user in this tenant.", "NOT_FOUND")]
    if not await ctx.may_see_owner(parsed[1]):
        return default, [
            user_error(path, "You may only assign records within your team.", "NOT_ALLOWED")
        ]
    return parsed[1], []


async def visible_customer(ctx: RequestContext, gid: str | None) -> models.Customer | None:
    parsed = from_global_id(str(gid)) if gid else None
    if parsed is None or parsed[0] != "Customer":
        return None
    return await (await ctx.visible(models.Customer.filter(id=parsed[1]))).first()


async def visible_contact(ctx: RequestContext, gid: str | None) -> models.Contact | None:
    parsed = from_global_id(str(gid)) if gid else None
    if parsed is None or parsed[0] != "Contact":
        return None
    return await (await ctx.visible(models.Contact.filter(id=parsed[1]))).first()


def check_customer_text(data: Any, path: list[str], creating: bool) -> list[UserError]:
    errors: list[UserError] = []
    if creating or given(data.name):
        errors += v.text(data.name, [*path, "name"], 200, required=True)
    for name, limit in (("industry", 100),):
        value = getattr(data, name)
        if given(value):
            errors += v.text(value, [*path, name], limit)
    if given(data.website):
        errors += v.website(data.website, [*path, "website"])
    if given(data.phone):
        errors += v.phone(data.phone, [*path, "phone"])
    if given(data.tags):
        errors += v.tags(data.tags, [*path, "tags"])
    if given(data.address) and data.address is not None:
        a = data.address
        for name, limit in (
            ("street", 255),
            ("city", 100),
            ("region", 100),
            ("postal_code", 20),
            ("country", 100),
        ):
            errors += v.text(getattr(a, name), [*path, "address", _camel(name)], limit)
    return errors


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


class ExistingCustomers:
    """The tenant's customers (whoever owns them) that share a name or web domain with a
    batch of new ones: three queries for the whole batch."""

    def __init__(self) -> None:
        self.by_name: dict[str, models.Customer] = {}
        self.by_domain: dict[str, models.Customer] = {}

    @classmethod
    async def matching(cls, names: set[str], domains: set[str]) -> ExistingCustomers:
        found = cls()
        if names:
            for row in await models.Customer.filter(name_key__in=list(names)).order_by("id"):
                found.by_name.setdefault(row.name_key, row)
        if domains:
            for row in await models.Customer.filter(domain__in=list(domains)).order_by("id"):
                found.by_domain.setdefault(row.domain, row)
            # A mailbox at a shared mail provider says nothing about the company's website.
            company = [d for d in domains if d not in FREE_MAIL and d not in found.by_domain]
            if company:
                contacts = (
                    await models.Contact.filter(
                        Q(*(Q(email__iendswith=f"@{d}") for d in company), join_type="OR")
                    )
                    .order_by("id")
                    .values_list("email", "customer_id")
                )
                owners: dict[str, int] = {}
                for email, customer_id in contacts:
                    owners.setdefault(email.rsplit("@", 1)[1].lower(), customer_id)
                customers = {
                    c.id: c for c in await models.Customer.filter(id__in=list(owners.values()))
                }
                for domain, customer_id in owners.items():
                    found.by_domain.setdefault(domain, customers[customer_id])
        return found

    def match(self, key: str | None, domain: str | None) -> tuple[str, models.Customer] | None:
        if key and key in self.by_name:
            return "name", self.by_name[key]
        if domain and domain in self.by_domain:
            return "website", self.by_domain[domain]
        return None


async def duplicate_error(
    ctx: RequestContext, path: list[str], field: str, existing: models.Customer
) -> UserError:
    """Names the existing record when the caller may see it; otherwise says only that a
    colleague owns one, so the warning never discloses what record-level rules hide."""
    what = "name" if field == "name" else "web domain"
    if await ctx.may_see_owner(existing.owner_id):
        which = f"Customer '{existing.name}' ({to_global_id('Customer', existing.id)})"
    else:
        which = "A customer owned by a colleague"
    return user_error(
        [*path, field],
        f"{which} has the same {what}. Pass allowDuplicate: true to create it anyway.",
        "DUPLICATE",
    )


def address_columns(address: Any) -> dict[str, str | None]:
    names = ("street", "city", "region", "postal_code", "country")
    if address is None:
        return dict.fromkeys(names)
    return {n: v.clean(getattr(address, n)) for n in names}


async def set_tags(customer_id: int, tags: list[str]) -> None:
    await models.CustomerTag.filter(customer_id=customer_id).delete()
    await add_tags([(customer_id, tags)])


async def add_tags(tags_by_customer: list[tuple[int, list[str]]]) -> None:
    rows = [
        models.CustomerTag(customer_id=customer_id, tag=tag)
        for customer_id, tags in tags_by_customer
        for tag in tags
    ]
    if rows:
        await models.CustomerTag.bulk_create(rows)


async def parent_errors(
    ctx: RequestContext, parent_gid: str | None, path: list[str], child_id: int | None = None
) -> tuple[int | None, list[UserError]]:
    if parent_gid is None:
        return None, []
    parent = await visible_customer(ctx, parent_gid)
    if parent is None:
        return None, [user_error(path, "No such customer.", "NOT_FOUND")]
    if child_id is not None and child_id in {parent.id, *await ancestor_ids(parent)}:
        return None, [user_error(path, "A customer cannot be its own ancestor.", "CYCLE")]
    return parent.id, []


async def ancestor_ids(customer: models.Customer) -> set[int]:
    """Ids of the customer's parent, grandparent, ... (stops at a cycle left by bad data)."""
    found: set[int] = set()
    parent_id = customer.parent_id
    while parent_id is not None and parent_id not in found:
        found.add(parent_id)
        above = await models.Customer.filter(id=parent_id).values_list("parent_id", flat=True)
        parent_id = above[0] if above else None
    return found


def postal_address(customer: models.Customer) -> str:
    """The customer's address on one line, as documents print it."""
    parts = (customer.street, customer.city, customer.region, customer.postal_code)
    return ", ".join(p for p in (*parts, customer.country) if p)
