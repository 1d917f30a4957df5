"""Rebuild the search index from the database: after switching backends, restoring a backup,
or changing how a plugin describes its records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.tenancy import ALL_TENANTS, tenant_scope

if TYPE_CHECKING:
    from core.runtime import Runtime


async def reindex(runtime: Runtime, batch_size: int = 500) -> int:
    """Clear the index and write every searchable record of every tenant; returns the count."""
    search = runtime.search
    await search.clear()
    written = 0
    with tenant_scope(ALL_TENANTS):
        for type_name, searchable in runtime.searchables.items():
            last_id = 0
            while True:
                rows = (
                    await searchable.model.filter(id__gt=last_id).order_by("id").limit(batch_size)
                )
                if not rows:
                    break
                await search.upsert([runtime.search_document(type_name, row) for row in rows])
                written += len(rows)
                last_id = rows[-1].id
    return written
