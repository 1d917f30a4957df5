"""Hooks the contracts plugin offers to others (exposed as `HOOKSPECS`).

The orders plugin answers `contract_order` so that a contract can be made from an order
without the contracts plugin importing it. Implement it with `@hookimpl(optionalhook=True)`
and import `ContractOrder` inside the implementation: it is only ever called by this plugin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.hookspecs import hookspec


@dataclass(frozen=True)
class ContractOrder:
    """What a contract takes from the order it is made from."""

    id: int
    number: str
    customer_id: int
    amount: Decimal  # the order's total, which the contract's value defaults to
    currency: str


@hookspec(firstresult=True)
def contract_order(ctx: Any, order_id: int) -> Any:
    """Return the ContractOrder for this order id if it exists in the caller's tenant and the
    caller (`ctx`, the request context) may see it; None otherwise. May be a coroutine."""
