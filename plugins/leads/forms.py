"""Public lead capture: `POST /forms/{tenant}/{formKey}`, form-encoded or JSON.

- Rate limit: a token bucket per form key and client address, kept in this process
  (FORM_BURST submissions, refilled over FORM_WINDOW_SECONDS). Each worker keeps its own
  buckets, so N workers allow up to N times the limit; behind a proxy, run uvicorn with
  --proxy-headers so the client address is the visitor's.
- Honeypot: forms carry a hidden, empty `website` input. A submission that fills it is
  answered exactly like a good one (201) and stored nowhere, so bots learn nothing.
- Plain text only: a value holding markup (a tag, an entity) is refused, never stored.
- Bad input answers 4xx with `{"error": "...", "errors": [{"field", "message", "code"}]}`
  and writes nothing; a good one creates the lead with source WEB_FORM through the same
  path as createLead (scoring, duplicates, assignment, events).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.events import unit_of_work
from core.models import Tenant
from core.tenancy import tenant_scope
from plugins.leads import models
from plugins.leads.service import NewLead, check_values, create_leads, has_markup

FORM_BURST = 10
FORM_WINDOW_SECONDS = 60.0
MAX_BODY_BYTES = 16_384
HONEYPOT = "website"
# Accepted names of each lead field (HTML forms tend to use snake_case).
FIELDS = {
    "person_name": ("personName", "person_name", "name"),
    "company": ("company",),
    "title": ("title",),
    "email": ("email",),
    "phone": ("phone",),
    "region": ("region",),
    "description": ("description", "message"),
}


class TokenBuckets:
    """`burst` requests at once per key, refilled evenly over `window` seconds."""

    def __init__(
        self, burst: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = burst / window
        self.clock = clock
        self._buckets: dict[Any, tuple[float, float]] = {}

    def take(self, key: Any) -> bool:
        now = self.clock()
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if len(self._buckets) > 100_000:  # forget idle visitors rather than grow forever
            self._buckets.clear()
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True


LIMITER = TokenBuckets(FORM_BURST, FORM_WINDOW_SECONDS)


def _refuse(status: int, message: str, errors: list[dict] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


async def _read(request: Request) -> dict[str, Any] | JSONResponse:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, f"Send at most {MAX_BODY_BYTES} bytes.")
    content_type = request.headers.get("content-type", "")
    try:
        if "application/json" in content_type:
            values = json.loads(body)
        elif "application/x-www-form-urlencoded" in content_type:
            values = dict(parse_qsl(body.decode(), keep_blank_values=True))
        else:
            return _refuse(415, "Send the form as application/x-www-form-urlencoded or JSON.")
    except (UnicodeDecodeError, ValueError):
        return _refuse(400, "The request body could not be read.")
    if not isinstance(values, dict):
        return _refuse(400, "Send the fields as one JSON object.")
    return values


def _field_value(values: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in values:
            return values[name]
    return None


async def submit(request: Request) -> JSONResponse:
    slug, key = request.path_params["tenant"], request.path_params["form_key"]
    tenant = await Tenant.get_or_none(slug=slug)
    if tenant is None or "leads" not in tenant.plugins:
        return _refuse(404, "No such form.")
    with tenant_scope(tenant.id):
        form = await models.LeadForm.get_or_none(key=key, is_active=True)
        if form is None:
            return _refuse(404, "No such form.")
        client = request.client.host if request.client else "unknown"
        if not LIMITER.take((tenant.id, key, client)):
            return JSONResponse(
                {"error": "Too many submissions; try again in a minute."},
                status_code=429,
                headers={"Retry-After": str(int(FORM_WINDOW_SECONDS / FORM_BURST) + 1)},
            )
        values = await _read(request)
        if isinstance(values, JSONResponse):
            return values
        if values.get(HONEYPOT):
            return JSONResponse({"status": "received"}, status_code=201)
        fields = {name: _field_value(values, names) for name, names in FIELDS.items()}
        errors = []
        for name, value in fields.items():
            if value is not None and not isinstance(value, str):
                errors.append({"field": name, "message": "Send text.", "code": "INVALID"})
            elif has_markup(value):
                errors.append(
                    {"field": name, "message": "Send plain text, without markup.", "code": "MARKUP"}
                )
        if not errors:
            new = NewLead(source="WEB_FORM", **fields)
            errors = [
                {"field": (e.field or [""])[-1], "message": e.message, "code": e.code}
                for e in check_values(vars(new), [], creating=True)
            ]
        if errors:
            return _refuse(400, "Please correct the marked fields.", errors)
        runtime = request.app.state.runtime
        async with unit_of_work(runtime, tenant.id, None, frozenset(tenant.plugins)) as work:
            await create_leads(runtime, work, [new])
    return JSONResponse({"status": "received"}, status_code=201)


def routes() -> list[Route]:
    return [Route("/forms/{tenant}/{form_key}", submit, methods=["POST"])]
