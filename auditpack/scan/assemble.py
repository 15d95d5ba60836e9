"""Pages into respondents: each person's (or group's) pages, in any order, become one response.

Printed copies of a form are identical, so which pages belong together is known only from the order
they were scanned in: a response is a run of pages of one form with no page number twice. A page
number seen again starts the next person's copy, unless the page is the same sheet scanned twice
(same pen strokes), which is read once. A response that lacks pages is a doubt for a person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..i18n import ntell, tell
from ..scan_code import words
from .decide import Decision
from .layouts import Layout
from .pages import PageFailed, PageRead, same_sheet


@dataclass(frozen=True)
class Doubt:
    id: str
    """Stable across runs of the same scan: the response's id and what is doubted."""
    reason: str
    where: str
    """File and page, as messages name them."""
    candidates: tuple[str, ...]
    field: str | None = None
    """The question doubted; None for a doubt about the whole response (a missing page)."""


@dataclass
class Response:
    layout: Layout
    pages: dict[int, PageRead] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The same scanned pages give the same id, so collate counts a response scanned twice once."""
        digest = hashlib.sha256(self.layout.form.encode())
        for number in sorted(self.pages):
            ref = self.pages[number].ref
            digest.update(f"\0{number}\0{ref.digest}\0{ref.index}".encode())
        return "scan-" + digest.hexdigest()[:16]

    @property
    def first(self) -> PageRead:
        return self.pages[min(self.pages)]

    def missing(self) -> list[int]:
        return [n for n in range(1, len(self.layout.pages) + 1) if n not in self.pages]

    def decisions(self) -> list[tuple[PageRead, Decision]]:
        return [(read, d) for n in sorted(self.pages) for read in [self.pages[n]] for d in read.decisions]

    def doubts(self) -> list[Doubt]:
        found = []
        missing = self.missing()
        if missing:
            found.append(Doubt(f"{self.id}/pages", ntell(
                "page(s) %(listed)s of this %(count)d-page form were not in the scan (left out, or stuck to another "
                "sheet?)", "page(s) %(listed)s of this %(count)d-page form were not in the scan (left out, or stuck "
                "to another sheet?)", len(missing)) % {"listed": ", ".join(str(n) for n in missing),
                                                       "count": len(self.layout.pages)},
                self.first.ref.where, ("count", "leave out")))
        for read, decision in self.decisions():
            if decision.doubt:
                found.append(Doubt(f"{self.id}/{decision.field}", decision.doubt, read.ref.where,
                                   decision.candidates, decision.field))
        return found


@dataclass
class Assembled:
    responses: list[Response] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(file and page, reason) of every page not read."""
    blank: list[str] = field(default_factory=list)
    """Blank pages (the backs of single-sided forms): reported, not an error."""


def assemble(reads: list[PageRead | PageFailed], layouts: dict[str, Layout]) -> Assembled:
    out = Assembled()
    current: Response | None = None
    for read in reads:
        if isinstance(read, PageFailed):
            if read.blank:
                out.blank.append(read.ref.where)
            else:
                out.refused.append((read.ref.where, read.reason))
            continue
        layout_form = read.code.form
        if current is not None and current.layout.form == layout_form:
            earlier = current.pages.get(read.code.page)
            if earlier is None:
                current.pages[read.code.page] = read
                continue
            if same_sheet(earlier, read):
                why = tell("it is the same sheet as %(page)s scanned again (page %(number)d of form %(form)s); it is "
                           "read once") % {"page": earlier.ref.where, "number": read.code.page,
                                           "form": words(layout_form)}
                out.refused.append((read.ref.where, why))
                continue
        current = Response(layouts[layout_form])
        current.pages[read.code.page] = read
        out.responses.append(current)
    return out
