"""Money on the wire: `Money { amount: Decimal!, currency: String! }`; Decimal travels as a
string, never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import strawberry

from core.graphql.payloads import UserError, user_error
from core.money import has_sub_minor_digits, minor_unit, round_money

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("1e15")


@strawberry.type
class Money:
    amount: Decimal
    currency: str


def money_in(amount: Decimal, currency: str) -> Money:
    """An amount as clients see it: with exactly its currency's decimals (600.00 CNY)."""
    return Money(amount=round_money(amount, currency), currency=currency)


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency: str


def money_errors(
    value: MoneyInput | None, path: list[str], allow_negative: bool = False
) -> list[UserError]:
    """userErrors for an amount that is not finite, out of range or in an unknown-looking
    currency (ISO 4217 three capital letters)."""
    if value is None:
        return []
    errors: list[UserError] = []
    try:
        finite = value.amount.is_finite()
    except (InvalidOperation, AttributeError):
        finite = False
    if not finite or abs(value.amount) >= MAX_AMOUNT:
        errors.append(user_error([*path, "amount"], "Enter an amount below 10^15.", "INVALID"))
    elif value.amount < 0 and not allow_negative:
        errors.append(user_error([*path, "amount"], "The amount cannot be negative.", "NEGATIVE"))
    return errors + currency_code_errors(value.currency, [*path, "currency"])


def currency_code_errors(code: str | None, path: list[str]) -> list[UserError]:
    """userErrors for a currency code that is not three capital letters (ISO 4217 form)."""
    if CURRENCY.match(code or ""):
        return []
    return [user_error(path, "Use a three-letter currency code such as CNY.", "INVALID")]


def exact_money_errors(
    value: MoneyInput | None, path: list[str], allow_negative: bool = False
) -> list[UserError]:
    """money_errors, and more decimals than the currency has (0.001 CNY, 1.5 JPY) refused
    rather than rounded: a price or deal amount means exactly what was typed."""
    errors = money_errors(value, path, allow_negative)
    if errors or value is None:
        return errors
    places = minor_unit(value.currency)
    if has_sub_minor_digits(value.amount, value.currency):
        decimals = "no decimals" if places == 0 else f"at most {places} decimals"
        errors.append(
            user_error([*path, "amount"], f"{value.currency} amounts have {decimals}.", "INVALID")
        )
    return errors
