"""GraphQL inputs of the quotes plugin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from core.graphql.filters import DateFilter, IDFilter, StringFilter, enum_filter
from core.graphql.relay import OrderDirection
from core.graphql.schema_registry import owned_by
from plugins.quotes.types import QuoteStatus


@strawberry.input
class QuoteLineInput:
    product_id: strawberry.ID
    quantity: Decimal = strawberry.field(description="At most three decimals.")
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Per unit, in the quote's currency; from the price book when omitted.",
    )
    discount_percent: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)
    description: str | None = strawberry.field(
        default=None, description="Shown under the product name; the product's by default."
    )


@strawberry.input
class CreateQuoteInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required unless the opportunity gives the customer."
    )
    opportunity_id: strawberry.ID | None = strawberry.field(
        default=None, metadata=owned_by("opportunities")
    )
    currency: str | None = strawberry.field(
        default=None,
        description="ISO 4217; the price book's or the opportunity's when omitted.",
    )
    price_book_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Prices lines without a unitPrice; the currency's default book when omitted.",
    )
    title: str | None = None
    valid_until: dt.date | None = strawberry.field(
        default=None, description="Today plus the tenant's validity days when omitted."
    )
    terms: str | None = strawberry.field(
        default=None, description="The tenant's default terms when omitted."
    )
    notes: str | None = None
    lines: list[QuoteLineInput]


@strawberry.input(description="Change a draft. `lines`, when given, replaces every line.")
class UpdateQuoteInput:
    id: strawberry.ID
    version: int | None = None
    title: str | None = None
    valid_until: dt.date | None = None
    terms: str | None = None
    notes: str | None = None
    lines: list[QuoteLineInput] | None = None


@strawberry.input(
    description="A new draft revision (same number, next revision) with these changes; the "
    "revised quote is kept, read-only, as SUPERSEDED."
)
class ReviseQuoteInput:
    id: strawberry.ID
    version: int | None = None
    title: str | None = None
    valid_until: dt.date | None = None
    terms: str | None = None
    notes: str | None = None
    lines: list[QuoteLineInput] | None = None


@strawberry.input
class QuoteActionInput:
    id: strawberry.ID
    version: int | None = None


@strawberry.input
class ApproveQuoteInput:
    id: strawberry.ID
    comment: str | None = None
    version: int | None = None


@strawberry.input
class QuoteReasonInput:
    id: strawberry.ID
    reason: str
    version: int | None = None


@strawberry.input
class UpdateQuoteSettingsInput:
    approval_threshold_percent: Decimal | None = strawberry.field(
        default=None, description="A line discount above this needs a manager's approval."
    )
    validity_days: int | None = None
    default_terms: str | None = None


@strawberry.input
class QuoteFilter:
    number: StringFilter | None = None
    title: StringFilter | None = None
    status: enum_filter(QuoteStatus) | None = None  # type: ignore[valid-type]
    customer: IDFilter | None = None
    opportunity: IDFilter | None = strawberry.field(
        default=None, metadata=owned_by("opportunities")
    )
    owner: IDFilter | None = None
    valid_until: DateFilter | None = None
    include_superseded: bool = strawberry.field(
        default=False, description="Also list revisions that were replaced."
    )


@strawberry.enum
class QuoteOrderField(Enum):
    CREATED_AT = "created_at"
    NUMBER = "number"
    VALID_UNTIL = "valid_until"


@strawberry.input
class QuoteOrder:
    field: QuoteOrderField
    direction: OrderDirection = OrderDirection.ASC
