"""Inputs, filters, orderings and payloads of the leads plugin's API."""

from __future__ import annotations

from enum import Enum

import strawberry

from core.graphql.filters import DateTimeFilter, IDFilter, IntFilter, StringFilter, enum_filter
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserError
from core.graphql.relay import Node, OrderDirection
from core.graphql.schema_registry import owned_by
from plugins.customers.types import Contact, Customer
from plugins.leads.types import Lead, LeadSource, LeadStatus

# -- filters and ordering ------------------------------------------------------------------------


@strawberry.input(description="Leads carrying any (hasAny) or all (hasAll) of these tags.")
class LeadTagFilter:
    has_any: list[str] | None = None
    has_all: list[str] | None = None


@strawberry.input
class LeadFilter:
    person_name: StringFilter | None = None
    company: StringFilter | None = None
    title: StringFilter | None = None
    email: StringFilter | None = None
    phone: StringFilter | None = None
    status: enum_filter(LeadStatus) | None = None  # type: ignore[valid-type]
    source: enum_filter(LeadSource) | None = None  # type: ignore[valid-type]
    score: IntFilter | None = None
    owner: IDFilter | None = None
    in_pool: bool | None = strawberry.field(
        default=None, description="true: only leads in the pool; false: only owned leads."
    )
    region: StringFilter | None = None
    tags: LeadTagFilter | None = None
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    last_activity_at: DateTimeFilter | None = None
    and_: list[LeadFilter] | None = strawberry.field(name="and", default=None)
    or_: list[LeadFilter] | None = strawberry.field(name="or", default=None)
    not_: LeadFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class LeadOrderField(Enum):
    NAME = "person_name"
    SCORE = "score"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    LAST_ACTIVITY_AT = "last_activity_at"


@strawberry.input
class LeadOrder:
    field: LeadOrderField
    direction: OrderDirection = OrderDirection.ASC


# -- leads ---------------------------------------------------------------------------------------


@strawberry.input
class CreateLeadInput:
    person_name: str
    company: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    source: LeadSource = LeadSource.OTHER
    region: str | None = None
    tags: list[str] | None = None
    description: str | None = None
    owner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Omit to route the lead by the tenant's assignment rules (or to the pool).",
    )


@strawberry.input
class UpdateLeadInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    person_name: str | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    source: LeadSource | None = strawberry.UNSET
    status: LeadStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="NEW, WORKING or QUALIFIED; disqualify and convert have their own mutations.",
    )
    region: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the tags."
    )
    description: str | None = strawberry.UNSET


@strawberry.input
class DisqualifyLeadInput:
    id: strawberry.ID
    reason: str
    version: int | None = None


@strawberry.input
class AssignLeadInput:
    id: strawberry.ID
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null returns the lead to the pool."
    )


@strawberry.input
class ClaimLeadInput:
    id: strawberry.ID


@strawberry.input
class MergeLeadsInput:
    target_id: strawberry.ID = strawberry.field(description="The lead that remains.")
    source_ids: list[strawberry.ID] = strawberry.field(
        description="Leads folded into the target and then removed."
    )


@strawberry.input
class ConvertLeadInput:
    lead_id: strawberry.ID
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Link this existing customer; omitted, one is created from the company.",
    )
    create_opportunity: bool = strawberry.field(default=False, metadata=owned_by("opportunities"))
    opportunity_name: str | None = strawberry.field(
        default=None,
        metadata=owned_by("opportunities"),
        description="Defaults to the company (or person) name.",
    )
    amount: MoneyInput | None = strawberry.field(default=None, metadata=owned_by("opportunities"))


@strawberry.type
class LeadPayload:
    lead: Lead | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LeadsPayload:
    leads: list[Lead] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConvertLeadPayload:
    lead: Lead | None = None
    customer: Customer | None = None
    contact: Contact | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
    opportunity_id: strawberry.Private[str | None] = None

    @strawberry.field(
        metadata=owned_by("opportunities"),
        description="The opportunity created with the conversion, when one was asked for.",
    )
    async def opportunity(self, info: strawberry.Info) -> Node | None:
        from core.api.nodes import resolve_ids

        if self.opportunity_id is None:
            return None
        return (await resolve_ids(info, [self.opportunity_id]))[0]


# -- import ----------------------------------------------------------------------------------


@strawberry.enum(description="A lead field a CSV column fills.")
class LeadImportField(Enum):
    PERSON_NAME = "person_name"
    COMPANY = "company"
    TITLE = "title"
    EMAIL = "email"
    PHONE = "phone"
    SOURCE = "source"
    REGION = "region"
    TAGS = "tags"
    DESCRIPTION = "description"


@strawberry.input
class ColumnMappingInput:
    column: str = strawberry.field(description="The header of the CSV column.")
    field: LeadImportField


@strawberry.enum
class ImportMode(Enum):
    ALL_OR_NOTHING = "ALL_OR_NOTHING"
    SKIP_BAD_ROWS = "SKIP_BAD_ROWS"


@strawberry.input
class ImportLeadsInput:
    csv: str = strawberry.field(description="UTF-8 CSV text with a header row.")
    mapping: list[ColumnMappingInput]
    mode: ImportMode = ImportMode.ALL_OR_NOTHING


@strawberry.type(description="A rejected row: line is the CSV line number (header is line 1).")
class ImportRowError:
    line: int
    field: str
    message: str
    code: str


@strawberry.type
class ImportLeadsPayload:
    rows: int | None = None
    created: int | None = None
    rejected: list[ImportRowError] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
