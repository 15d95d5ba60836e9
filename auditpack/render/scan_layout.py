"""Where each answer box and writing area of a scannable form is printed, read from the form's PDF.

The print templates give each box and writing area of a scannable form two ids, ``scan:NAME`` on the
element and ``scan-end:NAME`` on a mark at its bottom-right corner (print.css), and WeasyPrint
writes both as named destinations (see :mod:`.destinations`). So the layout is the PDF's own, as
printed: nothing is measured by hand and it cannot drift from the drawing. It is written beside the
PDF as ``NAME.layout.json``, made again from the PDF on every build (a cached PDF gives the same
layout), and ``auditpack scan`` reads it with the form id its pages' QR codes hold.

Positions are in PDF points from the top-left corner of the page, x to the right and y down, the
way a scanned image is addressed; each page gives its own width and height.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pikepdf

from ..kinds import PDF
from .destinations import named_destinations

START, END = "scan:", "scan-end:"
FORMAT = "auditpack-scan-layout/1"
EXTENSION = ".layout.json"


@dataclass(frozen=True)
class FormIdentity:
    """What a form id stands for: the names a scan's messages use."""

    form: str
    programme: str
    version: str
    kind: str
    variant: str
    paper: str
    questionnaire: str | None = None
    audience: str | None = None


def layout_path(pdf_path: str) -> str:
    return pdf_path.removesuffix(PDF.extension) + EXTENSION


def layout_json(pdf: bytes, identity: FormIdentity) -> bytes:
    """The layout of a rendered scannable form, as the bytes of its ``.layout.json`` (same PDF, same bytes)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        marks = named_destinations(document)
        pages: list[dict[str, Any]] = [
            {"page": index + 1, "width": _round(float(sheet.mediabox[2]) - float(sheet.mediabox[0])),
             "height": _round(float(sheet.mediabox[3]) - float(sheet.mediabox[1])), "boxes": [], "writing": []}
            for index, sheet in enumerate(document.pages)]
    for name, (page, left, top) in sorted(marks.items()):
        if not name.startswith(START) or END + name[len(START):] not in marks:
            continue
        end_page, right, bottom = marks[END + name[len(START):]]
        if end_page != page:
            raise ValueError(f"a scannable area is split between pages {page + 1} and {end_page + 1}: {name}")
        height = pages[page]["height"]
        area = {"x": _round(left), "y": _round(height - top), "width": _round(right - left),
                "height": _round(top - bottom)}
        field = name[len(START):]
        if "=" in field:  # a box: field=value
            field, value = field.rsplit("=", 1)
            pages[page]["boxes"].append({"field": field, "value": value, **area})
        else:
            pages[page]["writing"].append({"field": field, **area})
    for sheet in pages:
        sheet["boxes"].sort(key=lambda b: (b["y"], b["x"]))
        sheet["writing"].sort(key=lambda w: (w["y"], w["x"]))
    record = {"format": FORMAT, **{k: v for k, v in vars(identity).items() if v is not None}, "pages": pages}
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _round(value: float) -> float:
    return round(value, 2)
