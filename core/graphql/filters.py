"""Typed filter inputs (API.md: eq, ne, in, gt, gte, lt, lte, contains, isNull) and their
translation into Tortoise Q objects.

A plugin's filter input is a strawberry input whose fields are these operator inputs (named
after model columns), plus `and`, `or`, `not`. `to_q` walks it generically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from tortoise.expressions import Q

from core.graphql.relay import pk_of

_LOOKUPS = {
    "eq": "",
    "ne": "__not",
    "in_": "__in",
    "gt": "__gt",
    "gte": "__gte",
    "lt": "__lt",
    "lte": "__lte",
    "contains": "__icontains",
    "is_null": "__isnull",
}


@strawberry.input
class StringFilter:
    eq: str | None = None
    ne: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    contains: str | None = None
    is_null: bool | None = None


@strawberry.input
class IntFilter:
    eq: int | None = None
    ne: int | None = None
    in_: list[int] | None = strawberry.field(name="in", default=None)
    gt: int | None = None
    gte: int | None = None
    lt: int | None = None
    lte: int | None = None
    is_null: bool | None = None


@strawberry.input
class DecimalFilter:
    eq: Decimal | None = None
    ne: Decimal | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    is_null: bool | None = None


@strawberry.input
class DateFilter:
    eq: dt.date | None = None
    ne: dt.date | None = None
    gt: dt.date | None = None
    gte: dt.date | None = None
    lt: dt.date | None = None
    lte: dt.date | None = None
    is_null: bool | None = None


@strawberry.input
class DateTimeFilter:
    gt: dt.datetime | None = None
    gte: dt.datetime | None = None
    lt: dt.datetime | None = None
    lte: dt.datetime | None = None
    is_null: bool | None = None


@strawberry.input
class BooleanFilter:
    eq: bool | None = None
    is_null: bool | None = None


@strawberry.input(description="Matches records by the global ID of a related record.")
class IDFilter:
    eq: strawberry.ID | None = None
    ne: strawberry.ID | None = None
    in_: list[strawberry.ID] | None = strawberry.field(name="in", default=None)
    is_null: bool | None = None


_enum_filters: dict[type, type] = {}


def enum_filter(enum: type[Enum]) -> type:
    """The `<Enum>Filter` input for a strawberry enum (eq, ne, in, isNull), made once."""
    if enum not in _enum_filters:
        name = f"{enum.__name__}Filter"
        cls = type(
            name,
            (),
            {
                "__annotations__": {
                    "eq": enum | None,
                    "ne": enum | None,
                    "in_": list[enum] | None,  # type: ignore[valid-type]
                    "is_null": bool | None,
                },
                "eq": None,
                "ne": None,
                "in_": strawberry.field(name="in", default=None),
                "is_null": None,
            },
        )
        _enum_filters[enum] = strawberry.input(cls)
    return _enum_filters[enum]


@dataclasses.dataclass(frozen=True)
class Column:
    """How a filter field maps to the database: the column and, for IDs, the node type."""

    name: str
    id_type: str | None = None


Columns = Mapping[str, Column | str]


def _value(column: Column, op: str, value: Any, path: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        # Stored times are UTC; SQLite compares them as text, so the offset must match.
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if column.id_type and op in ("eq", "ne"):
        return pk_of(value, column.id_type, path)
    if column.id_type and op == "in_":
        return [pk_of(v, column.id_type, path) for v in value]
    if op == "in_":
        return [v.value if isinstance(v, Enum) else v for v in value]
    return value


def to_q(
    filter_input: Any,
    columns: Columns | None = None,
    custom: Mapping[str, Callable[[Any], Q]] | None = None,
) -> Q:
    """Translate a filter input into a Q. Columns default to the field's Python name.

    `custom` maps a field name to a function building the Q itself (for filters that are
    not a plain column, such as tags).
    """
    columns = columns or {}
    custom = custom or {}
    parts: list[Q] = []
    for field in dataclasses.fields(filter_input):
        value = getattr(filter_input, field.name)
        if value is None:
            continue
        if field.name == "and_":
            parts.extend(to_q(item, columns, custom) for item in value)
        elif field.name == "or_":
            if value:
                parts.append(Q(*(to_q(item, columns, custom) for item in value), join_type="OR"))
        elif field.name == "not_":
            parts.append(~to_q(value, columns, custom))
        elif field.name in custom:
            parts.append(custom[field.name](value))
        else:
            mapped = columns.get(field.name, field.name)
            column = mapped if isinstance(mapped, Column) else Column(mapped)
            for op in dataclasses.fields(value):
                operand = getattr(value, op.name)
                if operand is None:
                    continue
                lookup = column.name + _LOOKUPS[op.name]
                parts.append(Q(**{lookup: _value(column, op.name, operand, field.name)}))
    return Q(*parts) if parts else Q()
