"""The quotes plugin (being built)."""

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="quotes",
    version="1.0.0",
    title="Quotes",
    description="Quotes built from the product catalogue, with approval and PDF.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2", "products": ">=1.0,<2"},
)
