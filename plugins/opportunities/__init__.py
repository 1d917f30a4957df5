"""The opportunities plugin: the tenant's pipeline, opportunities through it, won and lost."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import ModelApp, Permission, PluginManifest, Searchable, TypeExtension

MANIFEST = PluginManifest(
    name="opportunities",
    version="1.0.0",
    title="Opportunities",
    description="Deals moving through a configurable pipeline to won or lost.",
    requires={"customers": ">=1.0,<2"},
    core=">=1.0,<2",
    permissions=(
        Permission("opportunity.read", "See opportunities and the pipeline"),
        Permission("opportunity.write", "Create, edit, move and close opportunities"),
        Permission("opportunity.delete", "Delete opportunities"),
        Permission("pipeline.manage", "Change the pipeline stages"),
    ),
)


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(
        models=("plugins.opportunities.models",), migrations="plugins.opportunities.migrations"
    )


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.opportunities.types import Opportunity

    return [Opportunity]


@hookimpl
def register_queries() -> list[type]:
    from plugins.opportunities.queries import OpportunityQueries

    return [OpportunityQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.opportunities.mutations import OpportunityMutations

    return [OpportunityMutations]


@hookimpl
def register_type_extensions() -> list[TypeExtension]:
    from plugins.opportunities.extensions import CustomerOpportunities

    return [TypeExtension(target="Customer", fields=CustomerOpportunities)]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    everything = [p.name for p in MANIFEST.permissions]
    return {
        "admin": everything,
        "manager": ["opportunity.read", "opportunity.write", "opportunity.delete"],
        "sales": ["opportunity.read", "opportunity.write"],
        "viewer": ["opportunity.read"],
    }


def _opportunity_text(row: Any) -> tuple[str, str]:
    return row.name, row.next_step or ""


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.opportunities import models

    return [Searchable("Opportunity", models.Opportunity, _opportunity_text, "opportunity.read")]


@hookimpl(optionalhook=True)
async def convert_lead_opportunity(
    ctx: Any,
    work: Any,
    lead_id: int,
    customer_id: int,
    contact_id: int | None,
    owner_id: int,
    name: str,
    amount: Any,
) -> str:
    """The leads plugin's conversion: the opportunity for the converted lead, written in the
    conversion's own unit of work, in the first open stage."""
    from plugins.opportunities.service import create_for_lead

    return await create_for_lead(
        ctx, work, lead_id, customer_id, contact_id, owner_id, name, amount
    )


@hookimpl
async def customer_dependents(customer_id: int) -> tuple[str, int] | None:
    from plugins.opportunities.models import Opportunity

    count = await Opportunity.filter(customer_id=customer_id).count()
    return ("opportunities", count) if count else None


@hookimpl
async def customers_merged(ctx: Any, work: Any, target_id: int, source_ids: list[int]) -> None:
    """Deals of merged-away customers follow their customer into the target."""
    from core.events import UPDATED
    from plugins.opportunities.models import Opportunity

    moved = await Opportunity.filter(customer_id__in=source_ids)
    if moved:
        await Opportunity.filter(id__in=[o.id for o in moved]).update(customer_id=target_id)
        for row in moved:
            row.customer_id = target_id
        await work.record_many(
            "opportunities",
            UPDATED,
            moved,
            "Opportunity",
            {"fields": ["customer_id"], "mergedInto": target_id},
        )


@hookimpl(optionalhook=True)
async def quote_opportunity(ctx: Any, opportunity_gid: str) -> Any:
    """The quotes plugin asks which deal a new quote is for."""
    from core.graphql.relay import maybe_pk
    from plugins.opportunities.models import Opportunity

    pk = maybe_pk(opportunity_gid, "Opportunity")
    if pk is None or not ctx.can("opportunity.read"):
        return None
    return await (await ctx.visible(Opportunity.filter(id=pk))).first()


@hookimpl(optionalhook=True)
async def quote_accepted(
    ctx: Any, work: Any, quote_id: int, opportunity_id: int, amount: Any, currency: str
) -> None:
    """An accepted quote wins its open deal, for the quote's grand total."""
    from plugins.opportunities.mutations import win_from_quote

    await win_from_quote(ctx, work, quote_id, opportunity_id, amount, currency)
