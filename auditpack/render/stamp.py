"""Write a school's name onto finished PDFs, so one rendering of each document serves every school.

Documents and packs are rendered without a school name; the templates mark each place a name
belongs with an empty element whose id starts ``school-name`` and which sits on the baseline
of its line. WeasyPrint turns those ids into named destinations (``/Root /Names /Dests``), and
binding keeps them in packs as ``p{N}/school-name-...``. Here the names of a whole batch are
laid out once, on a small untagged "stamp sheet" (one page per name, in the forms' font, size
and ink); each page becomes a Form XObject drawn at every such destination. The name is content
(the answer to "School:"), so each drawing is marked content under a /Span of the structure tree,
placed just after the field's label, and the Span carries the name as /ActualText; the school's
copy also names the school in its title (/Title of the Info dictionary and dc:title of the XMP
metadata). Rendering a name is one WeasyPrint page per school instead of one rendering of every
document per school.

The work that does not depend on the name is done once per document (:meth:`StampSheet.prepare`):
finding the places, inserting the drawing into the page content and adding the sheet's fonts and
an empty Form XObject. Each school's copy (:meth:`StampSheet.stamp`) is then that prepared PDF
plus an incremental update replacing only the Form XObject, the name's Spans, the Info dictionary and
the XMP metadata, each from bytes kept when it was prepared: a couple of kilobytes appended, no parsing
or rewriting, so a batch costs little more than its distinct documents.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from xml.sax.saxutils import escape as xml_escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from .destinations import named_destinations
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
TITLE = "{title} | {school}"
"""The title of a school's copy: the document's own title, then the school's name."""
TITLE_ELEMENT = b'<rdf:li xml:lang="x-default">'
"""Where the title starts inside dc:title in the XMP metadata WeasyPrint writes."""


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
    spans: tuple[tuple[int, bytes], ...] = ()
    """Each structure element (/Span) of a drawn name: its object number and its dictionary, serialised."""
    info: tuple[int, bytes, str] | None = None
    """The Info dictionary's object number, the dictionary without /Title, and the document's title."""
    metadata: tuple[int, bytes, bytes] | None = None
    """The XMP metadata stream's object number and its text before and after the title."""


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
    def render(cls, renderer, names: list[str], layouts: int = LAYOUTS) -> StampSheet:
        """Lay out ``names`` with a :class:`~auditpack.render.pdf.PdfRenderer`'s fonts and stylesheets,
        each on 1 ... ``layouts`` lines (1 for text that is never narrowed, such as pack page numbers).

        Untagged on purpose: a tagged sheet would bring marked-content ids that mean nothing in
        the PDFs the names are drawn on.
        """
        unique = sorted(set(names))
        sheet = renderer.untagged(_sheet_html(unique, layouts))
        if sheet.pages != layouts * len(unique):
            raise RuntimeError(f"the stamp sheet has {sheet.pages} pages for {len(unique)} names")
        return cls(sheet.data, _measure(sheet.data, unique, layouts))

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
        header = (f"<< /Type /XObject /Subtype /Form /BBox [{_numbers(box)}] "
                  f"/Matrix [{_numbers(matrix)}] /Resources {prepared.resources} 0 R /Filter /FlateDecode "
                  f"/Length {len(content)} >>\nstream\n").encode()
        objects = [(prepared.form, header + content + b"\nendstream")]
        objects += [(number, element[:-2] + b" /ActualText " + _text(name) + b" >>")
                    for number, element in prepared.spans]
        if prepared.info is not None:
            number, info, title = prepared.info
            objects.append((number, info[:-2] + b" /Title " + _text(TITLE.format(title=title, school=name)) + b" >>"))
        if prepared.metadata is not None:
            number, before, after = prepared.metadata
            title = TITLE.format(title=prepared.info[2] if prepared.info else "", school=name)
            xmp = before + xml_escape(title).encode() + after
            objects.append((number, b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp +
                            b"\nendstream"))
        body, offsets = b"", []
        for number, text in sorted(objects):
            offsets.append((number, len(prepared.data) + len(body)))
            body += b"%d 0 obj\n" % number + text + b"\nendobj\n"
        return prepared.data + body + _xref_stream(prepared, offsets, len(prepared.data) + len(body))

    def apply(self, pdf: bytes, name: str, size: float = BODY_SIZE) -> bytes:
        """``pdf`` with ``name`` drawn at each of its school-name places; unchanged if it has none."""
        prepared = self.prepare(pdf, size)
        return self.stamp(prepared, name) if prepared else pdf

    def form(self, pdf: pikepdf.Pdf, name: str) -> tuple[pikepdf.Object, float]:
        """``name`` as a Form XObject of ``pdf``, drawn at its body size with the start of its baseline
        at the origin, and its width: for text drawn where no template marked a place (a pack's page
        numbers, see :mod:`.bind`). The sheet's fonts are copied into ``pdf`` once for all its forms."""
        stamp = self.stamps[name][0]  # one line: page numbers are short
        size = BODY_SIZE
        box = [stamp.left - size, stamp.baseline - 0.5 * size, stamp.left + stamp.width + size,
               stamp.baseline + 1.3 * size]
        form = pikepdf.Stream(pdf, self._content(stamp), Type=Name.XObject, Subtype=Name.Form,
                              BBox=Array([_d(v) for v in box]),
                              Matrix=Array([1, 0, 0, 1, _d(-stamp.left), _d(-stamp.baseline)]),
                              Resources=pdf.copy_foreign(self._opened()[1]))
        return pdf.make_indirect(form), stamp.width

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
        spans = tuple((element.objgen[0], element.unparse(resolved=True)) for element in _name_spans(pdf))
        info = _info(pdf)
        metadata = _metadata(pdf)
    xref = int(data[data.rindex(b"startxref") + 9:].split()[0])
    return Prepared(data, form_number, resources_number, size, width, " ".join(entries).encode(), xref,
                    next_number, spans, info, metadata)


