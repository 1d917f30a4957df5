"""What a plugin declares about itself, and the contribution records hooks return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares, named `<resource>.<action>` (e.g. `customer.read`)."""

    name: str
    description: str

    @property
    def resource(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def action(self) -> str:
        return self.name.rsplit(".", 1)[1]


@dataclass(frozen=True)
class PluginManifest:
    """Static facts about a plugin, read before any of its hooks run.

    `requires` maps another plugin's name to a PEP 440 version range ("" for any version);
    `integrates` names plugins this one works with when a tenant enables them too (it may
    extend their types and implement their hooks) but does not need; `core` is the range of
    core versions the plugin works with.
    """

    name: str
    version: str
    title: str
    description: str
    requires: Mapping[str, str] = field(default_factory=dict)
    integrates: Mapping[str, str] = field(default_factory=dict)
    core: str = ">=1.0,<2"
    permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class ModelApp:
    """A plugin's Tortoise app: its model modules and the package holding its migrations."""

    models: tuple[str, ...]
    migrations: str


@dataclass(frozen=True)
class TypeExtension:
    """Fields one plugin adds to a GraphQL type another plugin owns.

    `fields` is a strawberry type whose fields are appended to the type named `target`;
    its resolvers receive the target object as `self`. `provider` names the plugin owning
    the target when it is an optional integration: the extension is skipped when that
    plugin is not installed.
    """

    target: str
    fields: type
    provider: str | None = None


@dataclass(frozen=True)
class SearchDocument:
    """One record as the search index sees it."""

    type: str
    record_id: int
    tenant_id: int
    owner_id: int | None
    title: str
    body: str


@dataclass(frozen=True)
class Searchable:
    """A model whose records are searchable, and how to turn one into a document.

    `to_text(record)` returns title and body text; core adds type, ids and owner. Hits come
    back as `SearchHit.node` through the node type named `type_name` (see core.api.nodes).
    """

    type_name: str
    model: type
    to_text: Callable[[Any], tuple[str, str]]
    read_permission: str
    # Records with no owner are a shared pool every reader of the type may see (the lead
    # pool), so search shows them to people whose scope is their own or their team's.
    unowned_visible: bool = False


@dataclass(frozen=True)
class ScheduledJob:
    """A job the scheduler runs every `every_seconds` for each tenant that enabled the plugin."""

    name: str
    every_seconds: int
    run: Callable[..., Any]


@dataclass(frozen=True)
class DocumentTemplate:
    """A PDF document a plugin renders (a quote, a contract) from a Jinja2 HTML template.

    `name` is "<plugin>.<document>" (e.g. "quotes.quote"); `title` is what tenant admins see;
    `source` is the default template, which each tenant may override (see core.documents).
    `sample` is a context shaped like the one the plugin renders with: a tenant's override is
    test-rendered with it before it is saved, so it should hold every key the plugin passes.
    """

    name: str
    title: str
    source: str
    sample: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ReportMetric:
    """A figure per salesperson over a period, contributed to reports (the leaderboard).

    `rows(start, end, currency)` returns a queryset of the plugin's TenantModel holding the
    records that count for [start, end) (money metrics: only those in `currency`); `value()`
    returns the aggregate to compute over them, `Count("id")` or `core.money.StoredSum(...)`
    for a money metric (`money=True`). The reports plugin groups the rows by `owner_field`,
    narrows them to the owners the caller may see, and runs one query per metric.
    """

    name: str  # camelCase, unique across plugins: "activitiesLogged"
    title: str
    permission: str  # a caller without it does not see the metric
    rows: Callable[[dt.datetime, dt.datetime, str], Any]
    value: Callable[[], Any]
    money: bool = False
    owner_field: str = "owner_id"
