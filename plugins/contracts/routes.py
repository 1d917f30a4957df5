"""The contract PDF download, `GET /contracts/{id}.pdf` (the `pdfUrl` of a Contract)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.documents import DocumentError, render_document
from core.graphql.context import RequestContext
from core.graphql.errors import Code
from core.routes import RouteRefused, require
from plugins.contracts.document import NAME, contract_context
from plugins.contracts.service import PLUGIN, find_contract


def pdf_url(gid: str) -> str:
    return f"/contracts/{gid}.pdf"


def _error(status: int, code: Code, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]}, status_code=status
    )


async def contract_pdf(request: Request) -> Response:
    """The PDF of a contract the caller may see; 404 for any other, as for a missing one."""
    runtime = request.app.state.runtime
    try:
        principal = await require(request, PLUGIN, "contract.read")
    except RouteRefused as refused:
        return refused.response
    assert principal.tenant is not None
    ctx = RequestContext(
        runtime=runtime,
        principal=principal,
        enabled=frozenset(principal.tenant.plugins),
        request=request,
    )
    row = await find_contract(ctx, request.path_params["gid"])
    if row is None:
        return _error(404, Code.NOT_FOUND, "No such contract.")
    try:
        pdf = await render_document(runtime, NAME, await contract_context(row))
    except DocumentError as exc:  # the tenant's own version of the template fails
        return _error(422, Code.BAD_USER_INPUT, str(exc))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{row.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def routes() -> list[Route]:
    return [Route(pdf_url("{gid}"), contract_pdf, methods=["GET"])]
