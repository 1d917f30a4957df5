"""Decimal money: each currency's minor unit, the one rounding rule, and exact storage.

Amounts are Decimal end to end, never float. Rounding is explicit, half up (the commercial
rule in China and most of Europe), to the currency's minor unit (ISO 4217 exponent).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise import fields
from tortoise.functions import Sum

# ISO 4217 currencies whose minor unit is not two decimals; every other code uses two.
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"), 0),
    **dict.fromkeys(("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
# (CLF and UYW, units of account with four decimals, are not prices: amounts are stored in
# thousandths, so they count as two-decimal codes here.)


def minor_unit(currency: str) -> int:
    """Decimals of the currency: 2 for CNY, 0 for JPY, 3 for KWD."""
    return _EXPONENTS.get(currency, 2)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def has_sub_minor_digits(amount: Decimal, currency: str) -> bool:
    """True when `amount` is more precise than the currency allows (0.001 CNY, 1.5 JPY)."""
    return amount != amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


# -- storing amounts ---------------------------------------------------------------------------

SCALE = 3  # thousandths hold every currency's minor unit (KWD has three decimals)


class AmountField(fields.BigIntField):
    """A Decimal amount stored as whole thousandths in a BIGINT.

    Not DecimalField: on SQLite Tortoise keeps decimals as text, where "10.00" sorts before
    "9.00" and SUM() adds floats. Integers sort, sum and compare exactly on both databases.
    Values with more than three decimals are refused, never rounded silently; floats are
    refused. Assign Decimal amounts: an int read from the database is thousandths. Sum
    with `StoredSum` and convert with `from_stored` (PostgreSQL's SUM(bigint) is numeric,
    SQLite's an integer: both are thousandths).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # An unsaved row takes the default as is: make `default=0` a Decimal like every
        # amount read back, so code never meets an int amount.
        if isinstance(self.default, int) and not isinstance(self.default, bool):
            self.default = Decimal(self.default)

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float | bool):
            raise TypeError(f"amounts are Decimal, not {type(value).__name__}")
        return to_stored(Decimal(value))

    def to_python_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Decimal):
            return value
        return from_stored(int(value))


class StoredSum(Sum):
    """SUM of an AmountField column, left in thousandths for `from_stored`."""

    populate_field_object = False


def to_stored(amount: Decimal) -> int:
    scaled = amount.scaleb(SCALE)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {SCALE} decimals")
    return int(scaled)


def from_stored(value: int | Decimal | None) -> Decimal:
    """The amount that stored thousandths (a column or a SUM of one) stand for."""
    return Decimal(value or 0).scaleb(-SCALE)


def trimmed(value: Decimal) -> Decimal:
    """`value` without trailing zeros and never in exponent form: 2.500 -> 2.5, 100.000 -> 100."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
