"""Tessera core: the host that plugins run in. It owns no business object."""

CORE_VERSION = "1.0.0"
