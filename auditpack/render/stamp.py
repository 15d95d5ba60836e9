"""Write a school's name onto finished PDFs, so one rendering of each document serves every school.

Documents and packs are rendered without a school name; the templates mark each place a name
belongs with an empty element whose id starts ``school-name`` and which sits on the baseline
of its line. WeasyPrint turns those ids into named destinations (``/Root /Names /Dests``), and
binding keeps them in packs as ``p{N}/school-name-...``. Here the names of a whole batch are
laid out once, on a small untagged "stamp sheet" (one page per name, in the forms' font, size
and ink); each page becomes a Form XObject drawn at every such destination, marked as an
artifact so that a tagged PDF stays valid PDF/UA. Rendering a name is one WeasyPrint page per
school instead of one rendering of every document per school.

The work that does not depend on the name is done once per document (:meth:`StampSheet.prepare`):
finding the places, inserting the drawing into the page content and adding the sheet's fonts and
an empty Form XObject. Each school's copy (:meth:`StampSheet.stamp`) is then that prepared PDF
plus an incremental update replacing only the Form XObject with the school's name: a few hundred
bytes appended, no parsing or rewriting, so a batch costs little more than its distinct documents.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from .print_html import SCHOOL_ANCHOR

MM = 72 / 25.4
BODY_SIZE = 11.5
"""The forms' body size in points (``--body-size`` in print.css); the stamp sheet is set in it."""
LARGE_PRINT_SIZE = 16.0
"""``--body-size`` of the large-print variant: names there are drawn this much larger."""
LAYOUTS = 2
"""A name is laid out on one line and on two; the fewest that fit its line at the minimum size are
drawn. The School line has room above it for the first of two (``.field.school`` in print.css)."""
MIN_SIZE = 11.0
"""``--small-size`` in print.css: a name narrowed to fit its line is never drawn smaller; one that
does not fit at this size is written on two lines instead."""
LARGE_PRINT_MIN_SIZE = 16.0
"""``--small-size`` of the large-print variant: large-print names are never narrowed at all."""
MAX_WIDTH = 64 * MM
"""The room assumed where a line's end is not marked: about the "School" field of a portrait form."""
AIR = 1 * MM
"""Space kept between the end of a name narrowed to fit and the end of its line."""
END_ANCHOR = "school-end"
"""Marks the right-hand end of the line a name is written on: ``school-end-N`` for ``school-name-N``."""
XOBJECT = Name("/AuditpackSchoolName")


@dataclass(frozen=True)
class Stamp:
    """One school's name, laid out: a page of the stamp sheet and where the name sits on it."""

    name: str
    page: int
    left: float
    baseline: float
    """The baseline of the name's last line."""
    width: float
    """The width of its longest line."""
    lines: int = 1


@dataclass(frozen=True)
class Prepared:
    """A document ready to take any name: its bytes, with an empty Form XObject (object
    ``form``) drawn at every place, and what an incremental update needs to replace that form."""

    data: bytes
    form: int
    resources: int
    size: float
    room: float
    """The narrowest line's width: a longer name is drawn narrower, never over the next field."""
    trailer: bytes
    """The trailer entries every update repeats (/Root, /Info, /ID), already serialised."""
    xref: int
    """Offset of the cross-reference stream an update points back to (/Prev)."""
    next_number: int
    """The first free object number (the trailer's /Size): the update's own cross-reference stream."""


