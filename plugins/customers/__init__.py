"""The customers plugin: customers, contacts, duplicate warnings, merging, search."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from core.manifest import ModelApp, Permission, PluginManifest, Searchable
from plugins.customers import hookspecs

# Hooks for plugins that attach records to customers (see hookspecs.py).
HOOKSPECS = hookspecs

MANIFEST = PluginManifest(
    name="customers",
    version="1.0.0",
    title="Customers",
    description="Customer accounts and their contacts: profiles, owners, hierarchy, tags, "
    "lifecycle stage, duplicate warnings and merging.",
    core=">=1.0,<2",
    permissions=(
        Permission("customer.read", "See customers"),
        Permission("customer.write", "Create and edit customers"),
        Permission("customer.delete", "Delete customers"),
        Permission("customer.merge", "Merge duplicate customers"),
        Permission("contact.read", "See contacts"),
        Permission("contact.write", "Create and edit contacts"),
        Permission("contact.delete", "Delete contacts"),
    ),
)


@hookimpl
def register_models() -> ModelApp:
    return ModelApp(models=("plugins.customers.models",), migrations="plugins.customers.migrations")


@hookimpl
def register_graphql_types() -> list[type]:
    from plugins.customers.types import Contact, Customer

    return [Customer, Contact]


@hookimpl
def register_queries() -> list[type]:
    from plugins.customers.queries import CustomerQueries

    return [CustomerQueries]


@hookimpl
def register_mutations() -> list[type]:
    from plugins.customers.contact_mutations import ContactMutations
    from plugins.customers.customer_mutations import CustomerMutations

    return [CustomerMutations, ContactMutations]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    everything = [p.name for p in MANIFEST.permissions]
    return {
        "admin": everything,
        "manager": everything,
        "sales": [
            "customer.read",
            "customer.write",
            "contact.read",
            "contact.write",
            "contact.delete",
        ],
        "viewer": ["customer.read", "contact.read"],
    }


def _customer_text(row: Any) -> tuple[str, str]:
    return row.name, " ".join(
        filter(None, [row.industry, row.website, row.phone, row.city, row.region, row.country])
    )


def _contact_text(row: Any) -> tuple[str, str]:
    return row.name, " ".join(filter(None, [row.title, row.email, row.phone]))


@hookimpl
def register_search_documents() -> list[Searchable]:
    from plugins.customers import models

    return [
        Searchable("Customer", models.Customer, _customer_text, "customer.read"),
        Searchable("Contact", models.Contact, _contact_text, "contact.read"),
    ]
