"""The opportunities plugin: the tenant's pipeline, opportunities through it, won and lost."""

from __future__ import annotations

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="opportunities",
    version="1.0.0",
    title="Opportunities",
    description="Deals moving through a configurable pipeline to won or lost.",
    requires={"customers": ">=1.0,<2"},
)
