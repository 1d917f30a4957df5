"""The products plugin: product catalogue and price books (being built)."""

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="products",
    version="1.0.0",
    title="Products",
    description="Product catalogue and price books.",
    core=">=1.0,<2",
)
