"""One font program per face in a bound pack, instead of one subset per document.

Each document of a pack is rendered on its own, so each embeds its own subset of the same font:
35 copies of Atkinson Hyperlegible made a third of the largest pack. WeasyPrint subsets keeping
the font's glyph ids (a CID is the original glyph id), so subsets of one font differ only in which
glyphs they hold: their union is one program that serves every document's font dictionary. Each
dictionary keeps its own widths and ToUnicode map, so text, layout and extraction do not change.

Only TrueType programs (/FontFile2) are merged, and only where every glyph two subsets both draw is
the same in both; anything else is left as it was.
"""

from __future__ import annotations

import io

import pikepdf
from fontTools.ttLib import TTFont
from pikepdf import Dictionary, Name

SHAPING_TABLES = ("GDEF", "GSUB", "GPOS", "kern", "hdmx", "LTSH", "VDMX")
"""Per-glyph tables a PDF viewer never reads (text in a PDF is already shaped): left out of a union."""


def share_font_programs(pdf: pikepdf.Pdf) -> None:
    """Point every font descriptor of one subset font at one program holding all their glyphs."""
    groups: dict[str, list[pikepdf.Object]] = {}
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.FontDescriptor and "/FontFile2" in obj:
            groups.setdefault(str(obj.FontName), []).append(obj)
    for descriptors in groups.values():
        programs = list(dict.fromkeys(bytes(d.FontFile2.read_bytes()) for d in descriptors))
        merged = programs[0] if len(programs) == 1 else union(programs)
        if merged is None or len(descriptors) < 2:
            continue
        stream = pdf.make_indirect(pikepdf.Stream(pdf, merged, Length1=len(merged)))
        for descriptor in descriptors:
            descriptor.FontFile2 = stream


def union(programs: list[bytes]) -> bytes | None:
    """One TrueType program with every glyph any of ``programs`` draws, at the same glyph ids;
    None if they are not subsets of one font."""
    fonts = [_open(data) for data in programs]
    base = max(fonts, key=lambda f: f["maxp"].numGlyphs)
    if len({f["head"].unitsPerEm for f in fonts}) != 1:
        return None
    glyf, hmtx = base["glyf"], base["hmtx"]
    for font in fonts:
        if font is base:
            continue
        if not _add_glyphs(font, glyf, hmtx) or not _add_cmap(font, base):
            return None
    for tag in SHAPING_TABLES:
        if tag in base:
            del base[tag]
    output = io.BytesIO()
    base.save(output, reorderTables=True)
    return output.getvalue()


def _open(data: bytes) -> TTFont:
    """The program with glyphs named by id, so the same glyph has the same name in every subset."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.setGlyphOrder([f"glyph{i:05d}" for i in range(font["maxp"].numGlyphs)])
    return font


def _add_glyphs(font: TTFont, glyf, hmtx) -> bool:
    theirs = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = theirs[name]
        mine = glyf[name]
        if glyph.numberOfContours == 0:
            if hmtx[name][0] == 0:
                hmtx[name] = font["hmtx"][name]
            continue
        if mine.numberOfContours != 0:
            if mine.compile(glyf, recalcBBoxes=False) != glyph.compile(theirs, recalcBBoxes=False):
                return False
            continue
        glyf[name] = glyph
        hmtx[name] = font["hmtx"][name]
    return True


def _add_cmap(font: TTFont, base: TTFont) -> bool:
    mine = {(t.platformID, t.platEncID, t.format): t for t in base["cmap"].tables}
    for table in font["cmap"].tables:
        target = mine.get((table.platformID, table.platEncID, table.format))
        if target is None:
            continue
        for code, name in table.cmap.items():
            if target.cmap.setdefault(code, name) != name:
                return False
    return True
