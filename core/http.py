"""The GraphQL endpoint: picks the caller's schema, runs the operation, formats errors.

Follows GraphQL-over-HTTP: POST with JSON, GET for queries only, `application/json` or
`application/graphql-response+json` responses; GraphiQL for browsers. Errors that are not
ApiErrors are masked: no stack trace, SQL or path leaves the server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType
from tortoise.exceptions import ValidationError

from core.auth.authenticate import authenticate
from core.auth.tokens import InvalidToken
from core.graphql.context import RequestContext
from core.graphql.errors import ApiError, Code, module_disabled, unauthenticated

log = logging.getLogger("tessera.graphql")
GRAPHQL_RESPONSE = "application/graphql-response+json"


def _error(message: str, code: Code, path: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "extensions": {"code": code.value}}
    if path:
        body["path"] = path
    return body


def format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    while original is not None and not isinstance(original, ApiError) and original.__cause__:
        original = original.__cause__
    if isinstance(original, ApiError):
        return _error(original.message, original.code, error.path)
    if isinstance(original, ValidationError):
        # Tortoise checks filter values against their column (e.g. a name longer than the
        # column): the client sent a value that cannot match, not a server fault.
        return _error(
            f"A value does not fit its field: {original}", Code.BAD_USER_INPUT, error.path
        )
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        # Parse, validation and variable-coercion errors describe the client's request.
        body = error.formatted
        body["extensions"] = {"code": Code.BAD_USER_INPUT.value}
        return body
    log.error("unexpected error in %s", error.path, exc_info=error.original_error)
    return _error("Internal server error.", Code.INTERNAL_SERVER_ERROR, error.path)


def _respond(request: Request, payload: dict[str, Any], failed_before_execution: bool) -> Response:
    wants_graphql_response = GRAPHQL_RESPONSE in request.headers.get("accept", "")
    media = GRAPHQL_RESPONSE if wants_graphql_response else "application/json"
    status = 400 if wants_graphql_response and failed_before_execution else 200
    return JSONResponse(payload, status_code=status, media_type=media)


def _client_error(message: str, status: int = 400, code: Code = Code.BAD_USER_INPUT) -> Response:
    return JSONResponse({"errors": [_error(message, code)]}, status_code=status)


async def _read_params(request: Request) -> dict[str, Any] | Response:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        for key in ("variables", "extensions"):
            if params.get(key):
                try:
                    params[key] = json.loads(params[key])
                except json.JSONDecodeError:
                    return _client_error(f"'{key}' is not valid JSON.")
        return params
    content_type = request.headers.get("content-type", "")
    if "application/json" not in content_type:
        return _client_error("Send the operation as application/json.", 415)
    try:
        params = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _client_error("The request body is not valid JSON.")
    if not isinstance(params, dict):
        return _client_error("The request body must be a JSON object.")
    return params


async def graphql_endpoint(request: Request) -> Response:
    runtime = request.app.state.runtime
    accept = request.headers.get("accept", "")
    if request.method == "GET" and "text/html" in accept and "query" not in request.query_params:
        return HTMLResponse(get_graphql_ide_html())
    params = await _read_params(request)
    if isinstance(params, Response):
        return params
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        return _client_error("Send a GraphQL document in 'query'.")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return _client_error("'variables' must be a JSON object.")

    try:
        principal = await authenticate(runtime, request.headers.get("authorization"))
    except InvalidToken:
        return JSONResponse(
            {
                "errors": [
                    _error(
                        "Your token is invalid, expired or revoked: sign in again.",
                        Code.UNAUTHENTICATED,
                    )
                ]
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    enabled = frozenset(principal.tenant.plugins) if principal.tenant else frozenset()
    schema = runtime.schemas.for_plugins(enabled)
    context = RequestContext(runtime=runtime, principal=principal, enabled=enabled, request=request)
    allowed = (
        {OperationType.QUERY}
        if request.method == "GET"
        else {OperationType.QUERY, OperationType.MUTATION}
    )
    try:
        result = await schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=params.get("operationName"),
            allowed_operation_types=allowed,
        )
    except InvalidOperationTypeError:
        return JSONResponse(
            {"errors": [_error("Mutations need POST.", Code.BAD_USER_INPUT)]},
            status_code=405,
            headers={"Allow": "POST"},
        )
    if result.errors and result.data is None:
        refusal = _refusal(runtime, query, principal, enabled)
        if refusal is not None:
            return _respond(request, {"errors": [refusal]}, True)
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [format_error(e) for e in result.errors]
    # Errors before execution (parse, validation) carry no path and leave out "data";
    # errors during execution always come with "data", null when a root field failed.
    if result.data is not None or any(e.path for e in result.errors or []) or not result.errors:
        payload["data"] = result.data
    return _respond(request, payload, result.data is None and bool(result.errors))


def _refusal(runtime: Any, query: str, principal: Any, enabled: frozenset[str]) -> dict | None:
    """A document the tenant's schema rejects may be valid once signed in or with a plugin
    enabled: say so (UNAUTHENTICATED / MODULE_DISABLED) instead of 'unknown field'."""
    if not principal.authenticated or principal.tenant is None:
        if not runtime.schemas.disabled_plugins_used(query, enabled):
            return None  # no plugin field involved: the errors say what went wrong
        if not principal.authenticated:
            return _error(unauthenticated().message, Code.UNAUTHENTICATED)
        return _error("Sign in to a tenant to use this field.", Code.FORBIDDEN)
    plugins = runtime.schemas.disabled_plugins_used(query, enabled)
    if not plugins:
        return None
    return _error(module_disabled(plugins[0]).message, Code.MODULE_DISABLED)
