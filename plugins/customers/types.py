"""GraphQL types of the customers plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.api.types import User
from core.graphql.loaders import BatchLoad, grouped_by, load_user
from core.graphql.relay import Node, to_global_id
from plugins.customers import models


@strawberry.enum(description="Head-count bracket.")
class CompanySize(Enum):
    MICRO = "MICRO"  # 1-9
    SMALL = "SMALL"  # 10-49
    MEDIUM = "MEDIUM"  # 50-249
    LARGE = "LARGE"  # 250-999
    ENTERPRISE = "ENTERPRISE"  # 1000+


@strawberry.enum(description="Where the customer stands in its relationship with us.")
class LifecycleStage(Enum):
    PROSPECT = "PROSPECT"
    QUALIFIED = "QUALIFIED"
    CUSTOMER = "CUSTOMER"
    LOYAL = "LOYAL"
    CHURNED = "CHURNED"


@strawberry.type
class Address:
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


@strawberry.type
class Contact(Node):
    node_model: ClassVar = models.Contact
    node_permission: ClassVar = "contact.read"
    row: strawberry.Private[models.Contact]
    name: str
    title: str | None
    email: str | None
    phone: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Contact) -> Contact:
        return cls(
            id=strawberry.ID(to_global_id("Contact", row.id)),
            row=row,
            name=row.name,
            title=row.title,
            email=row.email,
            phone=row.phone,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.customer_id)


@strawberry.type
class CustomerMergeRecord:
    source_id: strawberry.ID
    source_name: str
    moved_contacts: int
    merged_at: dt.datetime
    row: strawberry.Private[models.CustomerMerge]

    @strawberry.field
    async def merged_by(self, info: Info) -> User | None:
        return await load_user(info, self.row.merged_by_id)


@strawberry.type
class Customer(Node):
    node_model: ClassVar = models.Customer
    node_permission: ClassVar = "customer.read"
    row: strawberry.Private[models.Customer]
    name: str
    industry: str | None
    size: CompanySize | None
    website: str | None
    phone: str | None
    lifecycle_stage: LifecycleStage
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Customer) -> Customer:
        return cls(
            id=strawberry.ID(to_global_id("Customer", row.id)),
            row=row,
            name=row.name,
            industry=row.industry,
            size=CompanySize(row.size) if row.size else None,
            website=row.website,
            phone=row.phone,
            lifecycle_stage=LifecycleStage(row.lifecycle_stage),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    def address(self) -> Address:
        r = self.row
        return Address(
            street=r.street,
            city=r.city,
            region=r.region,
            postal_code=r.postal_code,
            country=r.country,
        )

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="The parent company, when you may see it.")
    async def parent(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.parent_id)

    @strawberry.field
    async def tags(self, info: Info) -> list[str]:
        async def batch(ids: list[int]) -> list[list[str]]:
            rows = await models.CustomerTag.filter(customer_id__in=ids).order_by("tag")
            return [[t.tag for t in group] for group in grouped_by(rows, "customer_id", ids)]

        return await info.context.loader("customers.tags", batch).load(self.row.id)

    @strawberry.field(description="Contacts at this customer you may see, by name.")
    async def contacts(self, info: Info) -> list[Contact]:
        ctx = info.context
        if not ctx.can("contact.read"):
            return []

        async def batch(ids: list[int]) -> list[list[Contact]]:
            rows = await (await ctx.visible(models.Contact.filter(customer_id__in=ids))).order_by(
                "name", "id"
            )
            return [[Contact.from_row(r) for r in g] for g in grouped_by(rows, "customer_id", ids)]

        return await ctx.loader("customers.contacts", batch).load(self.row.id)

    @strawberry.field(description="Customers merged into this one, oldest first.")
    async def merges(self, info: Info) -> list[CustomerMergeRecord]:
        async def batch(ids: list[int]) -> list[list[models.CustomerMerge]]:
            rows = await models.CustomerMerge.filter(target_id__in=ids).order_by("merged_at", "id")
            return grouped_by(rows, "target_id", ids)

        rows = await info.context.loader("customers.merges", batch).load(self.row.id)
        return [
            CustomerMergeRecord(
                source_id=strawberry.ID(to_global_id("Customer", r.source_id)),
                source_name=r.source_name,
                moved_contacts=len(r.moved_contact_ids),
                merged_at=r.merged_at,
                row=r,
            )
            for r in rows
        ]


async def _fetch_customers(info: Info, ids: list[int]) -> list[Customer | None]:
    ctx = info.context
    if not ctx.can("customer.read"):
        return [None] * len(ids)
    rows = await ctx.visible(models.Customer.filter(id__in=ids))
    by_id = {r.id: Customer.from_row(r) for r in await rows}
    return [by_id.get(i) for i in ids]


# Customers the caller may see, by id, batched across the request.
CUSTOMERS = BatchLoad("customers.customer", _fetch_customers)


async def load_customer(info: Info, customer_id: int | None) -> Customer | None:
    return await CUSTOMERS.one(info, customer_id)
