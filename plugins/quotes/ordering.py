"""What an order made from a quote copies: the quote's lines and totals, exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.graphql.relay import maybe_pk
from plugins.quotes import models
from plugins.quotes.service import line_columns
from plugins.quotes.types import display_number

if TYPE_CHECKING:
    from core.graphql.context import RequestContext


@dataclass(frozen=True)
class OrderSource:
    id: int
    display_number: str
    status: str
    customer_id: int
    opportunity_id: int | None
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    lines: list[dict[str, Any]]


async def source_for_order(ctx: RequestContext, quote_gid: str) -> OrderSource | None:
    pk = maybe_pk(quote_gid, "Quote")
    if pk is None or not ctx.can("quote.read"):
        return None
    row = await (await ctx.visible(models.Quote.filter(id=pk))).first()
    if row is None:
        return None
    lines = await models.QuoteLine.filter(quote_id=row.id).order_by("position")
    return OrderSource(
        id=row.id,
        display_number=display_number(row),
        status=row.status,
        customer_id=row.customer_id,
        opportunity_id=row.opportunity_id,
        currency=row.currency,
        subtotal=row.subtotal,
        discount_total=row.discount_total,
        tax_total=row.tax_total,
        grand_total=row.grand_total,
        lines=[line_columns(line) for line in lines],
    )
