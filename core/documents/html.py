"""Template and context in, HTML out: the pure half of making a document (no database, no
tenant, no PDF), which is also what tests and template checks call."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.documents.errors import from_template_failure
from core.documents.sandbox import DocumentSandbox

BASE = "base.html"
# Templates core provides for documents to extend; plugin template names ("quotes.quote")
# can never collide with them (core.documents.catalog checks).
CORE_TEMPLATES = {BASE: (Path(__file__).parent / "templates" / BASE).read_text(encoding="utf-8")}


def render_html(name: str, source: str, context: Mapping[str, Any]) -> str:
    """The HTML of template `source`, known as `name`, rendered with `context`.

    `context` is used as given: a template extending "base.html" needs `tenant` in it
    (render_document adds it). Raises DocumentError, with the template and line at fault.
    """
    sources = {**CORE_TEMPLATES, name: source}
    try:
        return DocumentSandbox(sources).render(name, context)
    except Exception as exc:  # whatever a template does wrong is its author's to fix
        raise from_template_failure(exc, name, sources) from exc


def check_syntax(name: str, source: str) -> None:
    """Compile template `source` without rendering it; raises DocumentError."""
    sources = {**CORE_TEMPLATES, name: source}
    try:
        DocumentSandbox(sources).get_template(name)
    except Exception as exc:
        raise from_template_failure(exc, name, sources) from exc
