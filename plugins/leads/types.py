"""GraphQL types of the leads plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, ClassVar

import strawberry
from strawberry.types import Info

from core.api.nodes import load_nodes
from core.api.types import User
from core.graphql.loaders import load_user
from core.graphql.relay import Node, to_global_id
from plugins.customers.types import Contact, Customer, load_customer
from plugins.leads import models
from plugins.leads.service import visible_leads


@strawberry.enum(description="Where a lead came from.")
class LeadSource(Enum):
    WEB_FORM = "WEB_FORM"
    CAMPAIGN = "CAMPAIGN"
    REFERRAL = "REFERRAL"
    IMPORT = "IMPORT"
    API = "API"
    EVENT = "EVENT"
    OTHER = "OTHER"


@strawberry.enum(description="Where a lead stands.")
class LeadStatus(Enum):
    NEW = "NEW"
    WORKING = "WORKING"
    QUALIFIED = "QUALIFIED"
    DISQUALIFIED = "DISQUALIFIED"
    CONVERTED = "CONVERTED"


async def _node(info: Info, type_name: str | None, pk: int | None) -> Node | None:
    """A record of another type the caller may see, batched across the request."""
    if type_name is None or pk is None:
        return None

    async def batch(pks: list[int]) -> list[Node | None]:
        found = await load_nodes(info, type_name, pks)
        return [found.get(p) for p in pks]

    return await info.context.loader(("leads.node", type_name), batch).load(pk)


@strawberry.type
class Lead(Node):
    node_model: ClassVar = models.Lead
    node_permission: ClassVar = "lead.read"
    row: strawberry.Private[models.Lead]
    person_name: str
    company: str | None
    title: str | None
    email: str | None
    phone: str | None
    source: LeadSource
    status: LeadStatus
    score: int
    region: str | None
    tags: list[str]
    description: str | None
    disqualified_reason: str | None
    version: int
    last_activity_at: dt.datetime
    assigned_at: dt.datetime | None
    converted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Lead) -> Lead:
        return cls(
            id=strawberry.ID(to_global_id("Lead", row.id)),
            row=row,
            person_name=row.person_name,
            company=row.company,
            title=row.title,
            email=row.email,
            phone=row.phone,
            source=LeadSource(row.source),
            status=LeadStatus(row.status),
            score=row.score,
            region=row.region,
            tags=list(row.tags or []),
            description=row.description,
            disqualified_reason=row.disqualified_reason,
            version=row.version,
            last_activity_at=row.last_activity_at,
            assigned_at=row.assigned_at,
            converted_at=row.converted_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @classmethod
    async def load_nodes(cls, info: Info, pks: list[int]) -> dict[int, Any]:
        """node(id) sees what `leads` sees: the caller's leads and the pool."""
        rows = await visible_leads(info.context, models.Lead.filter(id__in=pks))
        return {r.id: cls.from_row(r) for r in await rows}

    @strawberry.field(description="Null while the lead waits in the pool.")
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="True while the lead has no owner and may be claimed.")
    def in_pool(self) -> bool:
        return self.row.owner_id is None

    @strawberry.field(
        description="The earlier lead or contact with the same email or phone, when you may see it."
    )
    async def duplicate_of(self, info: Info) -> Node | None:
        return await _node(info, self.row.duplicate_of_type, self.row.duplicate_of_id)

    @strawberry.field(description="ID of the earlier lead or contact this one duplicates.")
    def duplicate_of_id(self) -> strawberry.ID | None:
        if self.row.duplicate_of_type is None or self.row.duplicate_of_id is None:
            return None
        return strawberry.ID(to_global_id(self.row.duplicate_of_type, self.row.duplicate_of_id))

    @strawberry.field(description="The customer the lead became.")
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.customer_id)

    @strawberry.field(description="The contact the lead became.")
    async def contact(self, info: Info) -> Contact | None:
        return await _node(info, "Contact" if self.row.contact_id else None, self.row.contact_id)

    @strawberry.field(description="The opportunity created on conversion, when you may see it.")
    async def opportunity(self, info: Info) -> Node | None:
        return await _node(
            info, "Opportunity" if self.row.opportunity_id else None, self.row.opportunity_id
        )
