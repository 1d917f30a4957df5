"""Stitching: one strawberry Schema per distinct set of enabled plugins, built once, cached.

All contributions are collected at startup into one Query, one Mutation and the plugins'
types; extension fields are attached to their target types. A tenant's Schema is that same
graph seen through `get_fields`, which hides every field owned by a plugin the tenant has
not enabled; types only those fields reached drop out with them.
"""

from __future__ import annotations

import copy
from typing import Any

import strawberry
from graphql import DocumentNode, TypeInfo, TypeInfoVisitor, Visitor, parse, validate, visit
from graphql.error import GraphQLSyntaxError
from strawberry.exceptions import DuplicatedTypeName
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.base import StrawberryObjectDefinition

from core.api import CORE_MUTATIONS, CORE_QUERIES, CORE_TYPES
from core.graphql.document_cache import DocumentCache, Documents
from core.graphql.permissions import PlatformAdmin, Public, SignedIn
from core.manifest import TypeExtension
from core.plugins import PluginHost, PluginLoadError
from core.settings import Settings

CORE = "core"
OWNER_KEY = "tessera.plugin"


def owned_by(*plugins: str) -> dict[str, tuple[str, ...]]:
    """Field metadata that shows a field only to tenants that enabled `plugins` as well:
    `strawberry.field(metadata=owned_by("opportunities"))` on a type or input of your own,
    or on a root field whose data comes from other plugins (a report reading leads and
    opportunities carries `owned_by("leads", "opportunities")`)."""
    return {OWNER_KEY: plugins}


# Extension fields live on the target class itself, which is shared by every registry of the
# process; remembering who attached what keeps attaching idempotent. Owners are also kept
# per registry (field_owner), so a field is visible only where its plugin is enabled.
_EXTENDED: dict[tuple[str, str], tuple[str, Any]] = {}
_ROOT_PERMISSIONS = (Public, SignedIn, PlatformAdmin)
_names = StrawberryConfig().name_converter


def _fields_of(cls: type) -> list[Any]:
    return list(cls.__strawberry_definition__.fields)


def _has_permission(field: Any) -> bool:
    return any(
        issubclass(p, _ROOT_PERMISSIONS) or hasattr(p, "permission")
        for p in field.permission_classes
    )


def _owner_of_class(cls: type | None, host: PluginHost) -> str:
    module = getattr(cls, "__module__", "") or ""
    for name, plugin in host.plugins.items():
        package = plugin.module.__name__
        if module == package or module.startswith(package + "."):
            return name
    return CORE


class TenantSchema(strawberry.Schema):
    """The shared graph restricted to one set of plugins."""

    def __init__(self, registry: SchemaRegistry, enabled: frozenset[str], **kwargs: Any) -> None:
        self.enabled = enabled
        self.registry = registry
        super().__init__(**kwargs)

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[Any]:
        visible = self.enabled | {CORE}
        return [
            f
            for f in type_definition.fields
            if visible.issuperset((f.metadata or {}).get(OWNER_KEY, ()))
            and self.registry.owner_of(type_definition.name, _names.from_field(f)) in visible
        ]