class StampSheet:
    """The names of a batch, laid out once; :meth:`prepare` and :meth:`stamp` write them onto PDFs."""

    def __init__(self, data: bytes, stamps: dict[str, tuple[Stamp, ...]]):
        self.data = data
        self.stamps = stamps
        """Each name laid out on 1, 2 ... LAYOUTS lines, its last line on the baseline."""
        self._contents: dict[int, bytes] = {}
        self._sheet: tuple[pikepdf.Pdf, pikepdf.Object] | None = None

    def __getstate__(self):
        """Picklable (the sheet may be laid out in another process): the opened sheet is left behind."""
        return {**self.__dict__, "_sheet": None}

    def _opened(self) -> tuple[pikepdf.Pdf, pikepdf.Object]:
        """The sheet, opened once, and its merged resources as one indirect object to copy from."""
        if self._sheet is None:
            sheet = pikepdf.open(io.BytesIO(self.data))
            self._sheet = sheet, sheet.make_indirect(_sheet_resources(sheet))
        return self._sheet

    @classmethod
    def render(cls, renderer, names: list[str]) -> StampSheet:
        """Lay out ``names`` with a :class:`~auditpack.render.pdf.PdfRenderer`'s fonts and stylesheets.

        Untagged on purpose: a tagged sheet would bring marked-content ids that mean nothing in
        the PDFs the names are drawn on.
        """
        unique = sorted(set(names))
        sheet = renderer.untagged(_sheet_html(unique))
        if sheet.pages != LAYOUTS * len(unique):
            raise RuntimeError(f"the stamp sheet has {sheet.pages} pages for {len(unique)} names")
        return cls(sheet.data, _measure(sheet.data, unique))

    def prepare(self, pdf: bytes, size: float = BODY_SIZE) -> Prepared | None:
        """``pdf`` made ready for :meth:`stamp`, names ``size`` points high; None if it has no place for a name."""
        with pikepdf.open(io.BytesIO(pdf)) as target:
            places = school_places(target)
            if not places:
                return None
            width = room(target)
            resources = target.copy_foreign(self._opened()[1])
            form = target.make_indirect(pikepdf.Stream(target, b"", Type=Name.XObject, Subtype=Name.Form,
                                                       BBox=Array([0, 0, 0, 0]), Resources=resources))
            for page_index, points in sorted(places.items()):
                _draw(target, target.pages[page_index], form, points, size / BODY_SIZE)
            output = io.BytesIO()
            target.save(output, deterministic_id=True, fix_metadata_version=False,
                        object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return _prepared(output.getvalue(), size, width)

    def stamp(self, prepared: Prepared, name: str) -> bytes:
        """The prepared PDF with ``name`` written in: an incremental update replacing the empty form."""
        stamp, fit = self.fitted(prepared, name)
        content = zlib.compress(self._content(stamp), 9)
        size = BODY_SIZE
        box = [stamp.left - size, stamp.baseline - 0.5 * size, stamp.left + stamp.width + size,
               stamp.baseline + (1.35 * stamp.lines - 0.05) * size]
        matrix = [fit, 0, 0, fit, -stamp.left * fit, -stamp.baseline * fit]
        header = (f"{prepared.form} 0 obj\n<< /Type /XObject /Subtype /Form /BBox [{_numbers(box)}] "
                  f"/Matrix [{_numbers(matrix)}] /Resources {prepared.resources} 0 R /Filter /FlateDecode "
                  f"/Length {len(content)} >>\nstream\n").encode()
        start = len(prepared.data)
        body = header + content + b"\nendstream\nendobj\n"
        return prepared.data + body + _xref_stream(prepared, start, start + len(body))

    def apply(self, pdf: bytes, name: str, size: float = BODY_SIZE) -> bytes:
        """``pdf`` with ``name`` drawn at each of its school-name places; unchanged if it has none."""
        prepared = self.prepare(pdf, size)
        return self.stamp(prepared, name) if prepared else pdf

    def fitted(self, prepared: Prepared, name: str) -> tuple[Stamp, float]:
        """The layout of ``name`` to draw in ``prepared`` and the factor narrowing it to its line: one
        line if it fits at the minimum size or more, else the fewest lines that do, never narrower
        than the minimum (a name too long even on LAYOUTS lines runs on past the line's end)."""
        scale = prepared.size / BODY_SIZE
        least = minimum_size(prepared.size) / prepared.size
        for stamp in self.stamps[name]:
            fit = min(1.0, prepared.room / (stamp.width * scale)) if stamp.width else 1.0
            if fit >= least:
                return stamp, fit
        return stamp, least

    def _content(self, stamp: Stamp) -> bytes:
        """The drawing of a layout: the content of its page of the sheet."""
        if stamp.page not in self._contents:
            page = self._opened()[0].pages[stamp.page]
            page.contents_coalesce()
            self._contents[stamp.page] = page.obj.Contents.read_bytes()
        return self._contents[stamp.page]


def minimum_size(size: float) -> float:
    """The smallest a name drawn ``size`` points high may be narrowed to (print.css's --small-size)."""
    return LARGE_PRINT_MIN_SIZE if size >= LARGE_PRINT_SIZE else MIN_SIZE


def _sheet_resources(sheet: pikepdf.Pdf) -> Dictionary:
    """Every resource (fonts, graphics states) used by any page of the sheet, in one dictionary."""
    merged: dict[str, dict] = {}
    for page in sheet.pages:
        for kind, entries in page.resources.items():
            if isinstance(entries, Dictionary):
                merged.setdefault(kind, {}).update(entries.items())
    return Dictionary({kind: Dictionary(entries) for kind, entries in sorted(merged.items())})


def _prepared(data: bytes, size: float, width: float) -> Prepared:
    """Read back what an update to ``data`` must name: the form's and resources' object numbers,
    the trailer and where the cross-reference table starts."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        form = resources = None
        for page in pdf.pages:
            xobjects = page.resources.get(Name.XObject, Dictionary())
            if XOBJECT in xobjects:
                form = xobjects[XOBJECT]
                resources = form.Resources
                break
        trailer = pdf.trailer
        entries = [f"/Root {pdf.Root.objgen[0]} 0 R"]
        next_number = int(trailer.Size)
        if "/Info" in trailer:
            entries.append(f"/Info {trailer.Info.objgen[0]} 0 R")
        ids = [bytes(v).hex() for v in trailer.ID]
        entries.append(f"/ID [<{ids[0]}> <{ids[1]}>]")
        assert form is not None and resources is not None, "the stamp sheet draws the name as a form XObject"
        form_number, resources_number = form.objgen[0], resources.objgen[0]
    xref = int(data[data.rindex(b"startxref") + 9:].split()[0])
    return Prepared(data, form_number, resources_number, size, width, " ".join(entries).encode(), xref,
                    next_number)


def _xref_stream(prepared: Prepared, form_offset: int, offset: int) -> bytes:
    """The update's cross-reference stream (the prepared file uses object streams, so its updates
    use a stream too): where the new form and the stream itself are, and the way back to the rest."""
    number = prepared.next_number
    rows = struct.pack(">BIH", 1, form_offset, 0) + struct.pack(">BIH", 1, offset, 0)
    header = (f"{number} 0 obj\n<< /Type /XRef /Size {number + 1} /Index [{prepared.form} 1 {number} 1] "
              f"/W [1 4 2] ").encode() + prepared.trailer + \
        f" /Prev {prepared.xref} /Length {len(rows)} >>\nstream\n".encode()
    return header + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offset


def _numbers(values) -> str:
    return " ".join(_n(v) for v in values)


def school_places(pdf: pikepdf.Pdf) -> dict[int, list[tuple[float, float]]]:
    """(left, baseline) of every place a school name belongs, by page index, in document order."""
    places: dict[int, list[tuple[float, float]]] = {}
    for key, (page, left, top) in _destinations(pdf).items():
        if key.rsplit("/", 1)[-1].startswith(SCHOOL_ANCHOR):
            places.setdefault(page, []).append((left, top))
    return {index: sorted(points, key=lambda p: (-p[1], p[0])) for index, points in places.items()}


def room(pdf: pikepdf.Pdf) -> float:
    """The width of the narrowest line a name is written on (from each ``school-name-N`` to its
    ``school-end-N``), less a little air; MAX_WIDTH where a line's end is not marked."""
    marks = _destinations(pdf)
    widths = []
    for key, (_, left, _) in marks.items():
        if key.rsplit("/", 1)[-1].startswith(SCHOOL_ANCHOR):
            end = marks.get(key.replace(SCHOOL_ANCHOR, END_ANCHOR))
            widths.append(end[1] - left - AIR if end and end[1] > left + AIR else MAX_WIDTH)
    return min(widths, default=MAX_WIDTH)


