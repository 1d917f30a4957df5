"""The leads plugin: capture, scoring, assignment, the lead pool and conversion."""

from __future__ import annotations

from core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="leads",
    version="1.0.0",
    title="Leads",
    description="Leads from web forms, imports and the API: scored, assigned, converted.",
    requires={"customers": ">=1.0,<2"},
    integrates={"opportunities": ">=1.0,<2"},
)
