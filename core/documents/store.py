"""A tenant's document settings in the database: its template overrides and its letterhead.

Every function works in the tenant scope of the caller (core.tenancy): the rows are
TenantModels, so one tenant's override can never be read for another.
"""

from __future__ import annotations

from typing import Any

from core.models import DocumentTemplateOverride, Tenant, TenantBranding


async def override_of(name: str) -> DocumentTemplateOverride | None:
    return await DocumentTemplateOverride.get_or_none(name=name)


async def overrides() -> dict[str, DocumentTemplateOverride]:
    return {row.name: row for row in await DocumentTemplateOverride.all()}


async def save_override(name: str, source: str, user_id: int | None) -> DocumentTemplateOverride:
    row, _ = await DocumentTemplateOverride.update_or_create(
        defaults={"source": source, "updated_by_id": user_id}, name=name
    )
    return row


async def delete_override(name: str) -> None:
    await DocumentTemplateOverride.filter(name=name).delete()


async def logo() -> str | None:
    branding = await TenantBranding.get_or_none()
    return branding.logo if branding else None


async def save_logo(data_uri: str | None, user_id: int | None) -> None:
    """Store a checked logo (core.documents.branding.checked_logo); None removes it."""
    await TenantBranding.update_or_create(defaults={"logo": data_uri, "updated_by_id": user_id})


async def letterhead(tenant: Tenant) -> dict[str, Any]:
    """What templates see as `tenant`: its name, and its logo as a data: URI or None."""
    return {"name": tenant.name, "logo": await logo()}
