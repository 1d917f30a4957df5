"""The quotes plugin: quotes from the product catalogue, approval of deep discounts,
revisions, PDFs, expiry, and (with opportunities on) won deals on acceptance."""

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
from plugins.quotes import hookspecs

# Hooks for the opportunities plugin (see hookspecs.py).
HOOKSPECS = hookspecs

MANIFEST = PluginManifest(
    name="quotes",
    version="1.0.0",
    title="Quotes",
    description="Quotes built from the product catalogue: numbered, priced, approved when "
    "the discount is deep, sent as PDF, accepted or rejected, revised, expired.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2", "products": ">=1.0,<2"},
    integrates={"opportunities": ">=1.0,<2"},
    permissions=(
        Permission("quote.read", "See quotes and download their PDFs"),
        Permission("quote.write", "Create, edit, send and record the customer's answer"),
        Permission("quote.approve", "Approve quotes whose discount needs approval"),
        Permission("quote.manage", "Change quote settings"),
    ),
)

HOURLY = 3600


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.quotes.models",), migrations="plugins.quotes.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.quotes.types import Quote

    return [Quote]


@hookimpl
def register_queries() -> list[type]:
    from plugins.quotes.queries import QuoteQueries

    return [QuoteQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.quotes.mutations import QuoteMutations

    return [QuoteMutations]


@hookimpl
def register_type_extensions() -> list[TypeExtension]:
    from plugins.quotes.extensions import CustomerQuotes

    return [TypeExtension(target="Customer", fields=CustomerQuotes)]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    return {
        "admin": [p.name for p in MANIFEST.permissions],
        "manager": ["quote.read", "quote.write", "quote.approve"],
        "sales": ["quote.read", "quote.write"],
        "viewer": ["quote.read"],
    }


def _quote_text(row: Any) -> tuple[str, str]:
    return f"{row.number} {row.title}", row.notes or ""


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.quotes import models

    return [Searchable("Quote", models.Quote, _quote_text, "quote.read")]


@hookimpl
def register_jobs() -> list[ScheduledJob]:
    from plugins.quotes.workflow import expire_quotes

    return [ScheduledJob("expire_quotes", HOURLY, expire_quotes)]


@hookimpl
async def customer_dependents(customer_id: int) -> tuple[str, int] | None:
    from plugins.quotes.models import Quote

    count = await Quote.filter(customer_id=customer_id).count()
    return ("quotes", count) if count else None


@hookimpl
async def customers_merged(ctx: Any, work: Any, target_id: int, source_ids: list[int]) -> None:
    """Quotes of merged-away customers follow their customer into the target."""
    from core.events import UPDATED
    from plugins.quotes.models import Quote

    moved = await Quote.filter(customer_id__in=source_ids)
    if moved:
        await Quote.filter(id__in=[q.id for q in moved]).update(customer_id=target_id)
        for row in moved:
            row.customer_id = target_id
        await work.record_many(
            "quotes", UPDATED, moved, "Quote", {"fields": ["customer_id"], "mergedInto": target_id}
        )


@hookimpl(optionalhook=True)
async def order_source_quote(ctx: Any, quote_gid: str) -> Any:
    """The orders plugin asks for the accepted quote an order copies."""
    from plugins.quotes.ordering import source_for_order

    return await source_for_order(ctx, quote_gid)


@hookimpl
def register_document_templates() -> list[DocumentTemplate]:
    from plugins.quotes.document import TEMPLATE

    return [TEMPLATE]


@hookimpl
def register_routes() -> list[Any]:
    from plugins.quotes.document import DOWNLOAD

    return [DOWNLOAD.route()]
