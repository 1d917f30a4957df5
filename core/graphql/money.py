"""Money on the wire: `Money { amount: Decimal!, currency: String! }`; Decimal travels as a
string, never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import strawberry

from core.graphql.payloads import UserError, user_error

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("1e15")


@strawberry.type
class Money:
    amount: Decimal
    currency: str


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
    if not CURRENCY.match(value.currency or ""):
        errors.append(
            user_error(
                [*path, "currency"], "Use a three-letter currency code such as CNY.", "INVALID"
            )
        )
    return errors
