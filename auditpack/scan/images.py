"""Pages from the files a scanner or phone makes: multi-page PDFs and TIFFs, JPEG, PNG and HEIC photos.

Pages are loaded one at a time, as greyscale arrays, so a 200-page scan never sits in memory whole.
A PDF page is rendered by PDFium at :data:`PDF_DPI` whatever the scanner's resolution (forms are
read at 150 dpi after straightening, so more would only cost time). A photo is turned as its EXIF
orientation says and reduced to at most :data:`MAX_SIDE` pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import tell

PDF_DPI = 200
MAX_SIDE = 4000
"""A 12-megapixel photo of a page is about 4000 pixels tall: 340 dpi on A4, far more than a box needs."""
MAX_PIXELS = 120_000_000
"""Pillow refuses bigger images (a 'decompression bomb' can unpack a few KB into gigabytes)."""
SUFFIXES = {".pdf": "pdf", ".tif": "image", ".tiff": "image", ".png": "image", ".jpg": "image",
            ".jpeg": "image", ".heic": "image", ".heif": "image"}


class Unreadable(Exception):
    """A file or page that cannot be loaded; the message says why, for the person scanning."""


@dataclass(frozen=True)
class PageRef:
    """One page of one input file: what a worker loads and reads on its own."""

    path: str
    shown: str
    """The file as messages name it."""
    index: int
    """0-based page within the file."""
    kind: str
    digest: str = ""
    """The file's SHA-256: a response's id comes from the files its pages are in, not their names."""

    @property
    def where(self) -> str:
        return tell("%(file)s, page %(page)d") % {"file": self.shown, "page": self.index + 1}


def count_pages(path: Path, kind: str) -> int:
    """How many pages a file holds, without loading them; raises :class:`Unreadable`."""
    if kind == "pdf":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            raise Unreadable(tell("it is not a PDF that can be read (%(error)s)") % {"error": exc}) from None
        try:
            return len(document)
        finally:
            document.close()
    with _opened(path) as image:
        return getattr(image, "n_frames", 1)


def load_page(ref: PageRef) -> np.ndarray:
    """The page as a greyscale array (0 black, 255 white); raises :class:`Unreadable`."""
    if ref.kind == "pdf":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(ref.path)
            try:
                page = document[ref.index]
                width, height = page.get_size()  # a page of any size is drawn no larger than a photo
                scale = min(PDF_DPI / 72, MAX_SIDE / max(width, height, 1))
                bitmap = page.render(scale=scale, grayscale=True)
                return np.array(bitmap.to_pil().convert("L"))
            finally:
                document.close()
        except pypdfium2.PdfiumError as exc:
            raise Unreadable(tell("the page could not be read (%(error)s)") % {"error": exc}) from None
    from PIL import Image, ImageOps

    with _opened(ref.path) as image:
        try:
            image.seek(ref.index)
            page = ImageOps.exif_transpose(image.convert("RGB") if image.mode in ("P", "PA") else image)
            page = page.convert("L")
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise Unreadable(tell("the image could not be read (%(error)s)") % {"error": exc}) from None
    if max(page.size) > MAX_SIDE:
        page.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return np.array(page)


class _opened:
    """An image file opened with Pillow (HEIC too, where pillow-heif is installed), as a context."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.image: Any = None

    def __enter__(self):
        from PIL import Image, UnidentifiedImageError

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        if self.path.suffix.lower() in (".heic", ".heif"):
            try:
                import pillow_heif
            except ImportError:
                raise Unreadable(tell("it is a HEIC photo, which needs pillow-heif (pip install pillow-heif), "
                                      "or set the phone to save JPEG")) from None
            pillow_heif.register_heif_opener()
        try:
            self.image = Image.open(self.path)  # lazily: a page of a long TIFF reads only what it needs
            self.image.size  # noqa: B018 - reads the header now, so a broken file fails here
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
            raise Unreadable(tell("it is not an image that can be read (%(error)s)") % {
                "error": type(exc).__name__}) from None
        return self.image

    def __exit__(self, *exc_info):
        if self.image is not None:
            self.image.close()
