"""Tenant lifecycle and each tenant's plugin set (the marketplace switches)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from core.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from core.auth.roles import BUILTIN_ROLES
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.models import Membership, Tenant, User
from core.tenancy import tenant_scope

if TYPE_CHECKING:
    from core.runtime import Runtime

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254  # the longest address mail allows, and the size of the column


def check_new_user(
    email: str, name: str, password: str | None, roles: list[str], prefix: list[str] | None = None
) -> list[UserError]:
    p = prefix or []
    errors = []
    if len(email or "") > MAX_EMAIL or not EMAIL.match(email or ""):
        errors.append(user_error([*p, "email"], "Enter a valid email address.", "INVALID"))
    if not (name or "").strip():
        errors.append(user_error([*p, "name"], "Name is required.", "REQUIRED"))
    elif len(name.strip()) > 200:
        errors.append(user_error([*p, "name"], "Use at most 200 characters.", "TOO_LONG"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors.append(
            user_error(
                [*p, "password"], f"Use at least {MIN_PASSWORD_LENGTH} characters.", "TOO_SHORT"
            )
        )
    unknown = [r for r in roles if r not in BUILTIN_ROLES]
    if unknown:
        errors.append(user_error([*p, "roles"], f"Unknown roles: {', '.join(unknown)}.", "INVALID"))
    return errors


def plugin_set_errors(runtime: Runtime, wanted: list[str], field: str) -> list[UserError]:
    host = runtime.host
    unknown = [p for p in wanted if p not in host.plugins]
    if unknown:
        return [user_error(field, f"Unknown plugins: {', '.join(unknown)}.", "UNKNOWN_PLUGIN")]
    missing = sorted({d for p in wanted for d in host.requirements_of(p)} - set(wanted))
    if missing:
        return [
            user_error(
                field, f"Also enable what they require: {', '.join(missing)}.", "MISSING_DEPENDENCY"
            )
        ]
    return []


async def create_tenant(
    runtime: Runtime,
    slug: str,
    name: str,
    admin_email: str,
    admin_password: str,
    plugins: list[str],
) -> Tenant:
    """Create a tenant with its first admin; raise UserInputError on bad input."""
    errors = []
    if not SLUG.match(slug or ""):
        errors.append(user_error("slug", "Use lowercase letters, digits and dashes.", "INVALID"))
    elif await Tenant.exists(slug=slug):
        errors.append(user_error("slug", f"The slug '{slug}' is taken.", "TAKEN"))
    if not (name or "").strip():
        errors.append(user_error("name", "Name is required.", "REQUIRED"))
    elif len(name.strip()) > 200:
        errors.append(user_error("name", "Use at most 200 characters.", "TOO_LONG"))
    errors += check_new_user(admin_email, "Admin", admin_password, [], [])
    for e in errors:
        if e.field == ["email"]:
            e.field = ["adminEmail"]
        elif e.field == ["password"]:
            e.field = ["adminPassword"]
    errors += plugin_set_errors(runtime, plugins, "plugins")
    existing = (
        await User.get_or_none(email=admin_email.lower())
        if admin_email and len(admin_email) <= MAX_EMAIL
        else None
    )
    if existing is not None:
        errors.append(user_error("adminEmail", "A user with this email exists.", "TAKEN"))
    if errors:
        raise UserInputError(errors)
    ordered = runtime.host.closure(plugins)
    async with in_transaction():
        tenant = await Tenant.create(slug=slug, name=name.strip(), plugins=ordered)
        admin = await User.create(
            email=admin_email.lower(), name="Admin", password_hash=hash_password(admin_password)
        )
        with tenant_scope(tenant.id):
            await Membership.create(tenant_id=tenant.id, user=admin)
        await grant_defaults(runtime, tenant.id, ["core", *ordered])
        await runtime.rbac.set_roles(tenant.id, admin.id, ["admin"])
    return await Tenant.get(id=tenant.id)


async def grant_defaults(runtime: Runtime, tenant_id: int, plugins: list[str]) -> None:
    grants: dict[str, list[str]] = {}
    for plugin in plugins:
        for role, perms in runtime.default_grants.get(plugin, {}).items():
            grants.setdefault(role, []).extend(perms)
    await runtime.rbac.grant(tenant_id, grants)


async def enable_plugin(runtime: Runtime, tenant: Tenant, name: str) -> Tenant:
    host = runtime.host
    if name not in host.plugins:
        raise fail("name", f"No plugin named '{name}' is installed.", "UNKNOWN_PLUGIN")
    async with in_transaction():
        current = await Tenant.select_for_update().get(id=tenant.id)
        if name in current.plugins:
            raise fail("name", f"'{name}' is already enabled.", "ALREADY_ENABLED")
        missing = sorted(host.requirements_of(name) - set(current.plugins))
        if missing:
            raise fail(
                "name",
                f"Enable {', '.join(missing)} first: '{name}' requires it.",
                "MISSING_DEPENDENCY",
            )
        current.plugins = [p for p in host.order if p in {*current.plugins, name}]
        await current.save(update_fields=["plugins"])
        await grant_defaults(runtime, tenant.id, [name])
    return await Tenant.get(id=tenant.id)


async def disable_plugin(runtime: Runtime, tenant: Tenant, name: str) -> Tenant:
    async with in_transaction():
        current = await Tenant.select_for_update().get(id=tenant.id)
        if name not in current.plugins:
            raise fail("name", f"'{name}' is not enabled.", "NOT_ENABLED")
        dependents = sorted(runtime.host.dependents_of(name) & set(current.plugins))
        if dependents:
            raise fail(
                "name",
                f"Disable {', '.join(dependents)} first: it requires '{name}'.",
                "REQUIRED_BY_ENABLED",
            )
        current.plugins = [p for p in current.plugins if p != name]
        await current.save(update_fields=["plugins"])
    return await Tenant.get(id=tenant.id)
