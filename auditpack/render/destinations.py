"""Where elements with an id landed on the page, read back from a finished PDF.

WeasyPrint writes every id of the HTML as a named destination (``/Root /Names /Dests``): the page and
the top-left corner of the element's box. Marking the start and the end of something with two ids
therefore gives its place in the PDF as printed, without anything typed by hand: the school's name
line (:mod:`.stamp`) and a scannable form's boxes (:mod:`.scan_layout`) are found this way.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float, float]]:
    """Every named destination of the /XYZ kind: its page index, left and top (PDF points, from the
    bottom-left corner of the page)."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found = {}
    for key, named in pikepdf.NameTree(names.Dests).items():
        destination = named.D if isinstance(named, Dictionary) else named
        page, kind = destination[0], destination[1]
        if kind == Name.XYZ and page.objgen in pages:
            found[key] = (pages[page.objgen], float(destination[2]), float(destination[3]))
    return found
