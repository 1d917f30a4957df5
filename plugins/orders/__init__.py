"""The orders plugin: sales orders from accepted quotes or entered directly, through a
confirmed -> fulfilled -> invoiced -> paid -> closed workflow that integrations follow."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import ModelApp, Permission, PluginManifest, Searchable
from plugins.orders import hookspecs

# Hooks for the quotes plugin (see hookspecs.py).
HOOKSPECS = hookspecs

MANIFEST = PluginManifest(
    name="orders",
    version="1.0.0",
    title="Orders",
    description="Sales orders, copied exactly from accepted quotes or entered directly, with "
    "status and payment tracking and an event at every step.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2", "products": ">=1.0,<2"},
    integrates={"quotes": ">=1.0,<2", "contracts": ">=1.0,<2"},
    permissions=(
        Permission("order.read", "See orders"),
        Permission("order.write", "Create orders, move them through the workflow, record payments"),
    ),
)


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.orders.models",), migrations="plugins.orders.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.orders.types import Order

    return [Order]


@hookimpl
def register_queries() -> list[type]:
    from plugins.orders.queries import OrderQueries

    return [OrderQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.orders.mutations import OrderMutations

    return [OrderMutations]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    return {
        "admin": ["order.read", "order.write"],
        "manager": ["order.read", "order.write"],
        "sales": ["order.read", "order.write"],
        "viewer": ["order.read"],
    }


def _order_text(row: Any) -> tuple[str, str]:
    return row.number, " ".join(filter(None, [row.source_quote_number, row.notes]))


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.orders import models

    return [Searchable("Order", models.Order, _order_text, "order.read")]


@hookimpl
async def customer_dependents(customer_id: int) -> tuple[str, int] | None:
    from plugins.orders.models import Order

    count = await Order.filter(customer_id=customer_id).count()
    return ("orders", count) if count else None


@hookimpl(optionalhook=True)
async def contract_order(ctx: Any, order_id: int) -> Any:
    """The contracts plugin asks what a contract made from this order starts with."""
    from plugins.contracts.hookspecs import ContractOrder
    from plugins.orders.models import Order

    if not ctx.can("order.read"):
        return None
    row = await (await ctx.visible(Order.filter(id=order_id))).first()
    if row is None:
        return None
    return ContractOrder(
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        amount=row.grand_total,
        currency=row.currency,
    )


@hookimpl
async def customers_merged(ctx: Any, work: Any, target_id: int, source_ids: list[int]) -> None:
    """Orders of merged-away customers follow their customer into the target."""
    from core.events import UPDATED
    from plugins.orders.models import Order

    moved = await Order.filter(customer_id__in=source_ids)
    if moved:
        await Order.filter(id__in=[o.id for o in moved]).update(customer_id=target_id)
        for row in moved:
            row.customer_id = target_id
        await work.record_many(
            "orders", UPDATED, moved, "Order", {"fields": ["customer_id"], "mergedInto": target_id}
        )
