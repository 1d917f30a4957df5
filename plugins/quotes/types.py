"""GraphQL types of the quotes plugin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.api.types import User
from core.graphql.loaders import grouped_by, load_user
from core.graphql.money import Money, money_in
from core.graphql.relay import Node, to_global_id
from core.graphql.schema_registry import owned_by
from core.money import trimmed
from plugins.customers.types import Customer, load_customer
from plugins.products.line_types import PricedLineFields
from plugins.quotes import models
from plugins.quotes.service import PDF_PATH


@strawberry.enum
class QuoteStatus(Enum):
    DRAFT = "DRAFT"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    SUPERSEDED = "SUPERSEDED"


@strawberry.type(description="One line; amounts rounded to the currency's minor unit.")
class QuoteLine(PricedLineFields):
    """A line of a quote, as the customer was shown it."""


def display_number(row: models.Quote) -> str:
    return row.number if row.revision == 1 else f"{row.number}-R{row.revision}"


@strawberry.type
class Quote(Node):
    node_model: ClassVar = models.Quote
    node_permission: ClassVar = "quote.read"
    row: strawberry.Private[models.Quote]
    number: str = strawberry.field(description="Shared by every revision: Q-2026-00042.")
    revision: int
    display_number: str = strawberry.field(description="Q-2026-00042, or Q-2026-00042-R2.")
    title: str
    status: QuoteStatus
    currency: str
    valid_until: dt.date
    terms: str | None
    notes: str | None
    subtotal: Money = strawberry.field(description="Sum of the lines' gross amounts.")
    discount_total: Money
    tax_total: Money
    grand_total: Money = strawberry.field(description="Subtotal - discount + tax.")
    max_discount_percent: Decimal
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approval_comment: str | None
    sent_at: dt.datetime | None
    accepted_at: dt.datetime | None
    rejected_at: dt.datetime | None
    rejection_reason: str | None
    expired_at: dt.datetime | None
    pdf_url: str = strawberry.field(description="GET with the same Authorization header.")
    opportunity_id: strawberry.ID | None = strawberry.field(metadata=owned_by("opportunities"))
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Quote) -> Quote:
        gid = to_global_id("Quote", row.id)
        c = row.currency
        return cls(
            id=strawberry.ID(gid),
            row=row,
            number=row.number,
            revision=row.revision,
            display_number=display_number(row),
            title=row.title,
            status=QuoteStatus(row.status),
            currency=c,
            valid_until=row.valid_until,
            terms=row.terms,
            notes=row.notes,
            subtotal=money_in(row.subtotal, c),
            discount_total=money_in(row.discount_total, c),
            tax_total=money_in(row.tax_total, c),
            grand_total=money_in(row.grand_total, c),
            max_discount_percent=trimmed(row.max_discount_percent),
            submitted_at=row.submitted_at,
            approved_at=row.approved_at,
            approval_comment=row.approval_comment,
            sent_at=row.sent_at,
            accepted_at=row.accepted_at,
            rejected_at=row.rejected_at,
            rejection_reason=row.rejection_reason,
            expired_at=row.expired_at,
            pdf_url=PDF_PATH.format(gid=gid),
            opportunity_id=(
                strawberry.ID(to_global_id("Opportunity", row.opportunity_id))
                if row.opportunity_id
                else None
            ),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.customer_id)

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="Who approved it (a manager), when approval was needed.")
    async def approved_by(self, info: Info) -> User | None:
        if self.row.approved_by_id is None:
            return None
        return await load_user(info, self.row.approved_by_id)

    @strawberry.field(description="Does a line's discount exceed the tenant's threshold?")
    async def approval_required(self, info: Info) -> bool:
        from plugins.quotes.service import quote_settings

        async def batch(keys: list[int]) -> list[models.QuoteSettings]:
            settings = await quote_settings()
            return [settings for _ in keys]

        settings = await info.context.loader("quotes.settings", batch).load(0)
        return self.row.max_discount_percent > settings.approval_threshold_percent

    @strawberry.field
    async def lines(self, info: Info) -> list[QuoteLine]:
        async def batch(ids: list[int]) -> list[list[models.QuoteLine]]:
            rows = await models.QuoteLine.filter(quote_id__in=ids).order_by("position")
            return grouped_by(rows, "quote_id", ids)

        rows = await info.context.loader("quotes.lines", batch).load(self.row.id)
        return [QuoteLine.from_row(r, self.row.currency) for r in rows]

    @strawberry.field(description="Every revision of this quote, first to last.")
    async def revisions(self, info: Info) -> list[Quote]:
        ctx = info.context

        async def batch(numbers: list[str]) -> list[list[Quote]]:
            queryset = models.Quote.filter(number__in=numbers)
            rows = await (await ctx.visible(queryset)).order_by("revision")
            return [[Quote.from_row(r) for r in g] for g in grouped_by(rows, "number", numbers)]

        return await ctx.loader("quotes.revisions", batch).load(self.row.number)


@strawberry.type
class QuoteSettings:
    approval_threshold_percent: Decimal
    validity_days: int
    default_terms: str | None

    @classmethod
    def from_row(cls, row: models.QuoteSettings) -> QuoteSettings:
        return cls(
            approval_threshold_percent=trimmed(row.approval_threshold_percent),
            validity_days=row.validity_days,
            default_terms=row.default_terms,
        )