def _destinations(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float, float]]:
    """Every named destination of the /XYZ kind: its page index, left and top."""
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


def _sheet_html(names: list[str]) -> str:
    """LAYOUTS pages per name: on one line, on two..., each line between marks."""
    def page(n: int, name: str, count: int) -> str:
        marked = "<br>".join(f'<span class="mark" id="start-{n}-{count}-{i}"></span>{escape(line)}'
                             f'<span class="mark" id="end-{n}-{count}-{i}"></span>'
                             for i, line in enumerate(_lines(name, count)))
        return f'<p class="stamp">{marked}</p>'
    pages = "\n".join(page(n, name, count) for n, name in enumerate(names) for count in range(1, LAYOUTS + 1))
    return f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Names</title></head>' \
           f'<body>\n{pages}\n</body></html>\n'


def _lines(name: str, count: int) -> list[str]:
    """``name`` broken into ``count`` lines of about equal length at the spaces nearest each share
    (fewer if it has fewer spaces)."""
    words = name.split(" ")
    lines: list[str] = []
    while words:
        target = len(" ".join(words)) / (count - len(lines))
        line = words.pop(0)
        while words and len(lines) < count - 1 and \
                abs(len(line) + 1 + len(words[0]) - target) <= abs(len(line) - target):
            line += " " + words.pop(0)
        if len(lines) == count - 1:
            line = " ".join([line, *words])
            words = []
        lines.append(line)
    return lines


