"""The code a scannable page carries, so that a scan of it can say which form and page it is.

Each page of a form that collects answers prints a QR code and, for people, the same code in
words. The QR holds only a form id and a page number, in QR's alphanumeric mode: 17 characters
fit the smallest symbol (21 modules), which at 0.5 mm a module still reads from a 150 dpi scan
or a phone photo, and fits the page's top margin beside the running head. The form id is a hash
of everything that places the form's boxes (its HTML, the paper and the stylesheets), so two
prints with one id have their boxes in the same places; what it names (programme, questionnaire,
audience, version, kind, variant, paper) is written beside the PDFs with the boxes' positions.
A page from another programme, version or paper has an id that no layout of the project has.

Pure and at the bottom of the layers: the print templates write this code and the scanner reads
it, so the format is defined once, here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

PREFIX = "AP1"
"""auditpack's page code, format 1: a reader refuses a QR code that does not start so."""
FORM_ID_LENGTH = 8
"""Hexadecimal digits of a form id (32 bits: a clash between two forms of one project is about one in
four thousand million)."""
PLACEHOLDER = "FORMIDXX"
"""Stands in the HTML for a form's id while the HTML the id is computed from is made."""
MAX_PAGES = 99
"""Pages of one form that get a code (the page number has two digits); a longer form's later pages would
have none. No form comes near it: the longest bundled one has 15 pages."""
MARK_MM = 5.0
"""Side of the solid square printed in each corner of a scannable page (print.css ``--mark``)."""
MARK_INSET_MM = 6.0
"""Distance of each corner mark from the paper's edges (print.css ``--mark-inset``): inside the area
every printer prints, outside the page's content."""
QR_MM = 12.0
"""Side of the printed QR code with its quiet zone (print.css ``--qr``)."""
QUIET_ZONE = 2
"""Light modules around the code: QR asks for 4, readers manage with 2, and the page around it is white
anyway; the room is spent on larger modules."""
QR_MODULES = 21
"""A code of :data:`FORM_ID_LENGTH` + 9 alphanumeric characters fits QR version 1 (21 by 21 modules)."""
QR_SYMBOL_MM = QR_MM * QR_MODULES / (QR_MODULES + 2 * QUIET_ZONE)
"""Side of the code's dark-bounded square, as a reader measures it: how a scan's scale is known."""
POINTS_PER_MM = 72 / 25.4
_PAYLOAD = re.compile(rf"^{PREFIX}:([0-9A-F]{{{FORM_ID_LENGTH}}}):([1-9][0-9]?)$")


@dataclass(frozen=True)
class PageCode:
    form: str
    """The form's id: :data:`FORM_ID_LENGTH` upper-case hexadecimal digits."""
    page: int
    """1-based, within the form (not within a pack it is bound into)."""

    @property
    def payload(self) -> str:
        """What the QR code holds, e.g. ``AP1:3F9A2C1B:3``."""
        return f"{PREFIX}:{self.form}:{self.page}"

    @classmethod
    def parse(cls, text: str) -> PageCode | None:
        """The code a QR code holds, or None when it is not one of auditpack's."""
        found = _PAYLOAD.match(text.strip())
        return cls(found.group(1), int(found.group(2))) if found else None


def mark_centres(width: float, height: float) -> tuple[tuple[float, float], ...]:
    """Where the centres of a page's four corner marks are printed, in points from the top-left corner
    (x right, y down), clockwise from the top-left: a scan is put straight by mapping its marks here."""
    near = (MARK_INSET_MM + MARK_MM / 2) * POINTS_PER_MM
    return ((near, near), (width - near, near), (width - near, height - near), (near, height - near))


def form_id(*parts: str) -> str:
    """The id of the form whose boxes are placed by ``parts`` (its HTML, paper, stylesheets...)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:FORM_ID_LENGTH].upper()


def words(form: str) -> str:
    """The form id as people read it aloud or type it: two groups of four, e.g. ``3F9A 2C1B``."""
    half = FORM_ID_LENGTH // 2
    return f"{form[:half]} {form[half:]}"
