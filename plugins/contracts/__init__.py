"""The contracts plugin (being built)."""

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="contracts",
    version="1.0.0",
    title="Contracts",
    description="Contracts with customers: terms, renewal reminders, auto-renewal, PDF.",
    core=">=1.0,<2",
    requires={"customers": ">=1.0,<2"},
)
