"""The reports plugin: sales analytics over the other plugins' records (funnel, pipeline,
win rate, forecast against quotas, cycle length, leaderboard, revenue), computed in SQL,
scoped to what the caller may see, exported as CSV and as PDF with charts."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import DocumentTemplate, ModelApp, Permission, PluginManifest
from core.plugins import PluginLoadError

MANIFEST = PluginManifest(
    name="reports",
    version="1.0.0",
    title="Reports",
    description="Sales funnel, pipeline, win rate, forecast and quotas, sales cycle, "
    "leaderboard and revenue, with CSV and PDF exports.",
    # Each report appears only where the plugins it reads are enabled too.
    integrates={
        "leads": ">=1.0,<2",
        "opportunities": ">=1.0,<2",
        "activities": ">=1.0,<2",
        "quotes": ">=1.0,<2",
        "orders": ">=1.0,<2",
        "contracts": ">=1.0,<2",
    },
    core=">=1.0,<2",
    permissions=(
        Permission("report.read", "See reports on the records one may see, and export them"),
        Permission("report.manage", "Choose the currency reports are summed in"),
        Permission("quota.manage", "Set sales quotas (managers: for their team)"),
    ),
)


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.reports.models",), migrations="plugins.reports.migrations")


@hookimpl
def register_queries() -> list[type]:
    from plugins.reports.queries import ReportQueries
    from plugins.reports.quotas import QuotaQueries

    return [ReportQueries, QuotaQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.reports.quotas import QuotaMutations

    return [QuotaMutations]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    return {
        "admin": [p.name for p in MANIFEST.permissions],
        "manager": ["report.read", "quota.manage"],
        "sales": ["report.read"],
        "viewer": ["report.read"],
    }


@hookimpl
def register_routes() -> list[Any]:
    from plugins.reports.routes import routes

    return routes()


@hookimpl
def register_document_templates() -> list[DocumentTemplate]:
    from plugins.reports.document import report_template

    return [report_template()]


@hookimpl
def startup(runtime: Any) -> None:
    """Contributed metrics are checked once: a duplicate name would make two columns one."""
    seen: dict[str, str] = {}
    for plugin, metric in runtime.host.collect_list("register_report_metrics"):
        if metric.name in seen:
            raise PluginLoadError(
                f"plugin '{plugin}' contributes the report metric '{metric.name}', already "
                f"contributed by '{seen[metric.name]}'"
            )
        seen[metric.name] = plugin
