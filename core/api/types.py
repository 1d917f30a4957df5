"""GraphQL types core owns: users, tenants, plugins, API keys, search hits."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.graphql.relay import Node, to_global_id
from core.models import ApiKey as ApiKeyRow
from core.models import Membership
from core.models import Tenant as TenantRow
from core.models import User as UserRow


@strawberry.type
class User(Node):
    node_model: ClassVar = Membership
    node_permission: ClassVar = "user.read"
    email: str
    name: str
    team: str | None
    roles: list[str]
    manager_id: strawberry.ID | None = strawberry.field(name="managerId")

    @classmethod
    async def load_nodes(cls, info: Info, pks: list[int]) -> dict[int, User]:
        """A user's global ID holds the user's id, not the membership's."""
        rows = await Membership.filter(user_id__in=pks, is_active=True).select_related("user")
        return {m.user_id: await cls.build(info, m.user, m) for m in rows}

    @classmethod
    async def build(cls, info: Info, user: UserRow, membership: Membership | None) -> User:
        roles: list[str] = []
        if membership is not None:
            rbac = info.context.runtime.rbac
            principal = info.context.principal
            if principal.tenant is not None and principal.tenant.id == membership.tenant_id:
                enforcer = principal.enforcer
            else:
                tenant = await TenantRow.get(id=membership.tenant_id)
                enforcer = await rbac.enforcer(tenant.id, tenant.acl_version)
            roles = await rbac.roles_of(enforcer, membership.tenant_id, user.id)
        return cls(
            id=strawberry.ID(to_global_id("User", user.id)),
            email=user.email,
            name=user.name,
            team=membership.team if membership else None,
            roles=roles,
            manager_id=(
                strawberry.ID(to_global_id("User", membership.manager_id))
                if membership and membership.manager_id
                else None
            ),
        )


@strawberry.type
class Tenant(Node):
    slug: str
    name: str
    plugins: list[str]

    @classmethod
    def of(cls, row: TenantRow) -> Tenant:
        return cls(
            id=strawberry.ID(to_global_id("Tenant", row.id)),
            slug=row.slug,
            name=row.name,
            plugins=list(row.plugins),
        )


@strawberry.type
class PluginRequirement:
    name: str
    version_range: str


@strawberry.type
class PluginPermission:
    name: str
    description: str


@strawberry.type
class Plugin:
    name: str
    version: str
    title: str
    description: str
    requires: list[PluginRequirement]
    permissions: list[PluginPermission]
    enabled: bool


@strawberry.type
class ApiKey(Node):
    node_model: ClassVar = ApiKeyRow
    node_permission: ClassVar = "apikey.manage"
    node_owner_field: ClassVar = None
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=strawberry.ID(to_global_id("ApiKey", row.id)),
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type
class SearchHit:
    type: str
    id: strawberry.ID
    title: str
    snippet: str
    score: float
    node: Node | None
