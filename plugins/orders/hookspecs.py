"""Hooks the orders plugin offers to others (exposed as `HOOKSPECS`)."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookspec


@hookspec(firstresult=True)
async def order_source_quote(ctx: Any, quote_gid: str) -> Any:
    """The accepted quote an order is made from, if the caller may see it, else None.

    Return an object with `id`, `display_number`, `status`, `customer_id`,
    `opportunity_id`, `currency`, `subtotal`, `discount_total`, `tax_total`, `grand_total`
    and `lines`: one dict per line, in order, with the keys of
    `plugins.products.line_pricing.PricedLine.columns()`. The order copies them exactly;
    it never reprices.
    """
