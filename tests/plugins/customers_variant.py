"""A replacement for the built-in customers plugin, as an integrator would ship one.

Loaded with TESSERA_BLOCK_PLUGINS=customers and
TESSERA_EXTRA_PLUGINS=tests.plugins.customers_variant, it takes the name "customers".
"""

from __future__ import annotations

import strawberry

from core.graphql.permissions import requires
from core.hookspecs import hookimpl
from core.manifest import Permission, PluginManifest

MANIFEST = PluginManifest(
    name="customers",
    version="1.5.0",
    title="Customers (partner edition)",
    description="A partner's own take on customers.",
    permissions=(Permission("customer.read", "See customers"),),
)


@strawberry.type
class PartnerAccount:
    name: str
    partner_tier: str


@strawberry.type
class VariantQueries:
    @strawberry.field(permission_classes=requires("customer.read"))
    def partner_accounts(self) -> list[PartnerAccount]:
        return [PartnerAccount(name="Acme", partner_tier="gold")]


@hookimpl
def register_queries() -> list[type]:
    return [VariantQueries]


@hookimpl
def register_default_grants() -> dict[str, list[str]]:
    return {"admin": ["customer.read"]}
