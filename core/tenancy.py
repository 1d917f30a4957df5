"""Tenant scoping by construction.

Every business model subclasses TenantModel. Its manager reads the current tenant from a
context variable that the request (or job) sets, and filters every query by it; saving a row
fills in or checks the tenant. A query with no tenant in scope raises rather than reading
across tenants, so a resolver cannot forget the scope: it never had to add it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from tortoise import fields
from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import QuerySet


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched with no tenant in scope, or across tenants."""


class _AllTenants:
    """Marker for platform code (migrations, reindexing) that deliberately spans tenants."""


ALL_TENANTS = _AllTenants()
_current: contextvars.ContextVar[int | _AllTenants | None] = contextvars.ContextVar(
    "tessera_tenant", default=None
)


@contextmanager
def tenant_scope(tenant_id: int | _AllTenants | None) -> Iterator[None]:
    token = _current.set(tenant_id)
    try:
        yield
    finally:
        _current.reset(token)


def enter_tenant_scope(tenant_id: int) -> None:
    """Set the tenant for the rest of the current task (a request handler's whole life)."""
    _current.set(tenant_id)


def current_tenant_id() -> int:
    """The one tenant in scope; raises for none, or for platform code spanning all tenants."""
    value = _current.get()
    if not isinstance(value, int):
        raise TenantScopeError("this needs exactly one tenant in scope")
    return value


class TenantScopedManager(Manager):
    def get_queryset(self) -> QuerySet:
        value = _current.get()
        if value is None:
            raise TenantScopeError(f"{self._model.__name__} queried with no tenant in scope")
        queryset = QuerySet(self._model)
        if isinstance(value, _AllTenants):
            return queryset
        return queryset.filter(tenant_id=value)


class TenantModel(Model):
    """Base of every business row: carries its tenant; all access is scoped to it."""

    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Tenant", related_name=False, on_delete=fields.CASCADE, db_index=True
    )

    class Meta:
        abstract = True

    def _claim_tenant(self) -> None:
        value = _current.get()
        if value is None:
            raise TenantScopeError(f"{type(self).__name__} saved with no tenant in scope")
        if isinstance(value, _AllTenants):
            if self.tenant_id is None:
                raise TenantScopeError(f"{type(self).__name__} saved without a tenant")
            return
        if self.tenant_id is None:
            self.tenant_id = value
        elif self.tenant_id != value:
            raise TenantScopeError(f"{type(self).__name__} belongs to another tenant")

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self._claim_tenant()
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        self._claim_tenant()
        await super().delete(*args, **kwargs)

    @classmethod
    def bulk_create(cls, objects: Iterable[Model], *args: Any, **kwargs: Any) -> Any:
        objects = list(objects)
        for obj in objects:
            obj._claim_tenant()  # type: ignore[attr-defined]
        return super().bulk_create(objects, *args, **kwargs)


def install_scoped_managers(models: Iterable[type[Model]]) -> None:
    """Give every TenantModel the scoped manager, whatever its own Meta says."""
    for model in models:
        if issubclass(model, TenantModel) and not model._meta.abstract:
            manager = TenantScopedManager()
            manager._model = model
            model._meta.manager = manager
