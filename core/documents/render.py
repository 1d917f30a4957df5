"""A tenant's PDF of a plugin's document, and the check a tenant's override passes first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.documents import store
from core.documents.catalog import with_tenant
from core.documents.errors import DocumentError
from core.documents.html import check_syntax, render_html
from core.documents.pdf import in_render_thread, render_pdf
from core.manifest import DocumentTemplate
from core.models import Tenant
from core.tenancy import current_tenant_id

if TYPE_CHECKING:
    from core.runtime import Runtime


async def render_document(runtime: Runtime, name: str, context: Mapping[str, Any]) -> bytes:
    """The PDF of document template `name` for the tenant in scope.

    Uses the tenant's override of the template if it saved one, else the plugin's default.
    The template sees `context` (plain data: dicts, lists, strings, Decimals, dates) plus
    `tenant`: its name, and its logo as a data: URI or None. HTML and PDF are made on the
    document render thread, so the event loop keeps serving meanwhile.

    Raises DocumentError, whose message is meant for people: no such template, its plugin is
    not enabled for the tenant, or the template failed (the override may be older than the
    data the plugin now passes).
    """
    template = runtime.documents.get(name)
    tenant = await Tenant.get(id=current_tenant_id())
    plugin = runtime.documents.owner[name]
    if plugin not in tenant.plugins:
        raise DocumentError(f"the module '{plugin}' is not enabled for this tenant")
    override = await store.override_of(name)
    source = override.source if override is not None else template.source
    full_context = with_tenant(context, await store.letterhead(tenant))
    return await in_render_thread(_html_to_pdf, name, source, full_context)


async def check_override(
    template: DocumentTemplate, source: str, tenant: Mapping[str, Any]
) -> None:
    """Raise DocumentError unless `source` makes a PDF of the template's sample, with `tenant`
    as the letterhead; without a sample, unless it compiles."""
    if template.sample is None:
        check_syntax(template.name, source)
        return
    context = with_tenant(template.sample, tenant)
    await in_render_thread(_html_to_pdf, template.name, source, context)


def _html_to_pdf(name: str, source: str, context: Mapping[str, Any]) -> bytes:
    return render_pdf(render_html(name, source, context))
