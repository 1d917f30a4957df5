"""The document templates plugins contribute, collected and checked once at startup.

A template is named "<plugin>.<document>" and belongs to the plugin that contributed it; two
plugins declaring one name, a name outside the plugin's prefix, a default template that does
not compile or does not render its own sample: each stops startup with a message naming the
plugin, before any tenant could meet the problem in a document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.documents.errors import DocumentError
from core.documents.html import CORE_TEMPLATES, check_syntax, render_html
from core.manifest import DocumentTemplate
from core.plugins import PluginHost, PluginLoadError

MAX_NAME = 100  # the column holding a tenant's override names it
TENANT_KEY = "tenant"  # core puts the tenant's letterhead under this key of every context
# What `tenant` holds while a plugin's default template is checked at startup.
SAMPLE_TENANT: Mapping[str, Any] = {"name": "示例贸易有限公司 Example Trading Co.", "logo": None}


class DocumentCatalog:
    def __init__(self, host: PluginHost) -> None:
        self.templates: dict[str, DocumentTemplate] = {}
        self.owner: dict[str, str] = {}
        self._order = {name: position for position, name in enumerate(host.order)}
        for plugin, template in host.collect_list("register_document_templates"):
            self._add(plugin, template)

    def _add(self, plugin: str, template: Any) -> None:
        if not isinstance(template, DocumentTemplate):
            raise PluginLoadError(
                f"plugin '{plugin}': register_document_templates must return DocumentTemplates"
            )
        name = template.name
        if name in self.owner:
            raise PluginLoadError(
                f"plugin '{plugin}' declares document template '{name}', already declared by "
                f"'{self.owner[name]}'"
            )
        if not name.startswith(f"{plugin}.") or name == f"{plugin}." or len(name) > MAX_NAME:
            raise PluginLoadError(
                f"plugin '{plugin}': document template '{name}' must be named "
                f"'{plugin}.<document>', in at most {MAX_NAME} characters"
            )
        if name in CORE_TEMPLATES:
            raise PluginLoadError(f"plugin '{plugin}': '{name}' is the name of a core template")
        if template.sample is not None and TENANT_KEY in template.sample:
            raise PluginLoadError(
                f"plugin '{plugin}': the sample of '{name}' sets '{TENANT_KEY}', which core sets"
            )
        try:
            if template.sample is None:
                check_syntax(name, template.source)
            else:
                render_html(name, template.source, with_tenant(template.sample, SAMPLE_TENANT))
        except DocumentError as exc:
            raise PluginLoadError(
                f"plugin '{plugin}': default document template fails: {exc}"
            ) from exc
        self.templates[name] = template
        self.owner[name] = plugin

    def get(self, name: str) -> DocumentTemplate:
        if name not in self.templates:
            raise DocumentError(f"there is no document template named '{name}'")
        return self.templates[name]

    def of_plugins(self, enabled: Iterable[str]) -> list[DocumentTemplate]:
        """The templates of `enabled` plugins, in plugin dependency order, then by name."""
        wanted = set(enabled)
        return sorted(
            (t for t in self.templates.values() if self.owner[t.name] in wanted),
            key=lambda t: (self._order[self.owner[t.name]], t.name),
        )


def with_tenant(context: Mapping[str, Any], tenant: Mapping[str, Any]) -> dict[str, Any]:
    """`context` plus the tenant's letterhead under `tenant`, which the plugin may not set."""
    if TENANT_KEY in context:
        raise ValueError(f"'{TENANT_KEY}' is set by core: leave it out of a document's context")
    return {**context, TENANT_KEY: tenant}
