"""Inputs, filters, orderings and payloads of the contracts plugin's API."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from core.graphql.filters import (
    BooleanFilter,
    DateFilter,
    DecimalFilter,
    IDFilter,
    StringFilter,
    enum_filter,
)
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserError
from core.graphql.relay import OrderDirection
from core.graphql.schema_registry import owned_by
from plugins.contracts.types import BillingFrequency, Contract, ContractSettings, ContractStatus


@strawberry.input
class ContractFilter:
    number: StringFilter | None = None
    title: StringFilter | None = None
    status: enum_filter(ContractStatus) | None = None  # type: ignore[valid-type]
    customer: IDFilter | None = None
    owner: IDFilter | None = None
    auto_renew: BooleanFilter | None = None
    start_date: DateFilter | None = None
    end_date: DateFilter | None = None
    value: DecimalFilter | None = strawberry.field(
        default=None, description="The amount, whatever its currency."
    )
    currency: StringFilter | None = None
    expires_within_days: int | None = strawberry.field(
        default=None,
        description="Active contracts whose end date is today or within this many days "
        "(0 to 3650; today is the UTC date).",
    )
    search: str | None = strawberry.field(
        default=None, description="Words in the number, the title or the customer's name."
    )
    and_: list[ContractFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ContractFilter] | None = strawberry.field(name="or", default=None)
    not_: ContractFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class ContractOrderField(Enum):
    NUMBER = "number"
    TITLE = "title"
    START_DATE = "start_date"
    END_DATE = "end_date"
    VALUE = "value"
    CREATED_AT = "created_at"


@strawberry.input
class ContractOrder:
    field: ContractOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="A new contract, created as a DRAFT.")
class CreateContractInput:
    order_id: strawberry.ID | None = strawberry.field(
        default=None,
        metadata=owned_by("orders"),
        description="Make it from this order: the customer and value default to the order's.",
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required unless an order gives it; must match the order's."
    )
    title: str | None = strawberry.field(
        default=None, description="Defaults to the order number, else to the customer's name."
    )
    start_date: dt.date = strawberry.field(description="The first day in force.")
    end_date: dt.date = strawberry.field(description="The last day in force, after the first.")
    value: MoneyInput | None = strawberry.field(
        default=None, description="Required unless an order gives it (its total)."
    )
    billing_frequency: BillingFrequency = BillingFrequency.ONE_TIME
    payment_terms: str | None = strawberry.field(default=None, description="Such as 'Net 30'.")
    auto_renew: bool = False
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to you.")


@strawberry.input(
    description="A draft changes freely. An active contract changes only its owner and "
    "whether it auto-renews; other contracts do not change."
)
class UpdateContractInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you read; a newer one on the server is a CONFLICT."
    )
    customer_id: strawberry.ID | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    start_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.UNSET
    value: MoneyInput | None = strawberry.UNSET
    billing_frequency: BillingFrequency | None = strawberry.UNSET
    payment_terms: str | None = strawberry.UNSET
    auto_renew: bool | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(description="A draft comes into force; refused once its end date has passed.")
class ActivateContractInput:
    id: strawberry.ID
    version: int | None = None


@strawberry.input(
    description="Renew an active (or expired) contract: a successor, ACTIVE, continues it and "
    "it becomes RENEWED. Omitted terms continue the current ones."
)
class RenewContractInput:
    id: strawberry.ID
    version: int | None = None
    start_date: dt.date | None = strawberry.field(
        default=None, description="After the current end date; defaults to the day after it."
    )
    end_date: dt.date | None = strawberry.field(
        default=None, description="Defaults to a term as long as the current one."
    )
    value: MoneyInput | None = strawberry.field(default=None, description="Defaults to the same.")
    auto_renew: bool | None = strawberry.field(default=None, description="Defaults to the same.")


@strawberry.input(description="End an active contract early.")
class TerminateContractInput:
    id: strawberry.ID
    reason: str
    version: int | None = None


@strawberry.input
class UpdateContractSettingsInput:
    renewal_reminder_days: int = strawberry.field(description="1 to 365.")


@strawberry.type
class ContractPayload:
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RenewContractPayload:
    contract: Contract | None = strawberry.field(default=None, description="The successor.")
    predecessor: Contract | None = strawberry.field(
        default=None, description="The contract renewed, now RENEWED."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ContractSettingsPayload:
    settings: ContractSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
