"""The letterhead logo: a data: URI, checked when it is set so that every render can trust it.

Only PNG, JPEG and SVG, at most 300 KB. Bitmaps must decode, at a sane size; an SVG must be
plain XML (no DOCTYPE, so no entities) without scripts or references to anything outside
itself. The fetcher would refuse such references anyway (core.documents.fetcher); refusing
them here tells the admin now, rather than leaving a logo with silent holes.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from xml.etree import ElementTree

from PIL import Image

MAX_LOGO_BYTES = 300 * 1024
MAX_LOGO_SIDE = 4096  # pixels: more is no logo, and could be a decompression bomb
_DATA_URI = re.compile(r"^data:(image/png|image/jpeg|image/svg\+xml);base64,([A-Za-z0-9+/=\s]+)$")
_BITMAP_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
_SVG = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG_ELEMENTS = {"script", "foreignObject"}
# A reference may point inside the SVG (#id) or be an embedded data: URI, nothing else.
_OUTSIDE_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#|data:)|@import", re.IGNORECASE)


class LogoError(ValueError):
    """The logo is refused; the message says why, for the admin who sent it."""


def checked_logo(data_uri: str) -> str:
    """`data_uri` as it is stored (normalised base64), or LogoError."""
    if len(data_uri) > MAX_LOGO_BYTES * 4 // 3 + 100:
        raise LogoError(f"The logo must be at most {MAX_LOGO_BYTES // 1024} KB.")
    match = _DATA_URI.match(data_uri.strip())
    if match is None:
        raise LogoError(
            "Send the logo as a base64 data: URI of a PNG, JPEG or SVG image "
            "(data:image/png;base64,...)."
        )
    media_type, payload = match.groups()
    try:
        content = base64.b64decode(re.sub(r"\s", "", payload), validate=True)
    except binascii.Error as exc:
        raise LogoError("The logo's base64 data is damaged.") from exc
    if len(content) > MAX_LOGO_BYTES:
        raise LogoError(f"The logo must be at most {MAX_LOGO_BYTES // 1024} KB.")
    if media_type == "image/svg+xml":
        _check_svg(content)
    else:
        _check_bitmap(content, _BITMAP_FORMATS[media_type])
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def _check_bitmap(content: bytes, expected: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            found, (width, height) = image.format, image.size
            image.verify()
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise LogoError(f"The logo is not a readable {expected} image.") from exc
    if found != expected:
        raise LogoError(f"The logo is a {found} image, not the {expected} its data URI says.")
    if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
        raise LogoError(f"The logo must be at most {MAX_LOGO_SIDE} pixels wide and high.")


def _check_svg(content: bytes) -> None:
    text = content.decode("utf-8", errors="replace")
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise LogoError("An SVG logo may not declare a DOCTYPE or entities.")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise LogoError(f"The SVG logo is not well-formed XML: {exc}.") from exc
    if root.tag not in (f"{_SVG}svg", "svg"):
        raise LogoError("The SVG logo's root element must be <svg>.")
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in _FORBIDDEN_SVG_ELEMENTS:
            raise LogoError("An SVG logo may not contain scripts or embedded HTML.")
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1]
            if name == "href" and not value.strip().startswith(("#", "data:")):
                raise LogoError("An SVG logo may not refer to other files or web addresses.")
            if name.startswith("on"):
                raise LogoError("An SVG logo may not contain scripts or embedded HTML.")
        if _OUTSIDE_REFERENCE.search(element.text or "") or any(
            _OUTSIDE_REFERENCE.search(v) for v in element.attrib.values()
        ):
            raise LogoError("An SVG logo may not refer to other files or web addresses.")
