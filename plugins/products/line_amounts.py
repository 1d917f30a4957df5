"""Line arithmetic of quotes and orders: Decimal only, rounded once per step to the
currency's minor unit.

Per line, in this order, each amount rounded half up to the currency's minor unit:

    gross    = quantity x unit price
    discount = gross x discount% / 100
    net      = gross - discount
    tax      = net x tax% / 100
    total    = net + tax

A document's subtotal, discount, tax and grand total are the sums of its lines' rounded
amounts, so `subtotal - discount + tax == grand total` holds to the cent and every figure on
a PDF adds up. An order made from a quote copies the quote's amounts; it never recomputes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.money import round_money

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    grand_total: Decimal


def line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal,
    tax_percent: Decimal,
    currency: str,
) -> LineAmounts:
    gross = round_money(quantity * unit_price, currency)
    discount = round_money(gross * discount_percent / HUNDRED, currency)
    net = gross - discount
    tax = round_money(net * tax_percent / HUNDRED, currency)
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


def totals(lines: Iterable[LineAmounts], currency: str) -> Totals:
    lines = list(lines)
    zero = round_money(ZERO, currency)
    return Totals(
        subtotal=sum((line.gross for line in lines), zero),
        discount=sum((line.discount for line in lines), zero),
        tax=sum((line.tax for line in lines), zero),
        grand_total=sum((line.total for line in lines), zero),
    )
