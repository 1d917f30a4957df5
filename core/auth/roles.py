"""Built-in roles, the record scope each implies, and core's own permissions."""

from __future__ import annotations

from enum import Enum

from core.manifest import Permission


class Scope(Enum):
    """Which records a role sees: its own, its team's, or the whole tenant's."""

    OWN = 1
    TEAM = 2
    TENANT = 3


BUILTIN_ROLES: dict[str, Scope] = {
    "admin": Scope.TENANT,
    "manager": Scope.TEAM,
    "sales": Scope.OWN,
    # Viewers audit the whole tenant but are granted no write permission.
    "viewer": Scope.TENANT,
}

CORE_PERMISSIONS = (
    Permission("user.read", "List the tenant's users"),
    Permission("user.manage", "Create users and change their roles"),
    Permission("plugin.read", "List the tenant's plugins"),
    Permission("plugin.manage", "Enable and disable plugins for the tenant"),
    Permission("apikey.manage", "Create and revoke API keys"),
    Permission("search.query", "Search across enabled plugins"),
    Permission("document.manage", "Edit the tenant's document templates and letterhead logo"),
)

CORE_GRANTS: dict[str, list[str]] = {
    "admin": [p.name for p in CORE_PERMISSIONS],
    "manager": ["user.read", "plugin.read", "search.query"],
    "sales": ["user.read", "plugin.read", "search.query"],
    "viewer": ["user.read", "plugin.read", "search.query"],
}


def scope_of(roles: list[str]) -> Scope:
    scopes = [BUILTIN_ROLES[r] for r in roles if r in BUILTIN_ROLES]
    return max(scopes, key=lambda s: s.value) if scopes else Scope.OWN
