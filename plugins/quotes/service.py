"""Rules every quote write shares: settings, visibility, totals and lines, validation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core import validation as v
from core.graphql.money import currency_code_errors
from core.graphql.payloads import UserError, fail, user_error
from core.graphql.relay import maybe_pk
from plugins.products.line_pricing import PricedLines
from plugins.quotes import models

if TYPE_CHECKING:
    from core.graphql.context import RequestContext

PLUGIN = "quotes"
PDF_PATH = "/quotes/{gid}.pdf"  # the quote's pdfUrl, served by document.DOWNLOAD
TEXT_LIMITS = {"title": 200, "terms": 5000, "notes": 5000}  # GraphQL names are the same


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()


async def quote_settings() -> models.QuoteSettings:
    """The tenant's settings; defaults (unsaved) until an admin changes them."""
    return await models.QuoteSettings.first() or models.QuoteSettings()


def approval_needed(row: models.Quote, settings: models.QuoteSettings) -> bool:
    return row.max_discount_percent > settings.approval_threshold_percent


async def visible_quote(ctx: RequestContext, gid: str | None) -> models.Quote:
    """The quote the caller may see; NOT_FOUND otherwise."""
    pk = maybe_pk(gid, "Quote")
    row = None
    if pk is not None:
        row = await (await ctx.visible(models.Quote.filter(id=pk))).first()
    if row is None:
        raise fail("id", "No such quote.", "NOT_FOUND")
    return row


def text_errors(data: Any) -> list[UserError]:
    errors: list[UserError] = []
    for name, limit in TEXT_LIMITS.items():
        value = getattr(data, name, None)
        if value is not None:
            errors += v.text(value, [name], limit)
    return errors


def validity_errors(valid_until: dt.date | None) -> list[UserError]:
    if valid_until is not None and valid_until < today():
        return [user_error("validUntil", "A quote cannot be valid until a past day.", "INVALID")]
    return []


def apply_totals(quote: models.Quote, priced: PricedLines) -> dict[str, Any]:
    changes = {
        "subtotal": priced.totals.subtotal,
        "discount_total": priced.totals.discount,
        "tax_total": priced.totals.tax,
        "grand_total": priced.totals.grand_total,
        "max_discount_percent": priced.max_discount,
    }
    for key, value in changes.items():
        setattr(quote, key, value)
    return changes


async def save_lines(quote: models.Quote, priced: PricedLines) -> None:
    await models.QuoteLine.filter(quote_id=quote.id).delete()
    await models.QuoteLine.bulk_create(
        [models.QuoteLine(**line.columns(), quote_id=quote.id) for line in priced.lines]
    )


_NOT_COPIED = ("id", "quote", "quote_id", "tenant", "tenant_id")


def line_columns(row: models.QuoteLine) -> dict[str, Any]:
    """A line's own columns (what a revision or an order copies), without its ids."""
    return {n: getattr(row, n) for n in row._meta.fields_map if n not in _NOT_COPIED}


async def copy_lines(source: models.Quote, target: models.Quote) -> None:
    rows = await models.QuoteLine.filter(quote_id=source.id).order_by("position")
    await models.QuoteLine.bulk_create(
        [models.QuoteLine(**line_columns(row), quote_id=target.id) for row in rows]
    )


def currency_errors(currency: str | None) -> list[UserError]:
    if currency is None:
        return [
            user_error(
                "currency",
                "Give a currency (or a price book or an opportunity that has one).",
                "REQUIRED",
            )
        ]
    return currency_code_errors(currency, ["currency"])
