"""Rules every quote write shares: settings, visibility, lines priced and validated, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core import validation as v
from core.graphql.money import CURRENCY
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.relay import maybe_pk
from core.money import has_sub_minor_digits, minor_unit
from plugins.products import models as products
from plugins.products.pricing import PriceBookError, unit_prices
from plugins.quotes import calc, models

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from plugins.quotes.inputs import QuoteLineInput

PLUGIN = "quotes"
MAX_LINES = 200
MAX_QUANTITY = Decimal("1e9")
MAX_UNIT_PRICE = Decimal("1e12")
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


# -- lines ---------------------------------------------------------------------------------------


@dataclass
class PricedLines:
    rows: list[models.QuoteLine]
    totals: calc.Totals
    max_discount: Decimal


def _decimal_errors(
    value: Decimal | None, path: list[str], low: Decimal, high: Decimal, places: int, what: str
) -> list[UserError]:
    if value is None:
        return []
    if not value.is_finite() or not low <= value <= high:
        return [user_error(path, f"{what} must be from {low} to {high}.", "OUT_OF_RANGE")]
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return [user_error(path, f"{what} has at most {places} decimals.", "INVALID")]
    return []


def _line_errors(item: QuoteLineInput, path: list[str], currency: str) -> list[UserError]:
    errors = _decimal_errors(
        item.quantity, [*path, "quantity"], Decimal(0), MAX_QUANTITY, 3, "Quantity"
    )
    if not errors and item.quantity == 0:
        errors.append(user_error([*path, "quantity"], "Quantity must be above 0.", "OUT_OF_RANGE"))
    errors += _decimal_errors(
        item.discount_percent, [*path, "discountPercent"], Decimal(0), Decimal(100), 2, "A discount"
    )
    errors += _decimal_errors(
        item.tax_percent, [*path, "taxPercent"], Decimal(0), Decimal(100), 3, "A tax rate"
    )
    if item.unit_price is not None:
        price_path = [*path, "unitPrice"]
        range_errors = _decimal_errors(
            item.unit_price, price_path, Decimal(0), MAX_UNIT_PRICE, 3, "A unit price"
        )
        if range_errors:
            errors += range_errors
        elif has_sub_minor_digits(item.unit_price, currency):
            places = minor_unit(currency)
            errors.append(
                user_error(
                    price_path, f"{currency} prices have at most {places} decimals.", "INVALID"
                )
            )
    errors += v.text(item.description, [*path, "description"], 2000)
    return errors


async def price_lines(
    items: list[QuoteLineInput], currency: str, price_book_id: int | None
) -> PricedLines:
    """Validate and price every line; UserInputError listing every problem otherwise."""
    errors: list[UserError] = []
    if not 1 <= len(items) <= MAX_LINES:
        raise fail("lines", f"A quote has 1 to {MAX_LINES} lines.", "INVALID")
    product_ids: list[int | None] = []
    for i, item in enumerate(items):
        path = ["lines", str(i)]
        errors += _line_errors(item, path, currency)
        pk = maybe_pk(item.product_id, "Product")
        product_ids.append(pk)
        if pk is None:
            errors.append(user_error([*path, "productId"], "No such product.", "NOT_FOUND"))
    wanted = {pk for pk in product_ids if pk is not None}
    catalogue = {p.id: p for p in await products.Product.filter(id__in=wanted)}
    try:
        prices = await unit_prices(wanted, currency, price_book_id)
    except PriceBookError as exc:
        raise fail("priceBookId", exc.message, exc.code) from exc
    for i, (item, pk) in enumerate(zip(items, product_ids, strict=True)):
        path = ["lines", str(i), "productId"]
        if pk is None:
            continue
        product = catalogue.get(pk)
        if product is None:
            errors.append(user_error(path, "No such product.", "NOT_FOUND"))
        elif not product.active:
            errors.append(user_error(path, f"'{product.name}' is no longer sold.", "INACTIVE"))
        elif item.unit_price is None and pk not in prices:
            errors.append(
                user_error(
                    path,
                    f"'{product.name}' has no {currency} price: give a unitPrice.",
                    "NO_PRICE",
                )
            )
    if errors:
        raise UserInputError(errors)
    rows: list[models.QuoteLine] = []
    for position, (item, pk) in enumerate(zip(items, product_ids, strict=True), start=1):
        product = catalogue[pk]  # type: ignore[index]
        if item.unit_price is not None:
            unit_price, source = item.unit_price, "MANUAL"
        else:
            unit_price, source = prices[pk].amount, prices[pk].source  # type: ignore[index]
        amounts = calc.line_amounts(
            item.quantity, unit_price, item.discount_percent, item.tax_percent, currency
        )
        rows.append(
            models.QuoteLine(
                position=position,
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                description=v.clean(item.description) or product.description,
                unit=product.unit,
                quantity=item.quantity,
                unit_price=unit_price,
                price_source=source,
                discount_percent=item.discount_percent,
                tax_percent=item.tax_percent,
                gross=amounts.gross,
                discount=amounts.discount,
                net=amounts.net,
                tax=amounts.tax,
                total=amounts.total,
            )
        )
    totals = calc.totals((_amounts(r) for r in rows), currency)
    max_discount = max((Decimal(i.discount_percent) for i in items), default=Decimal(0))
    return PricedLines(rows=rows, totals=totals, max_discount=max_discount)


def _amounts(row: models.QuoteLine) -> calc.LineAmounts:
    return calc.LineAmounts(row.gross, row.discount, row.net, row.tax, row.total)


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
    for row in priced.rows:
        row.quote_id = quote.id
    await models.QuoteLine.bulk_create(priced.rows)


async def copy_lines(source: models.Quote, target: models.Quote) -> None:
    rows = await models.QuoteLine.filter(quote_id=source.id).order_by("position")
    await models.QuoteLine.bulk_create(
        [
            models.QuoteLine(
                **{
                    name: getattr(row, name)
                    for name in row._meta.fields_map
                    if name not in ("id", "quote", "quote_id", "tenant", "tenant_id")
                },
                quote_id=target.id,
            )
            for row in rows
        ]
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
    if not CURRENCY.match(currency):
        return [user_error("currency", "Use a three-letter currency code such as CNY.", "INVALID")]
    return []
