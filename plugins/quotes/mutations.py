"""Quote mutations: drafting, the approval and sending workflow, settings."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry
from strawberry.types import Info

from core.graphql.context import mutation_payload
from core.graphql.payloads import UserError
from core.graphql.permissions import requires
from plugins.quotes.drafts import create_quote, revise_quote, update_quote
from plugins.quotes.inputs import (
    ApproveQuoteInput,
    CreateQuoteInput,
    QuoteActionInput,
    QuoteReasonInput,
    ReviseQuoteInput,
    UpdateQuoteInput,
    UpdateQuoteSettingsInput,
)
from plugins.quotes.settings import update_quote_settings
from plugins.quotes.types import Quote, QuoteSettings
from plugins.quotes.workflow import (
    accept_quote,
    approve_quote,
    decline_approval,
    reject_quote,
    send_quote,
    submit_quote,
)


@strawberry.type
class QuotePayload:
    quote: Quote | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class QuoteSettingsPayload:
    settings: QuoteSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _quote(write: Awaitable[Any]) -> Awaitable[QuotePayload]:
    return mutation_payload(QuotePayload, "quote", Quote.from_row, write)


@strawberry.type
class QuoteMutations:
    @strawberry.mutation(
        permission_classes=requires("quote.write"),
        description="A draft quote priced from the catalogue; numbered Q-<year>-<n>.",
    )
    async def create_quote(self, info: Info, input: CreateQuoteInput) -> QuotePayload:
        return await _quote(create_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("quote.write"))
    async def update_quote(self, info: Info, input: UpdateQuoteInput) -> QuotePayload:
        return await _quote(update_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("quote.write"))
    async def revise_quote(self, info: Info, input: ReviseQuoteInput) -> QuotePayload:
        return await _quote(revise_quote(info.context, input))

    @strawberry.mutation(
        permission_classes=requires("quote.write"),
        description="Finish a draft: APPROVED, or PENDING_APPROVAL when a discount is above "
        "the tenant's threshold.",
    )
    async def submit_quote(self, info: Info, input: QuoteActionInput) -> QuotePayload:
        return await _quote(submit_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("quote.approve"))
    async def approve_quote(self, info: Info, input: ApproveQuoteInput) -> QuotePayload:
        return await _quote(approve_quote(info.context, input))

    @strawberry.mutation(
        permission_classes=requires("quote.approve"),
        description="Send a quote awaiting approval back to draft, with the reason.",
    )
    async def decline_quote_approval(self, info: Info, input: QuoteReasonInput) -> QuotePayload:
        return await _quote(decline_approval(info.context, input))

    @strawberry.mutation(
        permission_classes=requires("quote.write"),
        description="Mark an approved quote sent (a draft within the threshold is approved "
        "on the way).",
    )
    async def send_quote(self, info: Info, input: QuoteActionInput) -> QuotePayload:
        return await _quote(send_quote(info.context, input))

    @strawberry.mutation(
        permission_classes=requires("quote.write"),
        description="The customer accepted: with opportunities on, its deal is won.",
    )
    async def accept_quote(self, info: Info, input: QuoteActionInput) -> QuotePayload:
        return await _quote(accept_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("quote.write"))
    async def reject_quote(self, info: Info, input: QuoteReasonInput) -> QuotePayload:
        return await _quote(reject_quote(info.context, input))

    @strawberry.mutation(permission_classes=requires("quote.manage"))
    async def update_quote_settings(
        self, info: Info, input: UpdateQuoteSettingsInput
    ) -> QuoteSettingsPayload:
        return await mutation_payload(
            QuoteSettingsPayload,
            "settings",
            QuoteSettings.from_row,
            update_quote_settings(info.context, input),
        )
