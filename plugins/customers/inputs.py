"""Inputs, filters, orderings and payloads of the customers plugin's API."""

from __future__ import annotations

from enum import Enum

import strawberry

from core.graphql.filters import DateTimeFilter, IDFilter, StringFilter, enum_filter
from core.graphql.payloads import UserError
from core.graphql.relay import OrderDirection
from plugins.customers.types import CompanySize, Contact, Customer, LifecycleStage

# -- filters and ordering ------------------------------------------------------------------------


@strawberry.input(description="Customers carrying any (hasAny) or all (hasAll) of these tags.")
class TagFilter:
    has_any: list[str] | None = None
    has_all: list[str] | None = None


@strawberry.input
class CustomerFilter:
    name: StringFilter | None = None
    industry: StringFilter | None = None
    size: enum_filter(CompanySize) | None = None  # type: ignore[valid-type]
    website: StringFilter | None = None
    phone: StringFilter | None = None
    city: StringFilter | None = None
    country: StringFilter | None = None
    lifecycle_stage: enum_filter(LifecycleStage) | None = None  # type: ignore[valid-type]
    owner: IDFilter | None = None
    parent: IDFilter | None = None
    tags: TagFilter | None = None
    created_at: DateTimeFilter | None = None
    updated_at: DateTimeFilter | None = None
    and_: list[CustomerFilter] | None = strawberry.field(name="and", default=None)
    or_: list[CustomerFilter] | None = strawberry.field(name="or", default=None)
    not_: CustomerFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class CustomerOrderField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input
class CustomerOrder:
    field: CustomerOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class ContactFilter:
    name: StringFilter | None = None
    title: StringFilter | None = None
    email: StringFilter | None = None
    phone: StringFilter | None = None
    customer: IDFilter | None = None
    owner: IDFilter | None = None
    created_at: DateTimeFilter | None = None
    and_: list[ContactFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ContactFilter] | None = strawberry.field(name="or", default=None)
    not_: ContactFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class ContactOrderField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"


@strawberry.input
class ContactOrder:
    field: ContactOrderField
    direction: OrderDirection = OrderDirection.ASC


# -- customer mutations --------------------------------------------------------------------------


@strawberry.input
class AddressInput:
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@strawberry.input
class CreateCustomerInput:
    name: str
    industry: str | None = None
    size: CompanySize | None = None
    website: str | None = None
    phone: str | None = None
    address: AddressInput | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to you.")
    parent_id: strawberry.ID | None = None
    tags: list[str] | None = None
    lifecycle_stage: LifecycleStage = LifecycleStage.PROSPECT
    allow_duplicate: bool = strawberry.field(
        default=False,
        description="Create even when a customer with the same name or domain exists.",
    )


@strawberry.input
class UpdateCustomerInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    name: str | None = strawberry.UNSET
    industry: str | None = strawberry.UNSET
    size: CompanySize | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the whole address; omitted parts are cleared.",
    )
    owner_id: strawberry.ID | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the tags."
    )
    lifecycle_stage: LifecycleStage | None = strawberry.UNSET


@strawberry.input
class DeleteInput:
    id: strawberry.ID


@strawberry.input
class MergeCustomersInput:
    target_id: strawberry.ID = strawberry.field(description="The customer that remains.")
    source_ids: list[strawberry.ID] = strawberry.field(
        description="Customers folded into the target and then removed."
    )


@strawberry.type
class CustomerPayload:
    customer: Customer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomersPayload:
    customers: list[Customer] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


# -- contact mutations ---------------------------------------------------------------------------


@strawberry.input
class CreateContactInput:
    name: str
    customer_id: strawberry.ID
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the customer's owner."
    )
    allow_duplicate: bool = strawberry.field(
        default=False, description="Create even when a contact with the same email exists."
    )


@strawberry.input
class UpdateContactInput:
    id: strawberry.ID
    version: int | None = None
    name: str | None = strawberry.UNSET
    customer_id: strawberry.ID | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET


@strawberry.type
class ContactPayload:
    contact: Contact | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ContactsPayload:
    contacts: list[Contact] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
