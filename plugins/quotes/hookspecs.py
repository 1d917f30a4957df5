"""Hooks the quotes plugin offers to others (exposed as `HOOKSPECS`).

Both run inside the quote's own unit of work, so an opportunity that cannot be won makes
the acceptance fail as a whole rather than leave the two disagreeing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.hookspecs import hookspec


@hookspec(firstresult=True)
async def quote_opportunity(ctx: Any, opportunity_gid: str) -> Any:
    """The opportunity a new quote is for, if the caller may see it, else None: an object
    with `id`, `name`, `customer_id` and `currency` (None when it has no amount)."""


@hookspec
async def quote_accepted(
    ctx: Any, work: Any, quote_id: int, opportunity_id: int, amount: Decimal, currency: str
) -> None:
    """A quote made for `opportunity_id` was accepted for `amount` (its grand total)."""
