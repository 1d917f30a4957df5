"""The per-request context resolvers receive as `info.context`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader
from tortoise.queryset import QuerySet

from core.auth.principal import Principal
from core.events import UnitOfWork, unit_of_work
from core.graphql.errors import ApiError, Code, forbidden, unauthenticated
from core.graphql.payloads import UserInputError
from core.models import Tenant

if TYPE_CHECKING:
    from starlette.requests import Request

    from core.runtime import Runtime


@dataclass
class RequestContext:
    runtime: Runtime
    principal: Principal
    enabled: frozenset[str]
    request: Request | None = None
    _loaders: dict[Hashable, DataLoader] = field(default_factory=dict)

    # -- who may do what ------------------------------------------------------------------------

    def require_user(self) -> Principal:
        if not self.principal.authenticated:
            raise unauthenticated()
        return self.principal

    def require_tenant(self) -> Principal:
        principal = self.require_user()
        if principal.tenant is None:
            raise ApiError(Code.FORBIDDEN, "Sign in to a tenant to use this field.")
        return principal

    def require(self, permission: str) -> Principal:
        principal = self.require_tenant()
        if not principal.can(permission):
            raise forbidden(permission)
        return principal

    def can(self, permission: str) -> bool:
        return self.principal.can(permission)

    async def refresh_enforcer(self) -> None:
        """Reload this tenant's policy after this request changed roles or grants."""
        principal = self.require_tenant()
        principal.forget_answers()
        principal.tenant = await Tenant.get(id=principal.tenant_id)
        principal.enforcer = await self.runtime.rbac.enforcer(
            principal.tenant.id, principal.tenant.acl_version
        )
        principal.roles = await self.runtime.rbac.roles_of(
            principal.enforcer, principal.tenant.id, principal.user_id
        )

    async def visible(self, queryset: QuerySet, owner_field: str = "owner_id") -> QuerySet:
        """Narrow a (tenant-scoped) queryset to the records this caller may see."""
        owners = await self.principal.owner_ids()
        if owners is None:
            return queryset
        return queryset.filter(**{f"{owner_field}__in": list(owners)})

    async def may_see_owner(self, owner_id: int | None) -> bool:
        owners = await self.principal.owner_ids()
        return owners is None or owner_id in owners

    # -- batching -------------------------------------------------------------------------------

    def loader(
        self, key: Hashable, load: Callable[[list[Any]], Awaitable[list[Any]]]
    ) -> DataLoader:
        """The request's DataLoader for `key`, created on first use."""
        if key not in self._loaders:
            self._loaders[key] = DataLoader(load_fn=load)
        return self._loaders[key]

    # -- writing --------------------------------------------------------------------------------

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        """A transaction whose domain events and index updates commit with it.

        Raising UserInputError inside rolls everything back; the mutation returns userErrors.
        """
        principal = self.require_tenant()
        async with unit_of_work(
            self.runtime, principal.tenant_id, principal.user_id, self.enabled
        ) as work:
            yield work


async def mutation_payload(
    payload: Callable[..., Any], field: str, to_node: Callable[[Any], Any], write: Awaitable[Any]
) -> Any:
    """The usual mutation: await a plugin's write function and put the row it returns, as a
    GraphQL object, into `field` of the payload; userErrors when it raised UserInputError."""

    async def body() -> Any:
        return payload(**{field: to_node(await write)})

    return await run_mutation(payload, body)


async def run_mutation(
    build_payload: Callable[..., Any], body: Callable[[], Awaitable[Any]]
) -> Any:
    """Run `body`; turn a UserInputError into a payload with userErrors and nothing written."""
    try:
        return await body()
    except UserInputError as exc:
        return build_payload(user_errors=exc.errors)
