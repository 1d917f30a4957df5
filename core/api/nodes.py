"""`node`, `nodes` and `search`: reads that span every enabled plugin's types.

A node type opts in by declaring `node_model` (its Tortoise model) and `node_permission`
(the permission to read it); core loads rows through the tenant scope, the caller's
record-level visibility (the `owner_id` column, or `node_owner_field`; None for records
without an owner) and that permission, so a plugin cannot get them wrong. A type may
instead provide `load_nodes(info, pks)`; core still checks `node_permission` first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import strawberry
from strawberry.types import Info

from core.api.types import SearchHit
from core.graphql.errors import bad_input
from core.graphql.permissions import SIGNED_IN, requires
from core.graphql.relay import MAX_PAGE, Node, from_global_id, node_from_row, to_global_id

MAX_NODES = 100


async def load_nodes(info: Info, type_name: str, pks: list[int]) -> dict[int, Any]:
    """Visible objects of one type by primary key; missing and hidden ones are absent."""
    ctx = info.context
    cls = ctx.runtime.schemas.node_types(ctx.enabled).get(type_name)
    if cls is None or not ctx.can(cls.node_permission):
        return {}
    custom = getattr(cls, "load_nodes", None)
    if custom is not None:  # types whose ID is not their row's primary key
        return await custom(info, pks)
    owner_field = getattr(cls, "node_owner_field", "owner_id")
    queryset = cls.node_model.filter(id__in=pks)
    rows = await (await ctx.visible(queryset, owner_field) if owner_field else queryset)
    build = getattr(cls, "from_row", None) or (lambda row: node_from_row(cls, row))
    return {row.pk: build(row) for row in rows}


async def resolve_ids(info: Info, ids: list[str]) -> list[Any]:
    parsed = [from_global_id(str(i)) for i in ids]
    wanted: dict[str, list[int]] = defaultdict(list)
    for item in parsed:
        if item:
            wanted[item[0]].append(item[1])
    found = {t: await load_nodes(info, t, pks) for t, pks in wanted.items()}
    return [found[p[0]].get(p[1]) if p else None for p in parsed]


@strawberry.type
class NodeQueries:
    @strawberry.field(
        permission_classes=SIGNED_IN,
        description="Any record you may see, by global ID; null otherwise.",
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        info.context.require_tenant()
        return (await resolve_ids(info, [id]))[0]

    @strawberry.field(permission_classes=SIGNED_IN)
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        info.context.require_tenant()
        if len(ids) > MAX_NODES:
            raise bad_input(f"Ask for at most {MAX_NODES} IDs at once.")
        return await resolve_ids(info, list(ids))

    @strawberry.field(
        permission_classes=requires("search.query"),
        description="Full-text search across the enabled plugins' records.",
    )
    async def search(
        self, info: Info, query: str, types: list[str] | None = None, first: int | None = None
    ) -> list[SearchHit]:
        ctx = info.context
        limit = 20 if first is None else first
        if not 0 <= limit <= MAX_PAGE:
            raise bad_input(f"'first' must be between 0 and {MAX_PAGE}.")
        runtime = ctx.runtime
        allowed = {
            name
            for name, s in runtime.searchables.items()
            if runtime.searchable_owner[name] in ctx.enabled and ctx.can(s.read_permission)
        }
        if types is not None:
            unknown = set(types) - set(runtime.searchables)
            if unknown:
                raise bad_input(f"Unknown search types: {', '.join(sorted(unknown))}.")
            allowed &= set(types)
        if not allowed or not query.strip() or limit == 0:
            return []
        pooled = [name for name in allowed if runtime.searchables[name].unowned_visible]
        results = await runtime.search.search(
            ctx.principal.tenant_id,
            query,
            sorted(allowed),
            await ctx.principal.owner_ids(),
            limit,
            unowned_types=pooled,
        )
        by_type: dict[str, list[int]] = defaultdict(list)
        for r in results:
            by_type[r.type].append(r.record_id)
        loaded = {t: await load_nodes(info, t, pks) for t, pks in by_type.items()}
        return [
            SearchHit(
                type=r.type,
                id=strawberry.ID(to_global_id(r.type, r.record_id)),
                title=r.title,
                snippet=r.snippet,
                score=r.score,
                node=loaded[r.type].get(r.record_id),
            )
            for r in results
            if r.record_id in loaded[r.type]
        ]
