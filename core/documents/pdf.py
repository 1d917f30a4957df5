"""HTML in, PDF out: WeasyPrint on core's document stylesheet, on a thread of its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from core.documents.assets import asset_url
from core.documents.errors import DocumentError

log = logging.getLogger("tessera.documents")
T = TypeVar("T")

# The fonts, page and table styles under every document (see docs/documents.md). Passed as
# a user stylesheet: a template's own <style> overrides it rule by rule.
STYLESHEET_URL = asset_url("document.css")

# One thread renders every document of the process, one after another: rendering keeps the
# event loop free, and Pango and fontconfig, which WeasyPrint drives, are not safe to run
# from several threads at once. A template cannot hold the thread for long (see
# core.documents.sandbox); a large PDF takes a second or so.
_render_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tessera-documents")


async def in_render_thread(function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` on the document render thread and wait for it."""
    return await asyncio.get_running_loop().run_in_executor(_render_thread, function, *args)


def render_pdf(html: str) -> bytes:
    """The PDF of `html`, laid out with core's document stylesheet and fonts.

    Nothing is fetched but data: URIs and bundled assets, and there is no base URL for a
    relative one to resolve against. Blocking: async code goes through `in_render_thread`.
    Raises DocumentError when WeasyPrint cannot lay the document out.
    """
    # WeasyPrint (with fontTools, Pillow, cffi) is imported on the first document, not at
    # start-up, where it was nearly half of every worker's import time.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.documents.fetcher import BundledOnlyFetcher

    fetcher = BundledOnlyFetcher()
    # A fresh font configuration per document: @font-face rules of one tenant's template
    # must not reach another tenant's documents.
    fonts = FontConfiguration()
    try:
        stylesheet = CSS(url=STYLESHEET_URL, url_fetcher=fetcher, font_config=fonts)
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    except Exception as exc:
        log.exception("WeasyPrint could not lay out a document")
        raise DocumentError(f"the document could not be laid out as a PDF: {exc}") from exc
