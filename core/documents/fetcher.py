"""The only way a document reaches a resource: `data:` URIs and bundled assets, nothing else.

DESIGN.md: "PDF rendering never fetches from the network or the file system beyond bundled
assets." Templates are written by tenant admins and filled with customer data, so an
`<img src="http://169.254.169.254/...">`, a `<link href="file:///etc/passwd">` or a
`url(/etc/hostname)` would otherwise turn the server into a proxy for them.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.documents.assets import read_asset

log = logging.getLogger("tessera.documents")


class RefusedFetch(ValueError):
    """A document asked for a resource outside data: URIs and bundled assets."""


class BundledOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for documents.

    Serves `data:` URIs and core's bundled assets (`tessera-asset:...`, see
    core.documents.assets) and refuses every other URL: http, https, ftp, file, and relative
    paths resolved against a `<base href>`. WeasyPrint reports a refusal as a warning and
    skips the image, stylesheet or font, so a refused resource never fails a render.
    """

    def __init__(self) -> None:
        # `fetch` below never hands a URL to URLFetcher's own opener; should anything reach
        # it, an empty protocol list makes it refuse too.
        super().__init__(allowed_protocols=(), fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return _decode_data_uri(url)
        asset = read_asset(url)
        if asset is None:
            log.info("document fetch refused: %.200s", url)
            raise RefusedFetch(f"documents may use only data: URIs and bundled assets: {url:.200}")
        content, media_type = asset
        return URLFetcherResponse(url, content, {"Content-Type": media_type})


def _decode_data_uri(url: str) -> URLFetcherResponse:
    # urllib's data: handler only parses the URI (RFC 2397); it opens nothing.
    with DataHandler().data_open(Request(url)) as response:
        content = response.read()
        media_type = response.headers.get("Content-Type", "text/plain")
    return URLFetcherResponse(url, content, {"Content-Type": media_type})