def _measure(data: bytes, names: list[str]) -> dict[str, tuple[Stamp, ...]]:
    """Where each layout of each name starts, ends and sits, from the zero-size marks around its
    lines on the sheet: the left of its first line, the baseline of its last, its longest line."""
    with pikepdf.open(io.BytesIO(data)) as sheet:
        marks = {}
        for key, destination in pikepdf.NameTree(sheet.Root.Names.Dests).items():
            marks[key] = (float(destination[2]), float(destination[3]))
    layouts = {}
    for n, name in enumerate(names):
        found = []
        for count in range(1, LAYOUTS + 1):
            lines = [(marks[f"start-{n}-{count}-{i}"], marks[f"end-{n}-{count}-{i}"])
                     for i in range(len(_lines(name, count)))]
            (left, _), _ = lines[0]
            width = max(right - start for (start, _), (right, _) in lines)
            found.append(Stamp(name, LAYOUTS * n + count - 1, left, lines[-1][0][1], width, len(lines)))
        layouts[name] = tuple(found)
    return layouts


def _draw(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object, points, scale: float) -> None:
    """Draw the name at each point, as an artifact.

    Each drawing goes into the content stream just after the field's label (the text ending
    nearest to the left on that line), so text extraction and screen readers of untagged
    content read "School: St Anne's Primary", not the name at the end of the page.
    """
    resources = page.resources
    if Name.XObject not in resources:
        resources.XObject = Dictionary()
    resources.XObject[XOBJECT] = form
    ops = list(pikepdf.parse_content_stream(page))
    texts, states = _text_positions(ops)
    inserts: dict[int, list] = {}
    for left, baseline in points:
        index = _after_label(texts, left, baseline, len(ops))
        inserts.setdefault(index, []).extend(_drawing(states.get(index, IDENTITY), left, baseline, scale))
    out = []
    for index, op in enumerate(ops + [None]):
        out += inserts.get(index, [])
        if op is not None:
            out.append(op)
    page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(out))


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _text_positions(ops):
    """Where each text object starts (x, y in page space) and the index after it and its marked
    content closes, plus the transformation in force at each such index."""
    stack, ctm, depth = [], IDENTITY, 0
    texts: list[tuple[tuple[float, float], int | None]] = []
    states, pending = {}, None
    for index, op in enumerate(ops):
        name = str(op.operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q":
            ctm = stack.pop() if stack else IDENTITY
        elif name == "cm":
            ctm = _multiply(tuple(float(v) for v in op.operands), ctm)
        elif name in ("BDC", "BMC"):
            depth += 1
        elif name == "EMC":
            depth -= 1
        elif name == "Tm" and pending is None:
            m = _multiply(tuple(float(v) for v in op.operands), ctm)
            pending = (m[4], m[5])
        elif name == "ET" and pending is not None:
            texts.append((pending, None))
            pending = None
        if texts and texts[-1][1] is None and depth == 0 and name in ("ET", "EMC"):
            texts[-1] = (texts[-1][0], index + 1)
            states[index + 1] = ctm
    return [(x, y, after) for (x, y), after in texts if after is not None], states


def _after_label(texts, left: float, baseline: float, end: int) -> int:
    """The index just after the text that ends a field's label: the nearest text on the same line
    to the left of the name; the end of the page if there is none."""
    near = [(x, after) for x, y, after in texts if x < left and abs(y - baseline) < BODY_SIZE * 0.6]
    return max(near)[1] if near else end


def _drawing(ctm, left: float, baseline: float, scale: float) -> list:
    """Operators drawing the name form at a point, undoing the transformation in force there."""
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    inverse = (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)
    place = _multiply((scale, 0, 0, scale, left, baseline), inverse)  # the name's own fit is in the form's /Matrix
    op = pikepdf.ContentStreamInstruction
    return [op([Name.Artifact], pikepdf.Operator("BMC")), op([], pikepdf.Operator("q")),
            op([_d(v) for v in place], pikepdf.Operator("cm")),
            op([0], pikepdf.Operator("Tc")), op([0], pikepdf.Operator("Tw")), op([100], pikepdf.Operator("Tz")),
            op([0], pikepdf.Operator("Ts")), op([0], pikepdf.Operator("Tr")),
            op([XOBJECT], pikepdf.Operator("Do")), op([], pikepdf.Operator("Q")), op([], pikepdf.Operator("EMC"))]


def _multiply(m, n):
    """The matrix ``m`` then ``n`` (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _d(value: float) -> Decimal:
    """A number with fixed decimals, so the same input always gives the same bytes."""
    return Decimal(value).quantize(Decimal("0.0001")).normalize()


def _n(value: float) -> str:
    text = f"{_d(value):f}"
    return "0" if text in ("-0", "0.0") else text


