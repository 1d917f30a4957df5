"""Small input checks every plugin needs; each returns userErrors instead of raising."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.graphql.payloads import UserError, user_error

Path = Sequence[str]
_PHONE = re.compile(r"^\+?[0-9 ()\-./]{3,40}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def clean(value: str | None) -> str | None:
    """Trimmed text, None when blank."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def text(value: str | None, path: Path, max_length: int, required: bool = False) -> list[UserError]:
    value = clean(value)
    if value is None:
        return [user_error(list(path), "This field is required.", "REQUIRED")] if required else []
    if len(value) > max_length:
        return [user_error(list(path), f"Use at most {max_length} characters.", "TOO_LONG")]
    if any(ord(c) < 32 and c not in "\t\n" for c in value):
        return [user_error(list(path), "Remove control characters.", "INVALID")]
    return []


def email(value: str | None, path: Path) -> list[UserError]:
    value = clean(value)
    if value is None:
        return []
    if len(value) > 254 or not _EMAIL.match(value):
        return [user_error(list(path), "Enter a valid email address.", "INVALID")]
    return []


def phone(value: str | None, path: Path) -> list[UserError]:
    value = clean(value)
    if value is None:
        return []
    if not _PHONE.match(value):
        return [
            user_error(list(path), "Enter a phone number (digits, spaces, + ( ) -).", "INVALID")
        ]
    if len(value) > 50:
        return [user_error(list(path), "Use at most 50 characters.", "TOO_LONG")]
    return []


def website_domain(value: str | None) -> str | None:
    """The lowercased host of a website ('https://www.Acme.com/x' -> 'acme.com'), or None."""
    value = clean(value)
    if value is None:
        return None
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.lower()).split("/")[0].split(":")[0]
    host = host.removeprefix("www.")
    return host if _DOMAIN.match(host) else None


def website(value: str | None, path: Path) -> list[UserError]:
    if clean(value) is None:
        return []
    if len(value or "") > 255 or website_domain(value) is None:
        return [user_error(list(path), "Enter a website such as https://example.com.", "INVALID")]
    return []


def tags(values: list[str] | None, path: Path, max_count: int = 20) -> list[UserError]:
    if not values:
        return []
    if len(values) > max_count:
        return [user_error(list(path), f"Use at most {max_count} tags.", "TOO_MANY")]
    errors: list[UserError] = []
    for i, tag in enumerate(values):
        errors += text(tag, [*path, str(i)], 50, required=True)
    return errors


def normalized_tags(values: list[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for tag in values or []:
        tag = tag.strip()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)
