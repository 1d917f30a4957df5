"""The ASGI application: GraphQL, plugin routes, and the runtime's lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from core.http import graphql_endpoint
from core.runtime import Runtime
from core.scheduler import Scheduler
from core.settings import Settings
from core.tenancy import tenant_scope


class FreshTenantScope:
    """Each request starts with no tenant in scope and leaves none behind, whatever task or
    context the server runs it in (test clients share one context across requests)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with tenant_scope(None):
            await self.app(scope, receive, send)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    runtime = runtime or Runtime(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not runtime.started:
            await runtime.start()
        ticking = None
        if runtime.settings.scheduler_interval_seconds > 0:
            scheduler = Scheduler(runtime)
            ticking = asyncio.create_task(
                scheduler.loop(runtime.settings.scheduler_interval_seconds)
            )
        yield
        if ticking is not None:
            ticking.cancel()
        await runtime.stop()

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        Route("/health", health),
        Route("/", lambda request: RedirectResponse("/graphql")),
    ]
    for _, plugin_routes in runtime.host.collect("register_routes"):
        routes.extend(plugin_routes)
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(FreshTenantScope)])
    app.state.runtime = runtime
    return app
