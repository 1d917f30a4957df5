"""The order a contract is made from, asked of whichever enabled plugin answers the
`contract_order` hook (the orders plugin), so contracts never imports orders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.graphql.payloads import UserError, user_error
from core.graphql.relay import maybe_pk
from plugins.contracts.hookspecs import ContractOrder

if TYPE_CHECKING:
    from core.graphql.context import RequestContext

HOOK = "contract_order"


def _providers(ctx: RequestContext) -> set[str]:
    """The tenant's enabled plugins that implement the hook."""
    host = ctx.runtime.host
    implementers = {host.pm.get_name(i.plugin) for i in getattr(host.pm.hook, HOOK).get_hookimpls()}
    return implementers & ctx.enabled


async def order_for_contract(
    ctx: RequestContext, order_gid: str
) -> tuple[ContractOrder | None, list[UserError]]:
    """The order, or a userError on `orderId`: MODULE_DISABLED when no enabled plugin
    provides orders to contracts, NOT_FOUND when none knows this order (or the caller may
    not see it)."""
    providers = _providers(ctx)
    if not providers:
        return None, [
            user_error(
                "orderId",
                "No enabled plugin provides orders to contracts in this tenant.",
                "MODULE_DISABLED",
            )
        ]
    pk = maybe_pk(order_gid, "Order")
    answers = (
        []
        if pk is None
        else await ctx.runtime.host.gather(HOOK, only=providers, ctx=ctx, order_id=pk)
    )
    if not answers:
        return None, [user_error("orderId", "No such order.", "NOT_FOUND")]
    return answers[0][1], []
