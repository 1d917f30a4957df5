"""Pricing the lines of a quote or an order from the catalogue.

Both plugins require products; both send lines of the same shape (any object with
`product_id` (a Product global ID), `quantity`, `unit_price` (None: from the price book),
`discount_percent`, `tax_percent`, `description`). Every problem of every line is reported
at once, with paths `lines.<i>.<field>`; nothing is priced from an inactive product.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from core import validation as v
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.relay import maybe_pk
from core.money import has_sub_minor_digits, minor_unit
from plugins.products import models
from plugins.products.line_amounts import LineAmounts, Totals, line_amounts, totals
from plugins.products.pricing import PriceBookError, unit_prices

MAX_LINES = 200
MAX_QUANTITY = Decimal("1e9")
MAX_UNIT_PRICE = Decimal("1e12")


class LineRequest(Protocol):
    product_id: Any
    quantity: Decimal
    unit_price: Decimal | None
    discount_percent: Decimal
    tax_percent: Decimal
    description: str | None


@dataclass(frozen=True)
class PricedLine:
    """A line as the customer sees it: product details copied, amounts rounded."""

    position: int
    product_id: int
    sku: str
    name: str
    description: str | None
    unit: str
    quantity: Decimal
    unit_price: Decimal
    price_source: str  # PRICE_BOOK, LIST_PRICE or MANUAL
    discount_percent: Decimal
    tax_percent: Decimal
    amounts: LineAmounts

    def columns(self) -> dict[str, Any]:
        """The line's columns, as quotes and orders store them."""
        a = self.amounts
        return {
            "position": self.position,
            "product_id": self.product_id,
            "sku": self.sku,
            "name": self.name,
            "description": self.description,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "price_source": self.price_source,
            "discount_percent": self.discount_percent,
            "tax_percent": self.tax_percent,
            "gross": a.gross,
            "discount": a.discount,
            "net": a.net,
            "tax": a.tax,
            "total": a.total,
        }


@dataclass(frozen=True)
class PricedLines:
    lines: list[PricedLine]
    totals: Totals
    max_discount: Decimal = Decimal(0)  # the deepest line discount, for approval rules


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


def _line_errors(item: LineRequest, path: list[str], currency: str) -> list[UserError]:
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
    items: list[Any], currency: str, price_book_id: int | None = None
) -> PricedLines:
    """Validate and price every line (LineRequest); UserInputError listing every problem.

    Call inside the tenant's scope.
    """
    if not 1 <= len(items) <= MAX_LINES:
        raise fail("lines", f"Send 1 to {MAX_LINES} lines.", "INVALID")
    errors: list[UserError] = []
    product_ids: list[int | None] = []
    for i, item in enumerate(items):
        path = ["lines", str(i)]
        errors += _line_errors(item, path, currency)
        pk = maybe_pk(item.product_id, "Product")
        product_ids.append(pk)
        if pk is None:
            errors.append(user_error([*path, "productId"], "No such product.", "NOT_FOUND"))
    wanted = {pk for pk in product_ids if pk is not None}
    catalogue = {p.id: p for p in await models.Product.filter(id__in=wanted)}
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
                    path, f"'{product.name}' has no {currency} price: give a unitPrice.", "NO_PRICE"
                )
            )
    if errors:
        raise UserInputError(errors)
    priced: list[PricedLine] = []
    for position, (item, pk) in enumerate(zip(items, product_ids, strict=True), start=1):
        product = catalogue[pk]  # type: ignore[index]
        if item.unit_price is not None:
            unit_price, source = item.unit_price, "MANUAL"
        else:
            unit_price, source = prices[pk].amount, prices[pk].source  # type: ignore[index]
        priced.append(
            PricedLine(
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
                amounts=line_amounts(
                    item.quantity, unit_price, item.discount_percent, item.tax_percent, currency
                ),
            )
        )
    return PricedLines(
        lines=priced,
        totals=totals((line.amounts for line in priced), currency),
        max_discount=max((Decimal(i.discount_percent) for i in items), default=Decimal(0)),
    )
