"""The leads plugin: capture, scoring, assignment, the lead pool and conversion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.hookspecs import hookimpl
from core.manifest import ModelApp, Permission, PluginManifest, ScheduledJob, Searchable
from plugins.leads import hookspecs as HOOKSPECS  # noqa: N812 - the name core looks for

MANIFEST = PluginManifest(
    name="leads",
    version="1.0.0",
    title="Leads",
    description="Leads from web forms, imports and the API: scored, assigned, converted.",
    requires={"customers": ">=1.0,<2"},
    integrates={"opportunities": ">=1.0,<2"},
    permissions=(
        Permission("lead.read", "See leads and the lead pool"),
        Permission("lead.write", "Create and edit leads, claim leads from the pool"),
        Permission("lead.assign", "Hand leads to salespeople or back to the pool"),
        Permission("lead.convert", "Convert leads into customers, contacts and opportunities"),
        Permission("lead.delete", "Merge and remove duplicate leads"),
        Permission("lead.manage", "Manage scoring and assignment rules, pool settings, forms"),
    ),
)

__all__ = ["HOOKSPECS", "MANIFEST"]


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.leads.models",), migrations="plugins.leads.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.leads.types import Lead

    return [Lead]


@hookimpl
def register_queries() -> list[type]:
    from plugins.leads.queries import LeadQueries
    from plugins.leads.rules import RuleQueries

    return [LeadQueries, RuleQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.leads.mutations import LeadMutations
    from plugins.leads.rules import RuleMutations

    return [LeadMutations, RuleMutations]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    everything = [p.name for p in MANIFEST.permissions]
    return {
        "admin": everything,
        "manager": ["lead.read", "lead.write", "lead.assign", "lead.convert", "lead.delete"],
        "sales": ["lead.read", "lead.write", "lead.convert"],
        "viewer": ["lead.read"],
    }


def _lead_text(row: Any) -> tuple[str, str]:
    return row.person_name, " ".join(
        filter(None, [row.company, row.title, row.email, row.phone, row.region])
    )


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.leads import models

    return [Searchable("Lead", models.Lead, _lead_text, "lead.read", unowned_visible=True)]


@hookimpl
def register_jobs() -> list[ScheduledJob]:
    from plugins.leads.pool import return_idle_leads

    return [ScheduledJob(name="leads.return_to_pool", every_seconds=3600, run=return_idle_leads)]


@hookimpl
def register_routes() -> list[Any]:
    from plugins.leads.forms import routes

    return routes()


@hookimpl
async def on_event(event: Any) -> None:
    """Work logged on a lead (a note, call or task from the activities plugin) keeps it out
    of the lead pool's return-after-N-idle-days rule."""
    if event.name != "activity.created" or event.payload.get("relatedType") != "Lead":
        return
    from core.tenancy import tenant_scope
    from plugins.leads.models import Lead

    with tenant_scope(event.tenant_id):
        await Lead.filter(id=event.payload["relatedId"]).update(
            last_activity_at=dt.datetime.now(dt.UTC)
        )
