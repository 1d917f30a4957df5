"""The activities plugin: tasks, notes, calls and meetings, record timelines, follow-ups."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import (
    ModelApp,
    Permission,
    PluginManifest,
    ReportMetric,
    ScheduledJob,
    TypeExtension,
)

MANIFEST = PluginManifest(
    name="activities",
    version="1.0.0",
    title="Activities",
    description="Tasks, notes, calls and meetings on leads, customers, contacts, "
    "opportunities and contracts; timelines; automatic follow-up tasks.",
    integrates={
        "customers": ">=1.0,<2",
        "leads": ">=1.0,<2",
        "opportunities": ">=1.0,<2",
        "contracts": ">=1.0,<2",
    },
    permissions=(
        Permission("activity.read", "See tasks, notes and timelines"),
        Permission("activity.write", "Create tasks and notes, log calls and meetings"),
        Permission("activity.manage", "Change follow-up rules"),
    ),
)

# The record types a timeline is added to, and the plugin owning each.
TIMELINE_TYPES = {
    "Customer": "customers",
    "Contact": "customers",
    "Lead": "leads",
    "Opportunity": "opportunities",
    "Contract": "contracts",
}
_runtime: list[Any] = []


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(
        models=("plugins.activities.models",), migrations="plugins.activities.migrations"
    )


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.activities.types import Activity

    return [Activity]


@hookimpl
def register_queries() -> list[type]:
    from plugins.activities.api import ActivityQueries

    return [ActivityQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.activities.api import ActivityMutations

    return [ActivityMutations]


@hookimpl
def register_type_extensions() -> list[TypeExtension]:
    from plugins.activities.timeline import timeline_extension

    return [
        TypeExtension(target=name, fields=timeline_extension(name), provider=plugin)
        for name, plugin in TIMELINE_TYPES.items()
    ]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    both = ["activity.read", "activity.write"]
    return {
        "admin": [*both, "activity.manage"],
        "manager": both,
        "sales": both,
        "viewer": ["activity.read"],
    }


@hookimpl
def register_jobs() -> list[ScheduledJob]:
    from plugins.activities.rules import stale_opportunity_tasks

    return [
        ScheduledJob("stale_opportunities", every_seconds=24 * 3600, run=stale_opportunity_tasks)
    ]


@hookimpl
def startup(runtime: Any) -> None:
    _runtime.append(runtime)


@hookimpl
async def on_event(event: Any) -> None:
    from plugins.activities.rules import contract_renewal_task, first_contact_task

    if _runtime:
        await first_contact_task(_runtime[-1], event)
        await contract_renewal_task(_runtime[-1], event)


def _logged_activities(start: Any, end: Any, currency: str) -> Any:
    """Calls, meetings and notes held in the period, and tasks completed in it."""
    from tortoise.expressions import Q

    from plugins.activities.models import Activity

    held = Q(kind__in=["CALL", "MEETING", "NOTE"], occurred_at__gte=start, occurred_at__lt=end)
    done = Q(kind="TASK", status="DONE", completed_at__gte=start, completed_at__lt=end)
    return Activity.filter(held | done)


@hookimpl
def register_report_metrics() -> list[ReportMetric]:
    from tortoise.functions import Count

    return [
        ReportMetric(
            name="activitiesLogged",
            title="Activities logged",
            permission="activity.read",
            rows=_logged_activities,
            value=lambda: Count("id"),
        )
    ]
