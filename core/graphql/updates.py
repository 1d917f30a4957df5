"""Partial updates: which input fields a client sent, and writing the changes under
optimistic locking (the row's `version`), so a stale edit is a CONFLICT, never lost data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import strawberry

from core.graphql.errors import ApiError, Code


def given(value: Any) -> bool:
    """Whether an update input carries this field at all (null included)."""
    return value is not strawberry.UNSET


async def bump_version(
    model: type, row: Any, expected: int | None, changes: dict[str, Any], what: str | None = None
) -> None:
    """Write `changes` only if nobody else changed the row since it was read; CONFLICT
    otherwise. `expected` is the version the client read (None: the row as just loaded).
    `what` names the record in the message ("price book"); the model's name by default."""
    if expected is not None and expected != row.version:
        raise _conflict(what or _words(model.__name__))
    changes = {**changes, "version": row.version + 1, "updated_at": dt.datetime.now(dt.UTC)}
    written = await model.filter(id=row.id, version=row.version).update(**changes)
    if not written:
        raise _conflict(what or _words(model.__name__))
    for key, value in changes.items():
        setattr(row, key, value)


def _words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _conflict(what: str) -> ApiError:
    return ApiError(
        Code.CONFLICT,
        f"This {what} was changed by someone else; reload it and apply your change again.",
    )
