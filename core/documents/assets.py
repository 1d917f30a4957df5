"""The files documents may use (the stylesheet, the fonts), addressed as `tessera-asset:<path>`.

They are the only files rendering reads from the disk: the fetcher (core.documents.fetcher)
serves a `tessera-asset:` URL only when it resolves to a file of a known kind inside the
assets folder, whatever `..`, absolute paths or symbolic links the URL tries.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from fontTools.ttLib import woff2

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
SCHEME = "tessera-asset"
_MEDIA_TYPES = {
    ".css": "text/css",
    ".woff2": "font/ttf",  # served decoded, see _content
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def asset_url(path: str) -> str:
    """The URL of a bundled asset, e.g. `asset_url("document.css")`."""
    return f"{SCHEME}:{path}"


def read_asset(url: str) -> tuple[bytes, str] | None:
    """(content, media type) of the bundled asset `url` names; None for anything else: another
    scheme, a path leaving the assets folder, a missing file, a file of an unknown kind."""
    scheme, _, path = url.partition(":")
    if scheme.lower() != SCHEME or not path:
        return None
    file = (ASSETS_DIR / path).resolve()
    if not file.is_relative_to(ASSETS_DIR) or not file.is_file():
        return None
    media_type = _MEDIA_TYPES.get(file.suffix)
    if media_type is None:
        return None
    return _content(file), media_type


@functools.cache  # keyed by resolved paths of real assets: a handful of entries at most
def _content(file: Path) -> bytes:
    data = file.read_bytes()
    if file.suffix == ".woff2":
        # WeasyPrint would decode the WOFF2 again for every document (a few hundred ms for
        # the CJK fonts); decoding once per process hands it the font it wants directly.
        decoded = io.BytesIO()
        woff2.decompress(io.BytesIO(data), decoded)
        return decoded.getvalue()
    return data
