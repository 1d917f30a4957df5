"""Hooks the customers plugin offers to plugins that attach records to customers."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookspec


@hookspec
async def customer_dependents(customer_id: int) -> Any:
    """Return (label, count) of your records that would be orphaned if the customer were
    deleted, e.g. ("opportunities", 3); None when there are none. Deleting is refused then."""


@hookspec
async def customers_merged(ctx: Any, work: Any, target_id: int, source_ids: list[int]) -> None:
    """Re-point your records from the merged-away customers to the target, inside the merge's
    transaction (record events through `work`)."""
