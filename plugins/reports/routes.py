"""The exports: `GET /reports/{name}.csv` and `GET /reports/{name}.pdf`, with the report's
arguments as query parameters (`?from=2026-01-01&to=2026-03-31&groupBy=OWNER`), guarded like
/graphql: token, tenant module, permissions, and the caller's record scope."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.documents.errors import DocumentError
from core.graphql.context import RequestContext
from core.graphql.errors import ApiError, Code
from core.routes import RouteRefused, require
from plugins.reports.arguments import ReportArgumentError
from plugins.reports.catalog import REPORTS, report_table
from plugins.reports.csv_export import csv_filename, table_csv
from plugins.reports.document import render_report_pdf
from plugins.reports.table import ReportTable

PLUGIN = "reports"
STATUS = {
    Code.FORBIDDEN: 403,
    Code.MODULE_DISABLED: 403,
    Code.UNAUTHENTICATED: 401,
    Code.BAD_USER_INPUT: 400,
}


def _error(status: int, code: Code, message: str, argument: str | None = None) -> JSONResponse:
    error: dict = {"message": message, "extensions": {"code": code.value}}
    if argument:
        error["extensions"]["argument"] = argument
    return JSONResponse({"errors": [error]}, status_code=status)


async def _table(request: Request) -> ReportTable | Response:
    try:
        principal = await require(request, PLUGIN, "report.read")
    except RouteRefused as refused:
        return refused.response
    name = request.path_params["name"]
    if name not in REPORTS:
        return _error(404, Code.NOT_FOUND, f"There is no report named '{name}'.")
    assert principal.tenant is not None
    ctx = RequestContext(
        runtime=request.app.state.runtime,
        principal=principal,
        enabled=frozenset(principal.tenant.plugins),
        request=request,
    )
    try:
        return await report_table(ctx, name, request.query_params)
    except ReportArgumentError as exc:
        return _error(400, Code.BAD_USER_INPUT, exc.message, exc.argument)
    except ApiError as exc:
        return _error(STATUS.get(exc.code, 400), exc.code, str(exc))


def _headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    }


async def csv_export(request: Request) -> Response:
    table = await _table(request)
    if isinstance(table, Response):
        return table
    return Response(
        # With a byte-order mark: Excel on Chinese Windows reads a CSV without one as GBK.
        table_csv(table).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers=_headers(csv_filename(table)),
    )


async def pdf_export(request: Request) -> Response:
    table = await _table(request)
    if isinstance(table, Response):
        return table
    try:
        pdf = await render_report_pdf(request.app.state.runtime, table)
    except DocumentError as exc:  # the tenant's own version of the template fails
        return _error(422, Code.BAD_USER_INPUT, str(exc))
    return Response(pdf, media_type="application/pdf", headers=_headers(f"{table.name}.pdf"))


def routes() -> list[Route]:
    return [
        Route("/reports/{name}.csv", csv_export, methods=["GET"]),
        Route("/reports/{name}.pdf", pdf_export, methods=["GET"]),
    ]
