"""The running server's shared state, built once per process: plugins, schemas, RBAC, search."""

from __future__ import annotations

import inspect
from typing import Any

from core.auth.rbac import Rbac
from core.auth.roles import BUILTIN_ROLES, CORE_GRANTS
from core.db import close_db, init_db
from core.documents.catalog import DocumentCatalog
from core.graphql.schema_registry import SchemaRegistry
from core.manifest import Searchable, SearchDocument
from core.plugins import PluginHost, PluginLoadError
from core.search import make_backend
from core.search.base import SearchBackend
from core.settings import Settings


class Runtime:
    def __init__(self, settings: Settings, host: PluginHost | None = None) -> None:
        self.settings = settings
        self.host = host or PluginHost(settings).load()
        self.rbac = Rbac()
        self.search: SearchBackend = make_backend(settings)
        self.searchables: dict[str, Searchable] = self._collect_searchables()
        self.default_grants = self._collect_grants()
        self.documents = DocumentCatalog(self.host)
        self.schemas = SchemaRegistry(self.host, settings)
        self.started = False

    # -- startup --------------------------------------------------------------------------------

    def _collect_searchables(self) -> dict[str, Searchable]:
        found: dict[str, Searchable] = {}
        self.searchable_owner: dict[str, str] = {}
        for plugin, item in self.host.collect_list("register_search_documents"):
            if item.type_name in found:
                raise PluginLoadError(
                    f"plugin '{plugin}' declares searchable type '{item.type_name}', already "
                    f"declared by '{self.searchable_owner[item.type_name]}'"
                )
            found[item.type_name] = item
            self.searchable_owner[item.type_name] = plugin
        return found

    def _collect_grants(self) -> dict[str, dict[str, list[str]]]:
        """plugin -> role -> permissions, validated against what each plugin declares."""
        grants: dict[str, dict[str, list[str]]] = {"core": CORE_GRANTS}
        for plugin, by_role in self.host.collect("register_default_grants"):
            declared = {p.name for p in self.host.plugins[plugin].manifest.permissions}
            for role, perms in by_role.items():
                if role not in BUILTIN_ROLES:
                    raise PluginLoadError(f"plugin '{plugin}' grants to unknown role '{role}'")
                unknown = set(perms) - declared
                if unknown:
                    raise PluginLoadError(
                        f"plugin '{plugin}' grants undeclared permissions {sorted(unknown)}"
                    )
            grants[plugin] = {role: list(perms) for role, perms in by_role.items()}
        return grants

    async def start(self) -> None:
        await init_db(self.settings.database_url, self.host)
        await self.search.prepare()
        self.schemas.full()  # build eagerly: a broken contribution fails startup, not a request
        for _, result in self.host.collect("startup", runtime=self):
            if inspect.isawaitable(result):
                await result
        self.started = True

    async def stop(self) -> None:
        await close_db()
        self.started = False

    # -- search ---------------------------------------------------------------------------------

    def search_document(self, type_name: str, row: Any) -> SearchDocument:
        title, body = self.searchables[type_name].to_text(row)
        return SearchDocument(
            type=type_name,
            record_id=row.pk,
            tenant_id=row.tenant_id,
            owner_id=getattr(row, "owner_id", None),
            title=title,
            body=body,
        )