def _name_spans(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """The structure elements of the drawn names: those of the marked content around each drawing."""
    found = []
    for page in pdf.pages:
        if XOBJECT not in page.resources.get(Name.XObject, Dictionary()) or "/StructParents" not in page.obj:
            continue
        marks = _parent_tree(pdf).get(int(page.obj.StructParents))
        mcid = None
        for op in pikepdf.parse_content_stream(page):
            name = str(op.operator)
            if name == "BDC" and isinstance(op.operands[1], Dictionary) and "/MCID" in op.operands[1]:
                mcid = int(op.operands[1].MCID)
            elif name == "Do" and op.operands[0] == XOBJECT and mcid is not None and marks is not None:
                found.append(marks[mcid])
    return found


def _info(pdf: pikepdf.Pdf) -> tuple[int, bytes, str] | None:
    info = pdf.trailer.get("/Info")
    if info is None or not info.is_indirect:
        return None
    title = str(info.get("/Title", ""))
    rest = Dictionary({key: value for key, value in info.items() if key != "/Title"})
    return info.objgen[0], rest.unparse(resolved=True), title


def _metadata(pdf: pikepdf.Pdf) -> tuple[int, bytes, bytes] | None:
    """The XMP metadata cut around dc:title's text; None where there is no title to replace."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None or not metadata.is_indirect:
        return None
    xmp = metadata.read_bytes()
    start = xmp.find(TITLE_ELEMENT, xmp.find(b"<dc:title>"))
    end = xmp.find(b"</rdf:li>", start)
    if xmp.find(b"<dc:title>") < 0 or start < 0 or end < 0:
        return None
    return metadata.objgen[0], xmp[:start + len(TITLE_ELEMENT)], xmp[end:]


def _text(value: str) -> bytes:
    """A PDF text string in UTF-16BE with its byte order mark: any name, in bytes that never need escaping."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def _xref_stream(prepared: Prepared, offsets: list[tuple[int, int]], offset: int) -> bytes:
    """The update's cross-reference stream (the prepared file uses object streams, so its updates
    use a stream too): where the replaced objects and the stream itself are, and the way back to the rest."""
    number = prepared.next_number
    rows = b"".join(struct.pack(">BIH", 1, at, 0) for _, at in offsets) + struct.pack(">BIH", 1, offset, 0)
    index = " ".join(f"{n} 1" for n, _ in offsets)
    header = (f"{number} 0 obj\n<< /Type /XRef /Size {number + 1} /Index [{index} {number} 1] "
              f"/W [1 4 2] ").encode() + prepared.trailer + \
        f" /Prev {prepared.xref} /Length {len(rows)} >>\nstream\n".encode()
    return header + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offset


def _numbers(values) -> str:
    return " ".join(_n(v) for v in values)


def school_places(pdf: pikepdf.Pdf) -> dict[int, list[tuple[float, float]]]:
    """(left, baseline) of every place a school name belongs, by page index, in document order."""
    places: dict[int, list[tuple[float, float]]] = {}
    for key, (page, left, top) in named_destinations(pdf).items():
        if key.rsplit("/", 1)[-1].startswith(SCHOOL_ANCHOR):
            places.setdefault(page, []).append((left, top))
    return {index: sorted(points, key=lambda p: (-p[1], p[0])) for index, points in places.items()}


def room(pdf: pikepdf.Pdf) -> float:
    """The width of the narrowest line a name is written on (from each ``school-name-N`` to its
    ``school-end-N``), less a little air; MAX_WIDTH where a line's end is not marked."""
    marks = named_destinations(pdf)
    widths = []
    for key, (_, left, _) in marks.items():
        if key.rsplit("/", 1)[-1].startswith(SCHOOL_ANCHOR):
            end = marks.get(key.replace(SCHOOL_ANCHOR, END_ANCHOR))
            widths.append(end[1] - left - AIR if end and end[1] > left + AIR else MAX_WIDTH)
    return min(widths, default=MAX_WIDTH)


def _sheet_html(names: list[str], layouts: int) -> str:
    """``layouts`` pages per name: on one line, on two..., each line between marks."""
    def page(n: int, name: str, count: int) -> str:
        marked = "<br>".join(f'<span class="mark" id="start-{n}-{count}-{i}"></span>{escape(line)}'
                             f'<span class="mark" id="end-{n}-{count}-{i}"></span>'
                             for i, line in enumerate(_lines(name, count)))
        return f'<p class="stamp">{marked}</p>'
    pages = "\n".join(page(n, name, count) for n, name in enumerate(names) for count in range(1, layouts + 1))
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


def _measure(data: bytes, names: list[str], layouts: int) -> dict[str, tuple[Stamp, ...]]:
    """Where each layout of each name starts, ends and sits, from the zero-size marks around its
    lines on the sheet: the left of its first line, the baseline of its last, its longest line."""
    with pikepdf.open(io.BytesIO(data)) as sheet:
        marks = {}
        for key, destination in pikepdf.NameTree(sheet.Root.Names.Dests).items():
            marks[key] = (float(destination[2]), float(destination[3]))
    measured = {}
    for n, name in enumerate(names):
        found = []
        for count in range(1, layouts + 1):
            lines = [(marks[f"start-{n}-{count}-{i}"], marks[f"end-{n}-{count}-{i}"])
                     for i in range(len(_lines(name, count)))]
            (left, _), _ = lines[0]
            width = max(right - start for (start, _), (right, _) in lines)
            found.append(Stamp(name, layouts * n + count - 1, left, lines[-1][0][1], width, len(lines)))
        measured[name] = tuple(found)
    return measured


def _draw(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object, points, scale: float) -> None:
    """Draw the name at each point, as tagged text.

    Each drawing goes into the content stream just after the field's label (the text ending
    nearest to the left on that line), so text extraction reads "School: St Anne's Primary",
    not the name at the end of the page; its /Span follows the label's element in the structure
    tree, so a screen reader reads it there too.
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
        mark = _tag(pdf, page, _last_mcid(ops[:index]))
        inserts.setdefault(index, []).extend(_drawing(states.get(index, IDENTITY), left, baseline, scale, mark))
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


def _last_mcid(ops) -> int | None:
    for op in reversed(ops):
        if str(op.operator) == "BDC" and isinstance(op.operands[1], Dictionary) and "/MCID" in op.operands[1]:
            return int(op.operands[1].MCID)
    return None


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    """The structure parent tree by key (WeasyPrint and binding write it flat, in /Nums)."""
    tree = pdf.Root.get("/StructTreeRoot")
    values = tree.ParentTree.get("/Nums", Array()) if tree is not None and "/ParentTree" in tree else Array()
    return {int(values[i]): values[i + 1] for i in range(0, len(values) - 1, 2)}


def _tag(pdf: pikepdf.Pdf, page: pikepdf.Page, label: int | None) -> list:
    """The marked-content operands for one drawing of the name: a /Span with the page's next MCID,
    its element put in the structure tree just after the element of the label's text (MCID ``label``).
    An artifact where the page is not tagged."""
    marks = _parent_tree(pdf).get(int(page.obj.get("/StructParents", -1)))
    if not isinstance(marks, Array):
        return [Name.Artifact]
    anchor = marks[label] if label is not None and label < len(marks) else None
    if isinstance(anchor, Dictionary) and isinstance(anchor.get("/P"), Dictionary) and \
            anchor.P.get("/S") == Name.Span:
        anchor = anchor.P  # the label's own span (its text is a child of it): the name follows the label
    if isinstance(anchor, Dictionary) and isinstance(anchor.get("/P"), Dictionary):
        parent = anchor.P
    else:
        parent = pdf.Root.StructTreeRoot.K[0] if isinstance(pdf.Root.StructTreeRoot.K, Array) \
            else pdf.Root.StructTreeRoot.K
    kids = _as_list(parent.get("/K"))
    position = next((i + 1 for i, kid in enumerate(kids)
                     if isinstance(kid, Dictionary) and anchor is not None and kid.objgen == anchor.objgen), len(kids))
    mcid = len(marks)
    element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Span, K=mcid, Pg=page.obj, P=parent))
    parent.K = Array(kids[:position] + [element] + kids[position:])
    marks.append(element)
    return [Name.Span, Dictionary(MCID=mcid)]


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _drawing(ctm, left: float, baseline: float, scale: float, mark: list) -> list:
    """Operators drawing the name form at a point, undoing the transformation in force there."""
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    inverse = (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)
    place = _multiply((scale, 0, 0, scale, left, baseline), inverse)  # the name's own fit is in the form's /Matrix
    op = pikepdf.ContentStreamInstruction
    return [op(mark, pikepdf.Operator("BDC" if len(mark) == 2 else "BMC")), op([], pikepdf.Operator("q")),
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


