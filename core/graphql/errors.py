"""Top-level GraphQL error codes (API.md) and the exception that carries them."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    MODULE_DISABLED = "MODULE_DISABLED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(Exception):
    """An error the client is meant to see, with its code; anything else is masked."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def unauthenticated(
    message: str = "Sign in first: send Authorization: Bearer <token>.",
) -> ApiError:
    return ApiError(Code.UNAUTHENTICATED, message)


def forbidden(permission: str) -> ApiError:
    return ApiError(Code.FORBIDDEN, f"Your role lacks the permission '{permission}'.")


def bad_input(message: str) -> ApiError:
    return ApiError(Code.BAD_USER_INPUT, message)


def module_disabled(plugin: str) -> ApiError:
    return ApiError(Code.MODULE_DISABLED, f"The module '{plugin}' is not enabled for this tenant.")
