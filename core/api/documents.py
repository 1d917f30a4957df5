"""Tenant admins edit the document templates of their enabled plugins and the letterhead logo.

An override is saved only after it rendered the plugin's sample into a PDF: a template that
does not compile, names a variable the plugin does not pass, or tries to leave the sandbox
comes back as a userError on `source`, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from core.documents import store
from core.documents.branding import LogoError, checked_logo
from core.documents.errors import DocumentError
from core.documents.render import check_override
from core.graphql.context import run_mutation
from core.graphql.payloads import UserError, fail
from core.graphql.permissions import requires
from core.graphql.relay import to_global_id
from core.manifest import DocumentTemplate
from core.models import DocumentTemplateOverride

MANAGE = "document.manage"
MAX_SOURCE = 200_000  # characters: room for a long contract, not for a data dump


@strawberry.type(name="DocumentTemplate")
class DocumentTemplateNode:
    name: str = strawberry.field(description='Named "<plugin>.<document>": "quotes.quote".')
    title: str
    plugin: str
    is_overridden: bool = strawberry.field(description="Whether the tenant saved its own version.")
    source: str = strawberry.field(description="The template in use: the override, or the default.")
    default_source: str = strawberry.field(description="The plugin's template.")
    updated_at: dt.datetime | None = strawberry.field(description="When the override was saved.")
    updated_by_id: strawberry.ID | None = strawberry.field(description="Who saved the override.")

    @classmethod
    def of(
        cls, template: DocumentTemplate, plugin: str, row: DocumentTemplateOverride | None
    ) -> DocumentTemplateNode:
        return cls(
            name=template.name,
            title=template.title,
            plugin=plugin,
            is_overridden=row is not None,
            source=row.source if row is not None else template.source,
            default_source=template.source,
            updated_at=row.updated_at if row is not None else None,
            updated_by_id=(
                strawberry.ID(to_global_id("User", row.updated_by_id))
                if row is not None and row.updated_by_id
                else None
            ),
        )


@strawberry.input
class SetDocumentTemplateInput:
    name: str
    source: str


@strawberry.input
class ResetDocumentTemplateInput:
    name: str


@strawberry.type
class DocumentTemplatePayload:
    document_template: DocumentTemplateNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetDocumentLogoInput:
    data_uri: str | None = strawberry.field(
        default=None,
        description="A base64 data: URI of a PNG, JPEG or SVG image, at most 300 KB; null "
        "removes the logo.",
    )


@strawberry.type
class DocumentLogoPayload:
    logo: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _template(info: Info, name: str) -> tuple[DocumentTemplate, str]:
    """The template `name` of a plugin the tenant enabled, and that plugin; else userErrors."""
    documents = info.context.runtime.documents
    plugin = documents.owner.get(name)
    if plugin is None or plugin not in info.context.enabled:
        raise fail("name", f"No document template named '{name:.100}' is enabled.", "NOT_FOUND")
    return documents.templates[name], plugin


@strawberry.type
class DocumentQueries:
    @strawberry.field(
        permission_classes=requires(MANAGE),
        description="The PDF document templates of the tenant's enabled plugins.",
    )
    async def document_templates(self, info: Info) -> list[DocumentTemplateNode]:
        documents = info.context.runtime.documents
        saved = await store.overrides()
        return [
            DocumentTemplateNode.of(t, documents.owner[t.name], saved.get(t.name))
            for t in documents.of_plugins(info.context.enabled)
        ]

    @strawberry.field(
        permission_classes=requires(MANAGE),
        description="The letterhead logo documents print, as a data: URI.",
    )
    async def document_logo(self) -> str | None:
        return await store.logo()


@strawberry.type
class DocumentMutations:
    @strawberry.mutation(
        permission_classes=requires(MANAGE),
        description="Save the tenant's own version of a document template, once it renders "
        "the plugin's sample.",
    )
    async def set_document_template(
        self, info: Info, input: SetDocumentTemplateInput
    ) -> DocumentTemplatePayload:
        async def body() -> DocumentTemplatePayload:
            template, plugin = _template(info, input.name)
            if not input.source.strip():
                raise fail("source", "The template is empty.", "REQUIRED")
            if len(input.source) > MAX_SOURCE:
                raise fail("source", f"Use at most {MAX_SOURCE:,} characters.", "TOO_LONG")
            principal = info.context.principal
            try:
                await check_override(
                    template, input.source, await store.letterhead(principal.tenant)
                )
            except DocumentError as exc:
                raise fail("source", str(exc), "INVALID_TEMPLATE") from exc
            row = await store.save_override(template.name, input.source, principal.user_id)
            return DocumentTemplatePayload(
                document_template=DocumentTemplateNode.of(template, plugin, row)
            )

        return await run_mutation(DocumentTemplatePayload, body)

    @strawberry.mutation(
        permission_classes=requires(MANAGE),
        description="Drop the tenant's version of a document template: the default applies.",
    )
    async def reset_document_template(
        self, info: Info, input: ResetDocumentTemplateInput
    ) -> DocumentTemplatePayload:
        async def body() -> DocumentTemplatePayload:
            template, plugin = _template(info, input.name)
            await store.delete_override(template.name)
            return DocumentTemplatePayload(
                document_template=DocumentTemplateNode.of(template, plugin, None)
            )

        return await run_mutation(DocumentTemplatePayload, body)

    @strawberry.mutation(
        permission_classes=requires(MANAGE),
        description="Set or remove (dataUri: null) the logo on the tenant's documents.",
    )
    async def set_document_logo(
        self, info: Info, input: SetDocumentLogoInput
    ) -> DocumentLogoPayload:
        async def body() -> DocumentLogoPayload:
            try:
                logo = checked_logo(input.data_uri) if input.data_uri is not None else None
            except LogoError as exc:
                raise fail("dataUri", str(exc), "INVALID_LOGO") from exc
            await store.save_logo(logo, info.context.principal.user_id)
            return DocumentLogoPayload(logo=logo)

        return await run_mutation(DocumentLogoPayload, body)
