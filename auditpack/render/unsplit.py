"""Rows that must stay whole, kept whole where WeasyPrint's own page breaking splits them.

Every statement row of a form is ``break-inside: avoid`` (print.css), and WeasyPrint honours that
for rows in the middle of a table. For a table's first row it does not always: when the table
follows a heading it must stay with (``break-after: avoid``), and the heading, the table's header
and its first row do not fit on what is left of the page, WeasyPrint splits the row's text between
two pages instead of moving the heading on (WeasyPrint 70; reproduced without auditpack). Here a
laid-out document is searched for such rows, and the section holding each is started on a new page
in another layout. It costs a second layout only for a document that had a split row.
"""

from __future__ import annotations

ROW_TAGS = ("tr", "tbody")
PASSES = 3
"""Layouts at most: each moves at least one section; a section that splits even at the top of a
page is left as it is (a statement longer than a page)."""


def split_sections(document) -> list[str]:
    """The ids of the sections holding a row that ``break-inside: avoid`` and is on two pages."""
    pages_of: dict[int, set[int]] = {}
    section_of: dict[int, str] = {}
    for number, page in enumerate(document.pages):
        _walk(page._page_box, number, None, pages_of, section_of)
    return sorted({section_of[row] for row, pages in pages_of.items() if len(pages) > 1 and row in section_of})


def _walk(box, page: int, section: str | None, pages_of: dict, section_of: dict) -> None:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None)
    if tag in ("thead", "tfoot"):
        return  # repeated on every page of its table by design
    if tag == "section" and element is not None and element.get("id"):
        section = element.get("id")
    if tag in ROW_TAGS and element is not None and box.style["break_inside"] == "avoid":
        pages_of.setdefault(id(element), set()).add(page)
        if section:
            section_of[id(element)] = section
    for child in getattr(box, "children", ()):
        _walk(child, page, section, pages_of, section_of)


def page_breaks(ids: list[str]) -> str:
    """CSS starting each of ``ids`` on a new page; an id is quoted as a CSS string, so it stays one."""
    quoted = (name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") for name in ids)
    return "\n".join(f'[id="{name}"] {{ break-before: page; }}' for name in quoted)
