"""Writing quote content: create, change a draft, revise into a new draft."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core import validation as v
from core.events import CREATED, UPDATED
from core.graphql.payloads import UserError, UserInputError, fail
from core.graphql.relay import maybe_pk
from core.graphql.updates import bump_version
from core.sequences import next_number
from plugins.customers.service import visible_customer
from plugins.products import models as products
from plugins.products.line_pricing import price_lines
from plugins.quotes import models
from plugins.quotes.service import (
    PLUGIN,
    apply_totals,
    copy_lines,
    currency_errors,
    now,
    quote_settings,
    save_lines,
    text_errors,
    today,
    validity_errors,
    visible_quote,
)

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from plugins.quotes.inputs import CreateQuoteInput, ReviseQuoteInput, UpdateQuoteInput

NUMBER_PREFIX = "Q"
EDITABLE = ("title", "valid_until", "terms", "notes")


async def _opportunity(ctx: RequestContext, gid: str) -> Any:
    found = await ctx.runtime.host.first_result(
        "quote_opportunity", only=ctx.enabled, ctx=ctx, opportunity_gid=gid
    )
    if found is None:
        raise fail("opportunityId", "No such opportunity.", "NOT_FOUND")
    return found


async def create_quote(ctx: RequestContext, data: CreateQuoteInput) -> models.Quote:
    errors: list[UserError] = text_errors(data) + validity_errors(data.valid_until)
    if data.title is not None:
        errors += v.text(data.title, ["title"], 200, required=True)
    opportunity = None
    if data.opportunity_id is not None and "opportunities" in ctx.enabled:
        opportunity = await _opportunity(ctx, data.opportunity_id)
    customer_gid = data.customer_id
    customer = await visible_customer(ctx, customer_gid) if customer_gid else None
    if customer_gid and customer is None:
        raise fail("customerId", "No such customer.", "NOT_FOUND")
    if opportunity is not None:
        if customer is not None and customer.id != opportunity.customer_id:
            raise fail("customerId", "The opportunity is with another customer.", "MISMATCH")
        if customer is None:
            from plugins.customers.models import Customer

            customer = await Customer.get(id=opportunity.customer_id)
    if customer is None:
        raise fail("customerId", "Give the customer (or an opportunity).", "REQUIRED")
    book = None
    if data.price_book_id is not None:
        book = await products.PriceBook.get_or_none(
            id=maybe_pk(data.price_book_id, "PriceBook") or 0
        )
        if book is None:
            raise fail("priceBookId", "No such price book.", "NOT_FOUND")
    currency = (
        data.currency
        or (book.currency if book else None)
        or (opportunity.currency if opportunity else None)
    )
    if currency is None or currency_errors(currency):
        raise UserInputError(errors + currency_errors(currency))  # lines need a currency
    priced = await _priced(errors, data.lines, currency, book.id if book else None)
    settings = await quote_settings()
    async with ctx.write() as work:
        stamp = now()
        row = models.Quote(
            number=await next_number(work, NUMBER_PREFIX, stamp.year),
            title=v.clean(data.title) or f"Quote for {customer.name}",
            customer_id=customer.id,
            opportunity_id=opportunity.id if opportunity else None,
            price_book_id=book.id if book else None,
            owner_id=ctx.principal.user.id,
            currency=currency,
            valid_until=data.valid_until or today() + dt.timedelta(days=settings.validity_days),
            terms=v.clean(data.terms) if data.terms is not None else settings.default_terms,
            notes=v.clean(data.notes),
        )
        apply_totals(row, priced)
        await row.save()
        await save_lines(row, priced)
        await work.record(PLUGIN, CREATED, row, "Quote")
    return row


async def _priced(
    errors: list[UserError], lines: list[Any], currency: str, price_book_id: int | None
) -> Any:
    """The priced lines; every error at once (the caller's and the lines') when any."""
    try:
        priced = await price_lines(lines, currency, price_book_id)
    except UserInputError as exc:
        raise UserInputError(errors + exc.errors) from exc
    if errors:
        raise UserInputError(errors)
    return priced


def _content_errors(data: UpdateQuoteInput | ReviseQuoteInput) -> list[UserError]:
    errors = text_errors(data) + validity_errors(data.valid_until)
    if data.title is not None:
        errors += v.text(data.title, ["title"], 200, required=True)
    return errors


def _content_changes(data: UpdateQuoteInput | ReviseQuoteInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        value = getattr(data, name)
        if value is not None:
            changes[name] = v.clean(value) if isinstance(value, str) else value
    return changes


async def update_quote(ctx: RequestContext, data: UpdateQuoteInput) -> models.Quote:
    errors = _content_errors(data)
    async with ctx.write() as work:
        row = await visible_quote(ctx, data.id)
        if row.status != models.DRAFT:
            raise fail("id", "Only a draft can change: revise the quote instead.", "NOT_DRAFT")
        changes = _content_changes(data)
        if data.lines is None and errors:
            raise UserInputError(errors)
        if data.lines is not None:
            priced = await _priced(errors, data.lines, row.currency, row.price_book_id)
            changes.update(apply_totals(row, priced))
            await save_lines(row, priced)
        await bump_version(models.Quote, row, data.version, changes)
        await work.record(PLUGIN, UPDATED, row, "Quote", {"fields": sorted(changes)})
    return row


REVISABLE = (
    models.PENDING_APPROVAL,
    models.APPROVED,
    models.SENT,
    models.REJECTED,
    models.EXPIRED,
)


async def revise_quote(ctx: RequestContext, data: ReviseQuoteInput) -> models.Quote:
    errors = _content_errors(data)
    async with ctx.write() as work:
        old = await visible_quote(ctx, data.id)
        # One revision of a number at a time: the loser of a race sees the new status.
        await work.lock(f"quotes.revise:{old.number}")
        await old.refresh_from_db()
        if old.status == models.DRAFT:
            raise fail("id", "This is a draft: change it with updateQuote.", "NOT_REVISABLE")
        if old.status not in REVISABLE:
            raise fail(
                "id", f"A quote that is {old.status.lower()} cannot be revised.", "NOT_REVISABLE"
            )
        latest = await models.Quote.filter(number=old.number).order_by("-revision").first()
        new = models.Quote(
            **{
                name: getattr(old, name)
                for name in (
                    "number",
                    "title",
                    "customer_id",
                    "opportunity_id",
                    "price_book_id",
                    "currency",
                    "valid_until",
                    "terms",
                    "notes",
                    "subtotal",
                    "discount_total",
                    "tax_total",
                    "grand_total",
                    "max_discount_percent",
                )
            },
            revision=latest.revision + 1,  # type: ignore[union-attr]
            owner_id=old.owner_id,
            status=models.DRAFT,
        )
        for key, value in _content_changes(data).items():
            setattr(new, key, value)
        if new.valid_until < today():  # revising an expired quote gives it a fresh validity
            new.valid_until = today() + dt.timedelta(days=(await quote_settings()).validity_days)
        priced = None
        if data.lines is not None:
            priced = await _priced(errors, data.lines, old.currency, old.price_book_id)
            apply_totals(new, priced)
        elif errors:
            raise UserInputError(errors)
        await new.save()
        await bump_version(
            models.Quote,
            old,
            data.version,
            {"status": models.SUPERSEDED, "superseded_by_id": new.id},
        )
        if priced is not None:
            await save_lines(new, priced)
        else:
            await copy_lines(old, new)
        await work.record(PLUGIN, UPDATED, old, "Quote", {"fields": ["status"]})
        await work.record(PLUGIN, CREATED, new, "Quote")
        await work.publish(
            "quote.revised",
            PLUGIN,
            row=new,
            type_name="Quote",
            payload={"number": new.number, "revision": new.revision, "replaces": old.id},
        )
    return new
