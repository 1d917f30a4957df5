"""Tenant scoping is built into the data-access path: code cannot forget it."""

from __future__ import annotations

import pytest

from core.tenancy import ALL_TENANTS, TenantScopeError, tenant_scope
from plugins.customers.models import Customer
from tests.support import World


async def test_a_query_with_no_tenant_in_scope_raises(world: World) -> None:
    with tenant_scope(None), pytest.raises(TenantScopeError):
        await Customer.all()
    with tenant_scope(None), pytest.raises(TenantScopeError):
        await Customer.filter(name="x").count()


async def test_rows_are_stamped_and_reads_are_filtered(world: World) -> None:
    owner = world.user_ids["sales"]
    with tenant_scope(world.tenant.id):
        row = await Customer.create(name="Stamped", owner_id=owner)
        assert row.tenant_id == world.tenant.id
        await Customer.bulk_create([Customer(name="Bulk stamped", owner_id=owner)])
        assert await Customer.filter(name__startswith="Bulk stamped").count() == 1
    with tenant_scope(world.tenant.id + 10_000):
        assert await Customer.filter(id=row.id).first() is None
        row.name = "Hijacked"
        with pytest.raises(TenantScopeError):
            await row.save()
    with tenant_scope(ALL_TENANTS):
        assert (await Customer.get(id=row.id)).name == "Stamped"
