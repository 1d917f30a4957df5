"""Guarding plugin HTTP routes (file downloads, exports) the way /graphql is guarded."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.auth.authenticate import authenticate
from core.auth.principal import Principal
from core.auth.tokens import InvalidToken
from core.graphql.errors import Code


class RouteRefused(Exception):
    """Raised by `require`; `response` is the JSON error to send."""

    def __init__(self, status: int, code: Code, message: str) -> None:
        super().__init__(message)
        self.response = JSONResponse(
            {"errors": [{"message": message, "extensions": {"code": code.value}}]},
            status_code=status,
        )


async def require(request: Request, plugin: str, permission: str) -> Principal:
    """The signed-in caller, scoped to their tenant, which enabled `plugin`, with `permission`.

    Use inside a route: `try: principal = await require(...) except RouteRefused as r:
    return r.response`.
    """
    runtime = request.app.state.runtime
    try:
        principal = await authenticate(runtime, request.headers.get("authorization"))
    except InvalidToken as exc:
        raise RouteRefused(401, Code.UNAUTHENTICATED, "Your token is invalid or expired.") from exc
    if principal.tenant is None:
        raise RouteRefused(401, Code.UNAUTHENTICATED, "Sign in to a tenant first.")
    if plugin not in principal.tenant.plugins:
        raise RouteRefused(
            403, Code.MODULE_DISABLED, f"The module '{plugin}' is not enabled for this tenant."
        )
    if not principal.can(permission):
        raise RouteRefused(403, Code.FORBIDDEN, f"Your role lacks the permission '{permission}'.")
    return principal
