"""The contract PDF download, `GET /contracts/{gid}.pdf` (the `pdfUrl` of a Contract)."""

from __future__ import annotations

from starlette.routing import Route

from core.documents.download import DocumentDownload
from plugins.contracts.document import NAME, contract_context
from plugins.contracts.service import PLUGIN, find_contract

DOWNLOAD = DocumentDownload(
    path="/contracts/{gid}.pdf",
    plugin=PLUGIN,
    permission="contract.read",
    template=NAME,
    find=find_contract,
    context=contract_context,
    filename=lambda row: f"{row.number}.pdf",
    missing="No such contract.",
)


def pdf_url(gid: str) -> str:
    return DOWNLOAD.url(gid)


def routes() -> list[Route]:
    return [DOWNLOAD.route()]
