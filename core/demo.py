"""The demo tenant the README's first command starts with: idempotent, safe to re-run."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.auth.passwords import hash_password
from core.models import Membership, Tenant, User
from core.runtime import Runtime
from core.tenancy import tenant_scope
from core.tenants import create_tenant

PLATFORM_ADMIN = ("platform@tessera.local", "platform-admin")
DEMO_TENANT = "demo"
DEMO_PASSWORD = "demo-password"
DEMO_USERS = [
    # email, name, roles, team
    ("admin@demo.tessera.local", "Ada Admin", ["admin"], None),
    ("manager@demo.tessera.local", "Mia Manager", ["manager"], "east"),
    ("sales@demo.tessera.local", "Sam Sales", ["sales"], "east"),
    ("sales2@demo.tessera.local", "Sue Sales", ["sales"], "west"),
    ("viewer@demo.tessera.local", "Vic Viewer", ["viewer"], None),
]


async def ensure_platform_admin(email: str, password: str) -> User:
    user = await User.get_or_none(email=email.lower())
    if user is None:
        return await User.create(
            email=email.lower(),
            name="Platform admin",
            password_hash=hash_password(password),
            is_platform_admin=True,
        )
    if not user.is_platform_admin:
        user.is_platform_admin = True
        await user.save(update_fields=["is_platform_admin"])
    return user


async def seed_demo(runtime: Runtime) -> Tenant:
    await ensure_platform_admin(*PLATFORM_ADMIN)
    tenant = await Tenant.get_or_none(slug=DEMO_TENANT)
    if tenant is not None:
        return tenant
    admin_email = DEMO_USERS[0][0]
    tenant = await create_tenant(
        runtime,
        DEMO_TENANT,
        "Demo Trading Co.",
        admin_email,
        DEMO_PASSWORD,
        list(runtime.host.order),
    )
    admin = await User.get(email=admin_email)
    admin.name = DEMO_USERS[0][1]
    await admin.save(update_fields=["name"])
    manager_id = None
    with tenant_scope(tenant.id):
        async with in_transaction():
            for email, name, roles, team in DEMO_USERS[1:]:
                user = await User.create(
                    email=email, name=name, password_hash=hash_password(DEMO_PASSWORD)
                )
                await Membership.create(
                    user=user, team=team, manager_id=manager_id if roles == ["sales"] else None
                )
                if roles == ["manager"]:
                    manager_id = user.id
                await runtime.rbac.set_roles(tenant.id, user.id, roles)
            await Membership.filter(user_id=admin.id).update(team=None)
    return tenant
