"""Tenants (platform admin) and each tenant's plugins (tenant admin)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.api.types import Plugin, PluginPermission, PluginRequirement, Tenant
from core.graphql.context import run_mutation
from core.graphql.payloads import UserError
from core.graphql.permissions import PLATFORM_ADMIN, requires
from core.models import Tenant as TenantRow
from core.tenants import create_tenant, disable_plugin, enable_plugin


@strawberry.input
class CreateTenantInput:
    slug: str
    name: str
    admin_email: str
    admin_password: str
    plugins: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class CreateTenantPayload:
    tenant: Tenant | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PluginInput:
    name: str


@strawberry.type
class PluginPayload:
    plugin: Plugin | None = None
    plugins: list[Plugin] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _plugins(info: Info, enabled: list[str]) -> list[Plugin]:
    host = info.context.runtime.host
    return [
        Plugin(
            name=p.name,
            version=p.manifest.version,
            title=p.manifest.title,
            description=p.manifest.description,
            requires=[
                PluginRequirement(name=n, version_range=r)
                for n, r in sorted(p.manifest.requires.items())
            ],
            permissions=[
                PluginPermission(name=x.name, description=x.description)
                for x in p.manifest.permissions
            ],
            enabled=p.name in enabled,
        )
        for p in (host.plugins[n] for n in host.order)
    ]


def _one(info: Info, tenant: TenantRow, name: str) -> PluginPayload:
    everything = _plugins(info, tenant.plugins)
    return PluginPayload(plugin=next(p for p in everything if p.name == name), plugins=everything)


@strawberry.type
class PlatformQueries:
    @strawberry.field(permission_classes=PLATFORM_ADMIN)
    async def tenants(self) -> list[Tenant]:
        return [Tenant.of(t) for t in await TenantRow.all().order_by("id")]

    @strawberry.field(
        permission_classes=requires("plugin.read"),
        description="Installed plugins, and whether this tenant enabled each.",
    )
    def plugins(self, info: Info) -> list[Plugin]:
        return _plugins(info, info.context.principal.tenant.plugins)


@strawberry.type
class PlatformMutations:
    @strawberry.mutation(permission_classes=PLATFORM_ADMIN)
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> CreateTenantPayload:
        async def body() -> CreateTenantPayload:
            row = await create_tenant(
                info.context.runtime,
                input.slug,
                input.name,
                input.admin_email,
                input.admin_password,
                input.plugins,
            )
            return CreateTenantPayload(tenant=Tenant.of(row))

        return await run_mutation(CreateTenantPayload, body)

    @strawberry.mutation(permission_classes=requires("plugin.manage"))
    async def enable_plugin(self, info: Info, input: PluginInput) -> PluginPayload:
        async def body() -> PluginPayload:
            ctx = info.context
            tenant = await enable_plugin(ctx.runtime, ctx.principal.tenant, input.name)
            await ctx.refresh_enforcer()
            return _one(info, tenant, input.name)

        return await run_mutation(PluginPayload, body)

    @strawberry.mutation(permission_classes=requires("plugin.manage"))
    async def disable_plugin(self, info: Info, input: PluginInput) -> PluginPayload:
        async def body() -> PluginPayload:
            ctx = info.context
            tenant = await disable_plugin(ctx.runtime, ctx.principal.tenant, input.name)
            return _one(info, tenant, input.name)

        return await run_mutation(PluginPayload, body)
