"""The products plugin: the product catalogue, price books, and prices for quotes and orders
(see pricing.py, the service API those plugins import)."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import ModelApp, Permission, PluginManifest, Searchable

MANIFEST = PluginManifest(
    name="products",
    version="1.0.0",
    title="Products",
    description="Product catalogue (SKU, unit, list price, tax category) and price books "
    "with per-product prices, one default book per currency.",
    core=">=1.0,<2",
    permissions=(
        Permission("product.read", "See products, price books and prices"),
        Permission("product.write", "Create and edit products"),
        Permission("pricebook.write", "Create and edit price books and their prices"),
    ),
)


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.products.models",), migrations="plugins.products.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.products.types import PriceBook, Product

    return [Product, PriceBook]


@hookimpl
def register_queries() -> list[type]:
    from plugins.products.queries import ProductQueries

    return [ProductQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.products.price_book_mutations import PriceBookMutations
    from plugins.products.product_mutations import ProductMutations

    return [ProductMutations, PriceBookMutations]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    # The catalogue and its prices are kept by admins and managers; salespeople quote from
    # them, and editing a price there would change every later quote.
    everything = [p.name for p in MANIFEST.permissions]
    return {
        "admin": everything,
        "manager": everything,
        "sales": ["product.read"],
        "viewer": ["product.read"],
    }


def _product_text(row: Any) -> tuple[str, str]:
    return row.name, " ".join(filter(None, [row.sku, row.description]))


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.products.models import Product

    # Products have no owner: everyone who may read the catalogue finds all of it.
    return [Searchable("Product", Product, _product_text, "product.read", unowned_visible=True)]
