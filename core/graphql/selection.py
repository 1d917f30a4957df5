"""What a query asks for below a field, so a resolver loads only what will be read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


def _fields(selections: Iterable[Any]) -> Iterable[SelectedField]:
    """Fields of a selection set, through fragments and inline fragments."""
    for selection in selections:
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)
        else:
            yield selection


def selected_below(info: Info, path: Sequence[str]) -> set[str]:
    """Names of the fields selected at `path` below the current field, e.g. the fields of
    each node of a connection: `selected_below(info, ("edges", "node"))`."""
    level: list[Any] = list(info.selected_fields)
    for name in ("", *path):
        level = [
            child
            for field in _fields(level)
            if not name or field.name == name
            for child in field.selections
        ]
    return {field.name for field in _fields(level)}