class SchemaRegistry:
    def __init__(self, host: PluginHost, settings: Settings) -> None:
        self.host = host
        self.settings = settings
        self.field_owner: dict[tuple[str, str], str] = {}
        self.types_by_plugin: dict[str, list[type]] = {CORE: list(CORE_TYPES)}
        self._cache: dict[frozenset[str], TenantSchema] = {}
        self.query = self._root("Query", CORE_QUERIES, "register_queries")
        self.mutation = self._root("Mutation", CORE_MUTATIONS, "register_mutations")
        for plugin, types in host.collect("register_graphql_types"):
            self.types_by_plugin[plugin] = list(types)
        self.type_owner = {
            t.__strawberry_definition__.name: owner
            for owner, types in self.types_by_plugin.items()
            for t in types
            if hasattr(t, "__strawberry_definition__")
        }
        self._node_types: dict[frozenset[str], dict[str, type]] = {}
        self._attach_extensions()

    # -- assembling the shared graph ------------------------------------------------------------

    def _root(self, name: str, core_parts: list[type], hook: str) -> type:
        parts = [(CORE, part) for part in core_parts] + self.host.collect_list(hook)
        for plugin, part in parts:
            for field in _fields_of(part):
                graphql_name = _names.from_field(field)
                key = (name, graphql_name)
                if key in self.field_owner:
                    raise PluginLoadError(
                        f"plugin '{plugin}' adds {name}.{graphql_name}, already added by "
                        f"'{self.field_owner[key]}'"
                    )
                if not _has_permission(field):
                    raise PluginLoadError(
                        f"plugin '{plugin}': {name}.{graphql_name} declares no permission "
                        "(use permission_classes=requires(...), PUBLIC or SIGNED_IN)"
                    )
                self.field_owner[key] = plugin
        return merge_types(name, tuple(part for _, part in parts))

    def _attach_extensions(self) -> None:
        by_name = {
            t.__strawberry_definition__.name: t
            for types in self.types_by_plugin.values()
            for t in types
            if hasattr(t, "__strawberry_definition__")
        }
        for plugin, ext in self.host.collect_list("register_type_extensions"):
            if not isinstance(ext, TypeExtension):
                raise PluginLoadError(
                    f"plugin '{plugin}': register_type_extensions must return TypeExtensions"
                )
            if ext.provider is not None and ext.provider not in self.host.plugins:
                continue  # an optional partner that is not installed here
            target = by_name.get(ext.target)
            if target is None:
                raise PluginLoadError(
                    f"plugin '{plugin}' extends type '{ext.target}', which no plugin registers"
                )
            owner = _owner_of_class(target, self.host)
            manifest = self.host.plugins[plugin].manifest
            if owner != CORE and owner not in {*manifest.requires, *manifest.integrates}:
                raise PluginLoadError(
                    f"plugin '{plugin}' extends '{ext.target}' of plugin '{owner}' without "
                    "declaring it in requires or integrates"
                )
            definition = target.__strawberry_definition__
            for field in _fields_of(ext.fields):
                graphql_name = _names.from_field(field)
                key = (definition.name, graphql_name)
                self.field_owner[key] = plugin
                if key in _EXTENDED and _EXTENDED[key][0] == plugin:
                    continue  # attached by an earlier registry in this process
                if any(_names.from_field(f) == graphql_name for f in definition.fields):
                    raise PluginLoadError(
                        f"plugin '{plugin}' adds {ext.target}.{graphql_name}, which already exists"
                    )
                attached = copy.copy(field)
                attached.origin = target
                definition.fields.append(attached)
                _EXTENDED[key] = (plugin, field)

    def owner_of(self, type_name: str, field_name: str) -> str:
        """The plugin a field belongs to: root fields and extensions have one, others core."""
        key = (type_name, field_name)
        if key in self.field_owner:
            return self.field_owner[key]
        return _EXTENDED[key][0] if key in _EXTENDED else CORE

    # -- schemas --------------------------------------------------------------------------------

    def for_plugins(self, enabled: frozenset[str]) -> TenantSchema:
        schema = self._cache.get(enabled)
        if schema is None:
            schema = self._cache[enabled] = self._build(enabled)
        return schema

    def full(self) -> TenantSchema:
        return self.for_plugins(frozenset(self.host.plugins))

    def node_types(self, enabled: frozenset[str]) -> dict[str, type]:
        """Types `node(id)` can load for this plugin set, by GraphQL name (see core.api.nodes)."""
        found = self._node_types.get(enabled)
        if found is None:
            found = self._node_types[enabled] = {
                cls.__strawberry_definition__.name: cls
                for owner in (CORE, *sorted(enabled))
                for cls in self.types_by_plugin.get(owner, [])
                if getattr(cls, "node_model", None) is not None
            }
        return found

    @property
    def cached_count(self) -> int:
        return len(self._cache)

    def _build(self, enabled: frozenset[str]) -> TenantSchema:
        types = [
            t for owner in (CORE, *sorted(enabled)) for t in self.types_by_plugin.get(owner, [])
        ]
        s = self.settings
        documents = Documents()
        try:
            return TenantSchema(
                self,
                enabled,
                query=self.query,
                mutation=self.mutation,
                types=types,
                extensions=[
                    lambda: DocumentCache(documents),
                    lambda: QueryDepthLimiter(max_depth=s.max_query_depth),
                    lambda: MaxAliasesLimiter(max_alias_count=s.max_aliases),
                    lambda: MaxTokensLimiter(max_token_count=s.max_tokens),
                ],
            )
        except DuplicatedTypeName as exc:
            first = _owner_of_class(exc.first_cls, self.host)
            second = _owner_of_class(exc.second_cls, self.host)
            raise PluginLoadError(
                f"plugin '{second}' defines a GraphQL type already defined by '{first}': "
                f"{exc.message}"
            ) from exc

    # -- why a document failed for a tenant -----------------------------------------------------

    def disabled_plugins_used(self, query: str, enabled: frozenset[str]) -> list[str] | None:
        """Plugins outside `enabled` whose fields the document uses, or None when the
        document is not valid against the full schema either (a plain client error)."""
        try:
            document: DocumentNode = parse(query)
        except GraphQLSyntaxError:
            return None
        full = self.full()._schema
        if validate(full, document):
            return None
        type_owner = self.type_owner
        used: set[str] = set()
        type_info = TypeInfo(full)
        owner_of = self.owner_of

        class Collect(Visitor):
            def enter_field(self, node: Any, *_: Any) -> None:
                parent = type_info.get_parent_type()
                if parent is None:
                    return
                owner = owner_of(parent.name, node.name.value)
                if owner == CORE:
                    owner = type_owner.get(parent.name, CORE)
                if owner != CORE and owner not in enabled:
                    used.add(owner)

        visit(document, TypeInfoVisitor(type_info, Collect()))
        return sorted(used)
