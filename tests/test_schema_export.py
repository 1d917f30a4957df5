"""schema/schema.graphql is the SDL of every built-in plugin, kept current."""

from pathlib import Path

from core.cli import export_schema
from core.settings import Settings

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_exported_schema_is_current() -> None:
    # Built-ins only: the suite's own test plugins are not part of the product.
    current = export_schema(Settings())
    assert SCHEMA.read_text(encoding="utf-8") == current, (
        "schema/schema.graphql is stale: run `tessera schema export`"
    )
