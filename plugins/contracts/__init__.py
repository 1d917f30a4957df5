"""The contracts plugin: contracts with customers, from drafts to their end, renewal
reminders, automatic renewal, and a link to the order a contract was made from."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import (
    DocumentTemplate,
    ModelApp,
    Permission,
    PluginManifest,
    ScheduledJob,
    Searchable,
    TypeExtension,
)
from plugins.contracts import hookspecs as HOOKSPECS  # noqa: N812 - the name core looks for

MANIFEST = PluginManifest(
    name="contracts",
    version="1.0.0",
    title="Contracts",
    description="Contracts with customers: terms, renewal reminders, auto-renewal, PDF.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2"},
    # No `integrates`: the plugins working with contracts declare it themselves (orders
    # answers contract_order, activities turns reminders into tasks), and declaring them
    # here too would make a load-order cycle. Contract.orderId, orderNumber and
    # createContract(input: {orderId}) exist only for tenants that enabled orders.
    permissions=(
        Permission("contract.read", "See contracts"),
        Permission("contract.write", "Create, edit, activate, renew and terminate contracts"),
        Permission("contract.manage", "Change contract settings (renewal reminders)"),
    ),
)

__all__ = ["HOOKSPECS", "MANIFEST"]


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.contracts.models",), migrations="plugins.contracts.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.contracts.types import Contract

    return [Contract]


@hookimpl
def register_queries() -> list[type]:
    from plugins.contracts.queries import ContractQueries

    return [ContractQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.contracts.mutations import ContractMutations

    return [ContractMutations]


@hookimpl
def register_type_extensions() -> list[TypeExtension]:
    from plugins.contracts.extensions import CustomerContracts

    return [TypeExtension(target="Customer", fields=CustomerContracts)]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    both = ["contract.read", "contract.write"]
    return {
        "admin": [*both, "contract.manage"],
        "manager": both,
        "sales": both,
        "viewer": ["contract.read"],
    }


def _contract_text(row: Any) -> tuple[str, str]:
    return f"{row.number} {row.title}", row.order_number or ""


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.contracts import models

    return [Searchable("Contract", models.Contract, _contract_text, "contract.read")]


@hookimpl
def register_jobs() -> list[ScheduledJob]:
    from plugins.contracts.jobs import end_terms, send_renewal_reminders

    hourly = 3600  # a day's reminders and term ends go out within its first hour (UTC)
    return [
        ScheduledJob("renewal_reminders", every_seconds=hourly, run=send_renewal_reminders),
        ScheduledJob("term_ends", every_seconds=hourly, run=end_terms),
    ]


@hookimpl
def register_document_templates() -> list[DocumentTemplate]:
    from plugins.contracts.document import TEMPLATE

    return [TEMPLATE]


@hookimpl
def register_routes() -> list[Any]:
    from plugins.contracts.routes import routes

    return routes()


@hookimpl
async def customer_dependents(customer_id: int) -> tuple[str, int] | None:
    """A customer with contracts, whatever their status, is not deleted: contracts are
    records the business keeps."""
    from plugins.contracts.models import Contract

    count = await Contract.filter(customer_id=customer_id).count()
    return ("contracts", count) if count else None


@hookimpl
async def customers_merged(ctx: Any, work: Any, target_id: int, source_ids: list[int]) -> None:
    """Contracts of merged-away customers follow their customer into the target."""
    from core.events import UPDATED
    from plugins.contracts.models import Contract

    moved = await Contract.filter(customer_id__in=source_ids)
    if moved:
        await Contract.filter(id__in=[c.id for c in moved]).update(customer_id=target_id)
        for row in moved:
            row.customer_id = target_id
        await work.record_many(
            "contracts",
            UPDATED,
            moved,
            "Contract",
            {"fields": ["customer_id"], "mergedInto": target_id},
        )
