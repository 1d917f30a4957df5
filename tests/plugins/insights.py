"""A partner-style plugin made for tests: it uses every hook core offers.

It extends the customers plugin's Customer type (a declared dependency), listens to events,
runs a scheduled job, serves an HTTP route, contributes a PDF document template and a
leaderboard metric, and marks itself started.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.types import Info

from core.graphql.permissions import requires
from core.hookspecs import hookimpl
from core.manifest import (
    DocumentTemplate,
    Permission,
    PluginManifest,
    ReportMetric,
    ScheduledJob,
    TypeExtension,
)
from core.routes import RouteRefused, require

MANIFEST = PluginManifest(
    name="insights",
    version="0.1.0",
    title="Insights (test plugin)",
    description="Counts what happens in a tenant.",
    requires={"customers": ">=1.0,<2"},
    permissions=(Permission("insight.read", "See insights"),),
)

EVENTS: dict[int, list[str]] = defaultdict(list)
TICKS: dict[int, list[dt.datetime]] = defaultdict(list)
STARTED: list[Any] = []


@strawberry.type
class InsightQueries:
    @strawberry.field(permission_classes=requires("insight.read"))
    def insight_events(self, info: Info) -> list[str]:
        return EVENTS[info.context.principal.tenant_id]

    @strawberry.field(
        permission_classes=requires("insight.read"),
        description="Fails like a buggy plugin: the error must be masked.",
    )
    def insight_failure(self) -> int:
        raise RuntimeError("SELECT secret FROM /etc/passwd")


@strawberry.type
class CustomerInsight:
    @strawberry.field(description="Letters in the customer's name (added by insights).")
    def name_length(self) -> int:
        return len(self.name)  # type: ignore[attr-defined]


async def ping(request: Request) -> JSONResponse:
    return JSONResponse({"plugin": "insights", "pong": True})


async def summary(request: Request) -> JSONResponse:
    try:
        principal = await require(request, "insights", "insight.read")
    except RouteRefused as refused:
        return refused.response
    return JSONResponse(
        {"tenant": principal.tenant.slug, "events": len(EVENTS[principal.tenant_id])}
    )


def tick(runtime: Any, tenant_id: int, now: dt.datetime) -> None:
    TICKS[tenant_id].append(now)


SUMMARY = DocumentTemplate(
    name="insights.summary",
    title="Insights summary",
    source="""{% extends "base.html" %}
{% block title %}洞察摘要 Insights summary{% endblock %}
{% block details %}{{ period }}{% endblock %}
{% block content %}
<table>
  <thead><tr><th>事件 Event</th><th class="num">次数 Count</th></tr></thead>
  <tbody>
  {%- for row in rows %}
    <tr><td>{{ row.event }}</td><td class="num">{{ row.count }}</td></tr>
  {%- endfor %}
  </tbody>
</table>
{% endblock %}
""",
    sample={"period": "2026-11", "rows": [{"event": "customer.created", "count": 3}]},
)


@hookimpl
def register_queries() -> list[type]:
    return [InsightQueries]


@hookimpl
def register_type_extensions() -> list[TypeExtension]:
    return [TypeExtension(target="Customer", fields=CustomerInsight)]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    return {"admin": ["insight.read"], "manager": ["insight.read"]}


@hookimpl
def register_jobs() -> list[ScheduledJob]:
    return [ScheduledJob(name="insights.tick", every_seconds=3600, run=tick)]


@hookimpl
def register_routes() -> list[Route]:
    return [Route("/insights/ping", ping), Route("/insights/summary", summary)]


@hookimpl
def register_document_templates() -> list[DocumentTemplate]:
    return [SUMMARY]


def customers_created(start: dt.datetime, end: dt.datetime, currency: str) -> Any:
    from plugins.customers.models import Customer

    return Customer.filter(created_at__gte=start, created_at__lt=end)


@hookimpl
def register_report_metrics() -> list[ReportMetric]:
    from tortoise.functions import Count

    return [
        ReportMetric(
            name="customersCreated",
            title="Customers created",
            permission="insight.read",
            rows=customers_created,
            value=lambda: Count("id"),
        )
    ]


@hookimpl
def on_event(event: Any) -> None:
    EVENTS[event.tenant_id].append(event.name)


@hookimpl
async def startup(runtime: Any) -> None:
    STARTED.append(runtime)
