"""Mutation results: userErrors for bad input, which always means nothing was written."""

from __future__ import annotations

import strawberry


@strawberry.type
class UserError:
    field: list[str] | None
    message: str
    code: str


class UserInputError(Exception):
    """Raised anywhere inside a mutation to abort it (rolling back) and report userErrors."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def user_error(field: list[str] | str | None, message: str, code: str) -> UserError:
    path = [field] if isinstance(field, str) else field
    return UserError(field=path, message=message, code=code)


def fail(field: list[str] | str | None, message: str, code: str) -> UserInputError:
    return UserInputError([user_error(field, message, code)])


def prefixed(index: int, errors: list[UserError]) -> list[UserError]:
    """Errors of item `index` of a bulk input: their field path starts with the index."""
    return [
        UserError(field=[str(index), *(e.field or [])], message=e.message, code=e.code)
        for e in errors
    ]
