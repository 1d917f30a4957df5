"""Rebuild the bundled document fonts (core/documents/assets/fonts/) from Noto Sans CJK SC.

Not run by install or CI: the output is committed, so a fresh clone renders Chinese without
installing anything. Run it only to change the character coverage or upgrade the source:

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    .venv/bin/python scripts/build_cjk_font.py /tmp/noto/usr/share/fonts/opentype/noto

What it writes, and why (see also docs/documents.md, "The font"):
- "Tessera Sans" Regular and Bold: Latin, punctuation, symbols and the 6,763 ideographs of
  GB2312 (everyday simplified Chinese). Both weights cover exactly the same characters:
  WeasyPrint keys embedded fonts by their Pango description, so a bold face falling back to
  the regular face of its own family (which fontconfig then reports as synthetic bold) would
  share the bold face's PDF font and draw wrong glyphs.
- "Tessera Sans Extended" Regular: the other 14,000 ideographs of GBK (all of the basic CJK
  block, traditional forms included), so no customer name, however rare its characters, is
  drawn as a box. A separate family falls back without that clash; in bold text those rare
  characters are drawn in the regular weight.
Outlines are converted from CFF to TrueType: WeasyPrint subsets TrueType fonts several times
faster (and into smaller PDFs) when HarfBuzz's subsetter is not installed, at the same size.

Noto Sans CJK is under the SIL Open Font License 1.1. A subset is a Modified Version, so the
output is renamed (OFL condition 3) and keeps the copyright and licence fields; OFL.txt beside
the fonts is the licence text they travel with.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.woff2 import WOFF2FlavorData

OUT = Path(__file__).resolve().parent.parent / "core/documents/assets/fonts"
SIMPLIFIED_CHINESE = 2  # face index of Noto Sans CJK SC inside the .ttc collections

# Latin with accents, general punctuation, currency (¥ €), letterlike symbols (№ ℃ ™),
# CJK punctuation and full-width forms.
BASE_RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x21FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]
# Only what horizontal text needs: "locl" alone would drag in the Japanese, Korean and
# traditional variants of every ideograph and double the size.
LAYOUT_FEATURES = ["kern", "liga", "ccmp", "calt", "rlig", "mark", "mkmk"]
# Largest distance, in font units (1000 per em), between a CFF curve and its TrueType copy.
MAX_CURVE_ERROR = 1.0


def encodable(codec: str) -> set[int]:
    """Every character of a double-byte Chinese character set, found through its codec."""
    found: set[int] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                found.add(ord(text))
    return found


def is_ideograph(codepoint: int) -> bool:
    return 0x3400 <= codepoint <= 0x4DBF or 0x4E00 <= codepoint <= 0x9FFF


def subset_font(font: TTFont, characters: set[int]) -> None:
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic TrueType ones."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:  # vertical origins exist for CFF fonts only
        del font["VORG"]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing reads them, and they cost space
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, family: str, style: str) -> str:
    """Give the Modified Version its own name; returns the file stem."""
    names = font["name"]
    stem = f"{family.replace(' ', '')}-{style}"
    source = names.getDebugName(4)
    version = names.getDebugName(5) or ""
    for name_id in (1, 2, 3, 4, 6, 16, 17, 21, 22):
        names.removeNames(nameID=name_id)
    for name_id, value in (
        (1, family),
        (2, style),
        (3, f"{stem};{version}"),
        (4, f"{family} {style}"),
        (6, stem),
        (10, f"Subset of {source} for Tessera documents; see OFL.txt."),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    return stem


def build(collection: Path, family: str, style: str, characters: set[int]) -> Path:
    font = TTCollection(str(collection)).fonts[SIMPLIFIED_CHINESE]
    subset_font(font, characters)
    to_truetype(font)
    stem = rename(font, family, style)
    font.flavor = "woff2"
    # WOFF2's glyf transform saves nothing here but makes decoding pure-Python slow (seconds
    # per font); without it, decoding is a Brotli inflate.
    font.flavorData = WOFF2FlavorData(transformedTables=())
    target = OUT / f"{stem}.woff2"
    font.save(str(target))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("noto_dir", type=Path, help="folder holding NotoSansCJK-*.ttc")
    args = parser.parse_args()
    base = {cp for start, end in BASE_RANGES for cp in range(start, end + 1)}
    everyday = base | encodable("gb2312")
    # The extended face carries the base characters too: Pango keeps the font of a rare
    # ideograph for the space or comma after it, which would otherwise be a box.
    rare = base | {cp for cp in encodable("gbk") - everyday if is_ideograph(cp)}
    for family, style, characters in (
        ("Tessera Sans", "Regular", everyday),
        ("Tessera Sans", "Bold", everyday),
        ("Tessera Sans Extended", "Regular", rare),
    ):
        target = build(args.noto_dir / f"NotoSansCJK-{style}.ttc", family, style, characters)
        print(f"{target.name}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
