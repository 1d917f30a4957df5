"""Creating orders: directly from the catalogue, or as an exact copy of an accepted quote."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from core import validation as v
from core.events import CREATED
from core.graphql.money import currency_code_errors
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.relay import maybe_pk
from core.sequences import next_number
from plugins.customers.service import visible_customer
from plugins.orders import models
from plugins.products import models as products
from plugins.products.line_pricing import price_lines

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from plugins.orders.inputs import CreateOrderFromQuoteInput, CreateOrderInput

PLUGIN = "orders"
NUMBER_PREFIX = "SO"
AMOUNTS = ("subtotal", "discount_total", "tax_total", "grand_total")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def visible_order(ctx: RequestContext, gid: str | None) -> models.Order:
    pk = maybe_pk(gid, "Order")
    row = None
    if pk is not None:
        row = await (await ctx.visible(models.Order.filter(id=pk))).first()
    if row is None:
        raise fail("id", "No such order.", "NOT_FOUND")
    return row


def _details_errors(data: Any) -> list[UserError]:
    errors = v.text(data.notes, ["notes"], 5000)
    if data.delivery_date is not None and data.delivery_date < now().date() - dt.timedelta(
        days=365
    ):
        errors.append(user_error("deliveryDate", "That delivery date is long past.", "INVALID"))
    return errors


async def create_order(ctx: RequestContext, data: CreateOrderInput) -> models.Order:
    errors = _details_errors(data)
    customer = await visible_customer(ctx, data.customer_id)
    if customer is None:
        errors.append(user_error("customerId", "No such customer.", "NOT_FOUND"))
    currency_problems = currency_code_errors(data.currency, ["currency"])
    if currency_problems:  # lines are priced in the currency: nothing more to check
        raise UserInputError(errors + currency_problems)
    book_id = None
    if data.price_book_id is not None:
        book = await products.PriceBook.get_or_none(
            id=maybe_pk(data.price_book_id, "PriceBook") or 0
        )
        if book is None:
            errors.append(user_error("priceBookId", "No such price book.", "NOT_FOUND"))
        else:
            book_id = book.id
    try:
        priced = await price_lines(data.lines, data.currency, book_id)
    except UserInputError as exc:
        raise UserInputError(errors + exc.errors) from exc
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = models.Order(
            number=await next_number(work, NUMBER_PREFIX, now().year),
            customer_id=customer.id,  # type: ignore[union-attr]
            owner_id=ctx.principal.user.id,
            currency=data.currency,
            subtotal=priced.totals.subtotal,
            discount_total=priced.totals.discount,
            tax_total=priced.totals.tax,
            grand_total=priced.totals.grand_total,
            delivery_date=data.delivery_date,
            notes=v.clean(data.notes),
        )
        await row.save()
        await models.OrderLine.bulk_create(
            [models.OrderLine(**line.columns(), order_id=row.id) for line in priced.lines]
        )
        await work.record(PLUGIN, CREATED, row, "Order")
    return row


async def create_order_from_quote(
    ctx: RequestContext, data: CreateOrderFromQuoteInput
) -> models.Order:
    errors = _details_errors(data)
    if errors:
        raise UserInputError(errors)
    quote = await ctx.runtime.host.first_result(
        "order_source_quote", only=ctx.enabled, ctx=ctx, quote_gid=data.quote_id
    )
    if quote is None:
        raise fail("quoteId", "No such quote.", "NOT_FOUND")
    if quote.status != "ACCEPTED":
        raise fail("quoteId", "Only an accepted quote becomes an order.", "NOT_ACCEPTED")
    async with ctx.write() as work:
        await work.lock(f"orders.from_quote:{quote.id}")
        existing = await models.Order.get_or_none(source_quote_id=quote.id)
        if existing is not None:
            raise fail(
                "quoteId", f"This quote is already order {existing.number}.", "ALREADY_ORDERED"
            )
        row = models.Order(
            number=await next_number(work, NUMBER_PREFIX, now().year),
            customer_id=quote.customer_id,
            owner_id=ctx.principal.user.id,
            source_quote_id=quote.id,
            source_quote_number=quote.display_number,
            opportunity_id=quote.opportunity_id,
            currency=quote.currency,
            delivery_date=data.delivery_date,
            notes=v.clean(data.notes),
            **{name: getattr(quote, name) for name in AMOUNTS},
        )
        try:
            await row.save()
        except IntegrityError as exc:  # a concurrent order of the same quote won the race
            raise fail("quoteId", "This quote is already an order.", "ALREADY_ORDERED") from exc
        await models.OrderLine.bulk_create(
            [models.OrderLine(**line, order_id=row.id) for line in quote.lines]
        )
        await work.record(PLUGIN, CREATED, row, "Order", {"sourceQuoteId": quote.id})
    return row
