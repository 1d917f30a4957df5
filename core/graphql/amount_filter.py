"""Price filters over amounts stored as whole thousandths (core.money.AmountField).

A DecimalFilter's operand may fall between two storable amounts (9.9995) or beyond every
one (1e400), and AmountField refuses to convert such values. Each operand is replaced by
the storable amount that admits exactly the same rows, so a filter never fails on them.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tortoise.expressions import Q

from core.graphql.errors import bad_input
from core.graphql.filters import DecimalFilter
from core.graphql.money import MAX_AMOUNT
from core.money import SCALE

# Every stored amount lies strictly within ±MAX_AMOUNT (money_errors refuses others).
_LIMIT = int(MAX_AMOUNT.scaleb(SCALE))
# A bound between two stored values counts as the stored value on its inner side:
# `gte 9.9995` is `gte 10.000`, `lt 9.9995` is `lt 10.000`, `lte 9.9995` is `lte 9.999`.
_BOUND_ROUNDING = {"gt": ROUND_FLOOR, "gte": ROUND_CEILING, "lt": ROUND_CEILING, "lte": ROUND_FLOOR}


def _storable(value: Decimal, rounding: str) -> Decimal:
    if not value.is_finite():
        raise bad_input("Amount filters take numbers.")
    thousandths = int(value.scaleb(SCALE).to_integral_value(rounding=rounding))
    return Decimal(max(-_LIMIT, min(_LIMIT, thousandths))).scaleb(-SCALE)


def _storable_exactly(value: Decimal) -> bool:
    scaled = value.scaleb(SCALE)
    return scaled == scaled.to_integral_value()


def amount_q(column: str, condition: DecimalFilter) -> Q:
    """The rows whose AmountField `column` meets `condition`."""
    parts = [
        Q(**{f"{column}__{op}": _storable(getattr(condition, op), rounding)})
        for op, rounding in _BOUND_ROUNDING.items()
        if getattr(condition, op) is not None
    ]
    if condition.eq is not None:
        stored = _storable(condition.eq, ROUND_FLOOR)
        # No stored amount equals a value between two thousandths.
        parts.append(Q(**{column: stored}) if _storable_exactly(condition.eq) else Q(id__in=[]))
    if condition.ne is not None:
        stored = _storable(condition.ne, ROUND_FLOOR)
        if _storable_exactly(condition.ne):
            parts.append(~Q(**{column: stored}))
    if condition.is_null is not None:
        parts.append(Q(**{f"{column}__isnull": condition.is_null}))
    return Q(*parts)
