"""Reading a tagged PDF as a screen reader does: text by marked content, and in structure-tree order.

The text is decoded by pypdf (an engine the renderer does not use to write); the structure tree is
walked with pikepdf.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf


@dataclass
class Marked:
    """One marked-content sequence of a page: its tag, its MCID (None for an artifact), its
    /Type (artifacts), and the text drawn in it."""

    tag: str
    mcid: int | None
    kind: str | None
    text: str = ""


def marked_content(path: Path, page: int) -> list[Marked]:
    """The outermost marked-content sequences of page ``page``, in content-stream order, with their text."""
    sequences: list[Marked] = []
    depth = 0

    def before(operator, arguments, cm, tm):
        nonlocal depth
        if operator in (b"BDC", b"BMC"):
            if depth == 0:
                properties = arguments[1] if operator == b"BDC" and len(arguments) > 1 else {}
                properties = properties if isinstance(properties, dict) else {}
                mcid = properties.get("/MCID")
                kind = properties.get("/Type")
                sequences.append(Marked(str(arguments[0]), None if mcid is None else int(mcid),
                                        None if kind is None else str(kind)))
            depth += 1
        elif operator == b"EMC":
            depth -= 1

    def text(value, cm, tm, font, size):
        if depth and sequences:
            sequences[-1].text += value

    pypdf.PdfReader(path).pages[page].extract_text(visitor_operand_before=before, visitor_text=text)
    return sequences


def reading_order(path: Path, page: int) -> list[int]:
    """The MCIDs of page ``page`` in the order the structure tree gives them (depth first)."""
    with pikepdf.open(path) as pdf:
        target = pdf.pages[page].obj.objgen
        order: list[int] = []

        def walk(node, page_of):
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            pg = node.get("/Pg")
            page_of = pg.objgen if pg is not None else page_of
            for kid in kids:
                if isinstance(kid, int):
                    if page_of == target:
                        order.append(kid)
                elif isinstance(kid, pikepdf.Dictionary):
                    if kid.get("/Type") == pikepdf.Name.MCR:
                        if (kid.Pg.objgen if "/Pg" in kid else page_of) == target:
                            order.append(int(kid.MCID))
                    elif kid.get("/Type") != pikepdf.Name.OBJR:
                        walk(kid, page_of)

        walk(pdf.Root.StructTreeRoot, None)
        return order


def read_aloud(path: Path, page: int) -> str:
    """The text of page ``page`` that a screen reader announces, in reading order (artifacts skipped)."""
    text = {m.mcid: m.text for m in marked_content(path, page) if m.mcid is not None}
    return " ".join(" ".join(text.get(mcid, "") for mcid in reading_order(path, page)).split())
