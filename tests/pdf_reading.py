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
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add((str(font["/BaseFont"]), embedded))
    return found
