"""PDF documents (quotes, contracts, ...) from Jinja2 templates that plugins contribute and
tenants may override. See docs/documents.md.

A plugin declares its templates with the `register_document_templates` hook
(`core.manifest.DocumentTemplate`) and renders one, inside a tenant scope, with
`await render_document(runtime, "quotes.quote", context)`. `render_html` and `render_pdf`
are the two pure halves of that, for tests and tools.

The package, one idea per module:
  catalog    the templates of all plugins, validated at startup
  sandbox    the Jinja2 environment: sandboxed, autoescaping, strict, bounded
  filters    `money` and `date` for templates
  html       template + context -> HTML
  fetcher    data: URIs and bundled assets, nothing else
  assets     the bundled stylesheet and fonts (assets/)
  pdf        HTML -> PDF with WeasyPrint, on the render thread
  branding   checking a tenant's letterhead logo
  store      a tenant's overrides and logo in the database
  render     render_document, and the check an override passes before it is saved
  errors     DocumentError and its messages
"""

from core.documents.errors import DocumentError
from core.documents.html import render_html
from core.documents.pdf import render_pdf
from core.documents.render import render_document

__all__ = ["DocumentError", "render_document", "render_html", "render_pdf"]
