"""Field permissions. Every root field must carry exactly one of these (checked at startup)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info


class Public(BasePermission):
    """Open to anonymous callers (login only)."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


class SignedIn(BasePermission):
    """Any signed-in user, with or without a tenant."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_user()
        return True


class PlatformAdmin(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        from core.graphql.errors import ApiError, Code

        if not info.context.require_user().is_platform_admin:
            raise ApiError(Code.FORBIDDEN, "Only the platform admin may do this.")
        return True


_requires: dict[str, type[BasePermission]] = {}


def requires(permission: str) -> list[type[BasePermission]]:
    """`permission_classes=requires("customer.read")`: signed in to a tenant, role grants it."""
    if permission not in _requires:

        def has_permission(self: Any, source: Any, info: Info, **kwargs: Any) -> bool:
            info.context.require(permission)
            return True

        _requires[permission] = type(
            f"Requires_{permission.replace('.', '_')}",
            (BasePermission,),
            {"has_permission": has_permission, "permission": permission},
        )
    return [_requires[permission]]


PUBLIC = [Public]
SIGNED_IN = [SignedIn]
PLATFORM_ADMIN = [PlatformAdmin]
