"""Hooks the leads plugin offers to others (exposed as `HOOKSPECS`)."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookspec


@hookspec
def convert_lead_opportunity(
    ctx: Any,
    work: Any,
    lead_id: int,
    customer_id: int,
    contact_id: int | None,
    owner_id: int,
    name: str,
    amount: Any,
) -> str:
    """Create the opportunity for a converting lead inside its transaction; return its global ID."""
