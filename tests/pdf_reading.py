"""Helpers for reading PDFs as a person would: text per page, fonts, metadata, pixels."""

from __future__ import annotations

import logging
from pathlib import Path

import pypdf
import pypdfium2


def open_pdf(path: Path) -> pypdf.PdfReader:
    """Open strictly, failing on any warning pypdf would otherwise only log."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("pypdf").addHandler(handler)
    try:
        reader = pypdf.PdfReader(path, strict=True)
        _ = [page.extract_text() for page in reader.pages]
    finally:
        logging.getLogger("pypdf").removeHandler(handler)
    assert not records, f"{path}: pypdf warned: {[r.getMessage() for r in records]}"
    return reader


def page_texts(path: Path) -> list[str]:
    """Text of each page through PDFium, an engine independent of pypdf."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    finally:
        document.close()


def all_text(path: Path) -> str:
    return " ".join(page_texts(path))


def fonts(reader: pypdf.PdfReader) -> set[tuple[str, bool]]:
    """(base font name, embedded?) for every font used on any page."""
    found = set()
    for page in reader.pages:
        for reference in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add((str(font["/BaseFont"]), embedded))
    return found


def text_runs(path: Path, page_index: int) -> list[tuple[str, float]]:
    """(text, size in points) of every text object on a page, as printed."""
    import ctypes

    from pypdfium2 import raw

    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[page_index]
        textpage = page.get_textpage()
        runs = []
        for obj in page.get_objects():
            if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                continue
            size = ctypes.c_float()
            raw.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
            a, b, c, d, _, _ = obj.get_matrix().get()
            length = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(length * 2)
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                    length)
            text = buffer.raw.decode("utf-16-le", errors="ignore").rstrip("\x00")
            runs.append((text, size.value * abs(a * d - b * c) ** 0.5))
        return runs
    finally:
        document.close()


MM = 72 / 25.4


def drawn_shapes(path: Path, page_index: int) -> list[tuple[float, float, float, float]]:
    """Bounds (left, bottom, width, height) in millimetres of every drawn path on a page, and of every
    drawing in a Form XObject (an SVG image: a scannable form's corner marks and QR code) as a whole:
    pdfium gives the paths inside a form in the form's own coordinates, not the page's."""
    from pypdfium2 import raw

    document = pypdfium2.PdfDocument(str(path))
    try:
        shapes = []
        for obj in document[page_index].get_objects(max_depth=1):
            if obj.type in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                left, bottom, right, top = obj.get_bounds()
                shapes.append((left / MM, bottom / MM, (right - left) / MM, (top - bottom) / MM))
        return shapes
    finally:
        document.close()


def render(path: Path, page_index: int, scale: float = 0.5, grayscale: bool = False):
    """A page as a PIL image, as a printer or a screen would show it."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[page_index].render(scale=scale, grayscale=grayscale).to_pil()
        return image.convert("L" if grayscale else "RGB")
    finally:
        document.close()


def text_right_edges(path: Path) -> list[tuple[float, float]]:
    """(right edge of the rightmost printed character, page width), in points, for each page."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        edges = []
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            rights = [textpage.get_charbox(i)[2] for i in range(textpage.count_chars())
                      if i < len(text) and not text[i].isspace()]
            edges.append((max(rights, default=0.0), page.get_width()))
        return edges
    finally:
        document.close()


def widget_names(form: Path) -> dict[str, list[str]]:
    """Field name -> what MuPDF (and pdf.js) call each of its widgets: its own tooltip (/TU), else its field's;
    a radio group's buttons in /Opt order."""
    reader = pypdf.PdfReader(form)
    fields = [r.get_object() for r in reader.trailer["/Root"]["/AcroForm"]["/Fields"]]
    return {str(f["/T"]): [str(kid.get_object().get("/TU", f.get("/TU"))) for kid in f.get("/Kids", [f])]
            for f in fields}
