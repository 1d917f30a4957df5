"""The authenticated PDF download of one record (`GET /quotes/{gid}.pdf`, ...).

Every document route does the same: check the caller like /graphql does, find the record
among those the caller may see (404 for any other, exactly as for a missing one), render
the tenant's template and answer it, uncached. A plugin describes only what differs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.documents.errors import DocumentError
from core.documents.render import render_document
from core.graphql.context import RequestContext
from core.graphql.errors import Code
from core.routes import RouteRefused, require


@dataclass(frozen=True)
class DocumentDownload:
    path: str  # with a {gid} parameter: "/quotes/{gid}.pdf"
    plugin: str
    permission: str
    template: str  # the document template's name: "quotes.quote"
    find: Callable[[RequestContext, str], Awaitable[Any | None]]  # a record the caller sees
    context: Callable[[Any], Awaitable[Mapping[str, Any]]]  # the template's data
    filename: Callable[[Any], str]
    missing: str = "No such record."

    def url(self, gid: str) -> str:
        return self.path.replace("{gid}", gid)

    def route(self) -> Route:
        return Route(self.path, self._serve, methods=["GET"])

    async def _serve(self, request: Request) -> Response:
        runtime = request.app.state.runtime
        try:
            principal = await require(request, self.plugin, self.permission)
        except RouteRefused as refused:
            return refused.response
        assert principal.tenant is not None
        ctx = RequestContext(
            runtime=runtime,
            principal=principal,
            enabled=frozenset(principal.tenant.plugins),
            request=request,
        )
        row = await self.find(ctx, request.path_params["gid"])
        if row is None:
            return _error(404, Code.NOT_FOUND, self.missing)
        try:
            pdf = await render_document(runtime, self.template, await self.context(row))
        except DocumentError as exc:  # the tenant's own version of the template fails
            return _error(422, Code.BAD_USER_INPUT, str(exc))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{self.filename(row)}"',
                "Cache-Control": "private, no-store",
            },
        )


def _error(status: int, code: Code, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]}, status_code=status
    )
