"""The orders plugin (being built)."""

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="orders",
    version="1.0.0",
    title="Orders",
    description="Sales orders, from accepted quotes or entered directly.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2", "products": ">=1.0,<2"},
)
