"""The hook contract between core and plugins. docs/plugins.md documents each hook.

Contribution hooks are named `register_*` and return what the plugin contributes; core calls
each plugin's implementation separately so that every contribution is attributed to its
plugin (for per-tenant filtering and for startup errors that name the culprit).
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "tessera"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_models() -> Any:
    """Return a ModelApp: the plugin's Tortoise model modules and its migrations package."""


@hookspec
def register_graphql_types() -> Any:
    """Return strawberry types to include in the schema even if no field reaches them."""


@hookspec
def register_queries() -> Any:
    """Return strawberry types whose fields are added to the root Query type."""


@hookspec
def register_mutations() -> Any:
    """Return strawberry types whose fields are added to the root Mutation type."""


@hookspec
def register_type_extensions() -> Any:
    """Return TypeExtensions: fields this plugin adds to types owned by other plugins."""


@hookspec
def register_default_grants() -> Any:
    """Return {role: [permission names]} granted to built-in roles on enabling the plugin."""


@hookspec
def register_search_documents() -> Any:
    """Return Searchables: the plugin's models whose records the search index holds."""


@hookspec
def register_jobs() -> Any:
    """Return ScheduledJobs the scheduler runs for tenants that enabled the plugin."""


@hookspec
def register_routes() -> Any:
    """Return starlette routes (public or authenticated HTTP endpoints beside GraphQL)."""


@hookspec
def register_document_templates() -> Any:
    """Return DocumentTemplates: the PDF documents the plugin renders, which tenants may edit."""


@hookspec
def register_report_metrics() -> Any:
    """Return ReportMetrics: per-salesperson figures the reports plugin's leaderboard shows."""


@hookspec
def on_event(event: Any) -> None:
    """React to a committed DomainEvent (record created/updated/deleted or a named event)."""


@hookspec
def startup(runtime: Any) -> Any:
    """Run once when the server is ready (database up, schema built); may be a coroutine."""
