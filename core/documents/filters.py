"""Filters every document template has, beside Jinja's own: amounts and dates as documents
print them, so each plugin's templates do not reinvent them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from core.money import minor_unit, round_money


def money(amount: Any, currency: str = "CNY") -> str:
    """`{{ line.total|money(quote.currency) }}`: 12345.6 CNY -> "12,345.60", 1500 JPY -> "1,500".

    Rounded half up to the currency's minor unit, like every amount Tessera stores.
    """
    if amount is None:
        return ""
    try:
        value = round_money(Decimal(str(amount)), currency)
    except InvalidOperation:
        raise ValueError(f"money: {amount!r} is not an amount") from None
    return f"{value:,.{minor_unit(currency)}f}"


def date(value: dt.date | dt.datetime | None, pattern: str = "%Y-%m-%d") -> str:
    """`{{ quote.valid_until|date }}` -> "2026-12-31";
    `{{ quote.valid_until|date("%Y年%m月%d日") }}` -> "2026年12月31日"."""
    if value is None:
        return ""
    return value.strftime(pattern)


DOCUMENT_FILTERS = {"money": money, "date": date}
