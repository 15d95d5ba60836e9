"""Planned documents -> editable Word files (DOCX), for schools that adapt the forms.

A kind that lists ``docx`` among its formats (see :data:`auditpack.kinds.KINDS`) has a layout
here: a function named after the kind (``group-recording`` -> :func:`group_recording`), as its
print template is named after it. A layout writes the same statements, numbers and columns as
the PDF, with Word's own headings and tables (header rows repeat on each page), so a school can
edit the form in Word and a screen reader can move through it.

python-docx builds the file in code rather than from a Word template (docxtpl): the tables'
columns follow the questionnaire (a column per score, per question), which a template could
only do with hand-written XML loops, and a binary template would be the one file of the
project that no one can review in a diff. The bytes are fixed by the build date: the zip's
timestamps and the document's dates are the build's, so the same content gives the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser
from typing import ClassVar

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .. import i18n, wording
from ..documents import PrintDocument
from ..i18n import N_
from ..i18n import gettext as _
from ..kinds import KINDS
from .safe import markdown_html
from .text import long_date

BOX = "\u2610"
"""A box to tick: Word's own fonts all have it."""
BODY_SIZE = Pt(11)
PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
MARGIN = Mm(18)
WRITING_ROOM = Mm(28)
"""The height of a box to write a group's points in: the PDF's three lines."""
ACTION_PLAN = (N_("Action"), N_("Lead"), N_("By when"), N_("Resources"), N_("How we'll know"), N_("Review date"))


def layout(kind: str):
    """The layout of a kind, or None if it has none."""
    return globals().get(kind.replace("-", "_")) if kind in KINDS else None


def render_docx(doc: PrintDocument, paper: str, footer: str, built: dt.datetime) -> bytes:
    """The document as an editable Word file, dated ``built`` (the build date, in UTC), in its programme's
    language."""
    with i18n.speaking(doc.programme.language):
        word = _new(doc, paper, footer, built)
        layout(doc.kind)(word, doc)
    data = io.BytesIO()
    word.save(data)
    return _fixed_zip(data.getvalue(), built)


# The layouts, one per kind that offers DOCX ------------------------------------------------

def group_recording(word, doc: PrintDocument) -> None:
    _fields(word, [_("School"), _("Date"), _("Group"), _("Recorder"), _("Number present"), _("Facilitator")])
    _paragraph(word, [(_("People present (one tick each, no names):") + " ", True), (" ".join([BOX] * 10), False)])
    _paragraph(word, " ".join([_("For the recorder: note what the group says, not who said it."), _recorder_asks(doc),
                               _("Leave blank anything your group did not discuss.")]))
    if doc.record_wide:
        _landscape(word)
    if doc.questionnaire:
        _fields(word, [_("Sections this group discussed")])
        q = doc.questionnaire
        for section in doc.sections:
            word.add_heading(f"{q.section_number(section)}. {section.title}", 2)
            for item in section.items:
                _findings(word, _numbered(q.item_number(item), doc.statement(item), bold_number=False), doc)
    elif doc.components:
        for component in doc.components:
            word.add_heading(component.title, 2)
            _findings(word, _runs(component.description), doc)
    else:
        for n in range(1, doc.rows + 1):
            _findings(word, [(_("%(label)s:") % {"label": _("Topic %(number)s") % {"number": n}}, True)], doc)
    word.add_heading(_("Anything else the group wants to say"), 2)
    _blank_lines(word, 4)


def _recorder_asks(doc: PrintDocument) -> str:
    """What a group recording form asks for each statement, component or topic, as the PDF says it."""
    columns = {"columns": _headings(doc)}
    if doc.record_default:
        return (
            _("For each statement you discuss, write what already works, ideas to improve, and how much it matters.")
            if doc.questionnaire else
            _("For each component you discuss, write what already works, ideas to improve, and how much it matters.")
            if doc.components else
            _("For each topic you discuss, write what already works, ideas to improve, and how much it matters."))
    return (_("For each statement you discuss, fill in: %(columns)s.") if doc.questionnaire else
            _("For each component you discuss, fill in: %(columns)s.") if doc.components else
            _("For each topic you discuss, fill in: %(columns)s.")) % columns


def _findings(word, about: list, doc: PrintDocument | None = None) -> None:
    """What a group said about one statement, component or topic: its record columns (see
    :func:`_record`), by default two columns to write in, then its priority."""
    _paragraph(word, about).paragraph_format.keep_with_next = True
    _record(word, doc)


def group_rating(word, doc: PrintDocument) -> None:
    q = doc.questionnaire
    assert q is not None, "the model refuses a group rating form without a questionnaire"
    _fields(word, [_("School"), _("Date"), _("Group name or number"), _("Number present"),
                   _("Members present (roles, not names)")])
    said = [_("For the group: talk each statement through and %(agree)s, then tick its box.")
            % {"agree": wording.phrases(q).group_agrees}]
    if doc.record_columns:
        said.append(_("Beside each statement, fill in: %(columns)s.") % {"columns": _headings(doc)})
    said.append(_("Write what the group agreed, not who said it. Leave blank anything your group did not discuss."))
    _paragraph(word, " ".join(said))
    word.add_heading(q.title, 2)
    _scale_key(word, q)
    if q.scale_note:
        _markdown(word, q.scale_note)
    if doc.record_wide:
        _landscape(word)
    for section in doc.sections:
        _section_heading(word, q, section)
        for item in section.items:
            _rated_statement(word, doc, item)
            _record(word, doc)
    word.add_heading(_("Anything else the group wants to say"), 2)
    _blank_lines(word, 4)


def _section_heading(word, q, section) -> None:
    word.add_heading(f"{q.section_number(section)}. {section.title}", 2)
    if section.description:
        _markdown(word, section.description)


def _rated_statement(word, doc: PrintDocument, item) -> None:
    """A statement, numbered and in its audience's words, kept with the table of boxes to rate it in:
    the same on an individual's form and a group's."""
    q = doc.questionnaire
    assert q is not None, "only a questionnaire's forms rate statements"
    statement = _paragraph(word, _numbered(q.item_number(item), doc.statement(item), bold_number=False))
    statement.paragraph_format.keep_with_next = True
    _table(word, [_rating_header(q)], [[d.question, *[BOX] * len(q.scale), BOX if d.dont_know else ""]
                                       for d in q.dimensions])


def _rating_header(q) -> list[str]:
    """The head of a rating table, as the response form's."""
    return [_("Question"), *[f"{p.key}\n{p.label}" for p in q.scale], f"?\n{q.dont_know_label}"]


def _record(word, doc: PrintDocument | None) -> None:
    """A statement's record columns: the text columns side by side with room for their lines, then a
    line of boxes for each choice or rating."""
    columns = doc.record_columns if doc else ()
    texts = [c for c in columns if c.kind == "text"]
    if texts:
        table = _table(word, [[c.heading for c in texts]], [[""] * len(texts)])
        table.rows[1].height = Mm(WRITING_ROOM.mm * max(c.lines for c in texts) / 3)
        table.rows[1].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for column in columns:
        if column.kind != "text":
            boxes = "  ".join(f"{BOX} {label}" for _, label in column.options(doc.questionnaire if doc else None))
            _paragraph(word, [(_("%(heading)s (tick one):") % {"heading": column.heading}, True), (f" {boxes}", False)])


def _record_tally(word, doc: PrintDocument, items) -> None:
    """Below a section's tally: a count per option of each choice or rating, and room for each text
    column's main points, as the PDF's."""
    q = doc.questionnaire
    if not doc.record_columns or q is None:
        return
    first, second = [_("Statement")], [""]
    for column in doc.record_columns:
        labels = [label for _, label in column.options(doc.questionnaire)] if column.kind != "text" else [""]
        first += [column.heading] * len(labels)
        second += labels
    table = _table(word, [first, second], [[_numbered(q.item_number(item), doc.statement(item)),
                                             *[""] * (len(first) - 1)] for item in items])
    _merge_repeated(table.rows[0].cells, first, 1, len(first))


def _headings(doc: PrintDocument) -> str:
    return "; ".join(c.heading for c in doc.record_columns)


def response_form(word, doc: PrintDocument) -> None:
    q = doc.questionnaire
    assert q is not None, "the kind table plans a response form only for a questionnaire"
    _markdown(word, doc.introduction)
    _paragraph(word, [(_("Do not write your name."), True),
                      (f" {_('Answers are collated anonymously.')} {wording.phrases(q).how_to_answer}", False)])
    word.add_heading(wording.how_to(q), 2)
    _scale_key(word, q)
    if q.scale_note:
        _markdown(word, q.scale_note)
    _fields(word, [_("School"), _("Your role (optional)")])
    for section in doc.sections:
        _section_heading(word, q, section)
        for item in section.items:
            _rated_statement(word, doc, item)
        _paragraph(word, _("Comments on %(section)s (optional)") % {"section": section.title.lower()})
        _blank_lines(word, 3)


def collation(word, doc: PrintDocument) -> None:
    _fields(word, [_("School"), _("Collated by"), _("Date"), _("Number of responses or groups")])
    if doc.questionnaire:
        q = doc.questionnaire
        _paragraph(word, _("Count the answers for each statement. Write a tally or a number in each box: one column "
                           "per %(noun)s, plus \"%(dont_know)s\" (?). Then mark each statement S (strength), N (need) "
                           "or leave it blank.") % {"noun": wording.noun(q), "dont_know": q.dont_know_label})
        _scale_key(word, q)
        _landscape(word)
        first = [_("Statement")] + [d.question for d in q.dimensions for _column in _tally_columns(q, d)] \
            + [_("S or N")]
        second = [""] + [c for d in q.dimensions for c in _tally_columns(q, d)] + [""]
        for section in doc.sections:
            word.add_heading(f"{q.section_number(section)}. {section.title}", 2)
            table = _table(word, [first, second],
                           [[_numbered(q.item_number(item), doc.statement(item)), *[""] * (len(first) - 1)]
                            for item in section.items])
            _merge_header(table, first)
            _record_tally(word, doc, section.items)
        for title, note, lines in (
                (_("Strengths"), wording.phrases(q).strengths, 4),
                (_("Needs"), wording.phrases(q).needs, 4),
                (_("Needs better communication"),
                 _('Statements many people answered "%(dont_know)s".') % {"dont_know": q.dont_know_label}, 3)):
            word.add_heading(title, 2)
            _paragraph(word, note)
            _blank_lines(word, lines)
        _action_plan(word, [""] * doc.rows, _("Statement or need"))
    elif doc.components:
        _paragraph(word, _("Copy each group's main points into the row for its group. Use one block per component."))
        _landscape(word)
        for component in doc.components:
            word.add_heading(component.title, 2)
            _table(word, [[_("Group"), _("Already working"), _("Ideas for improvement"), _("Priority (H, M or L)")]],
                   [[str(n), "", "", ""] for n in range(1, doc.rows + 1)])
        _action_plan(word, [c.title for c in doc.components], _("Component"))
    else:
        _paragraph(word, _("Copy each group's main points into the row for its group."))
        _landscape(word)
        _table(word, [[_("Group"), _("Key points"), _("Questions raised"), _("Ideas and next steps")]],
               [[str(n), "", "", ""] for n in range(1, doc.rows + 1)])
        _action_plan(word, [""] * doc.rows, _("Priority or area"))


def _tally_columns(q, dimension) -> list[str]:
    return [f"{p.key}\n{p.label}" for p in q.scale] + (["?"] if dimension.dont_know else []) + [_("Total")]


# Building blocks ------------------------------------------------------------------------------

def _new(doc: PrintDocument, paper: str, footer: str, built: dt.datetime):
    word = docx.Document()
    _drop_thumbnail(word)
    programme = doc.programme
    properties = word.core_properties
    properties.title = doc.title
    properties.subject = _("%(kind)s for %(programme)s") % {"kind": doc.kind_title, "programme": programme.title}
    properties.author = programme.publisher or ""
    properties.keywords = f"{programme.short_title}, {doc.kind_title}, {_('school audit')}"
    properties.comments = ""
    properties.language = programme.language
    properties.identifier = f"{programme.id}/{doc.questionnaire.id}@{programme.version}" if doc.questionnaire else ""
    properties.version = programme.version
    properties.last_modified_by = "auditpack"
    properties.revision = 1
    properties.created = properties.modified = properties.last_printed = built.replace(tzinfo=None)
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), programme.language)
    word.styles["Normal"].font.size = BODY_SIZE
    section = word.sections[0]
    section.page_width, section.page_height = PAPER.get(paper, PAPER["A4"])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    stage = doc.stage
    stage_title = _("Stage %(number)s: %(title)s") % {"number": stage.number, "title": stage.title} if stage else ""
    section.header.paragraphs[0].text = programme.short_title + (f" · {stage_title}" if stage else "")
    shown = "".join(text for text, *_rest in _runs(footer)) if footer else ""
    version = {"programme": programme.short_title, "version": programme.version}
    if programme.published:
        version["date"] = long_date(programme.published)
    version_line = (_("%(programme)s version %(version)s, %(date)s") if programme.published else
                    _("%(programme)s version %(version)s")) % version
    section.footer.paragraphs[0].text = version_line + (f" · {shown}" if shown else "")
    _paragraph(word, stage_title if stage else programme.short_title)
    word.add_heading(doc.title, 1)
    if doc.description:
        _markdown(word, doc.description)
    return word


def _drop_thumbnail(word) -> None:
    """python-docx's blank document carries a picture of another document as its thumbnail."""
    rels = word.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
        del rels[rid]


def _paragraph(word, content, style: str | None = None):
    """A paragraph of plain text, or of (text, bold[, italic]) runs."""
    paragraph = word.add_paragraph(style=style)
    _fill(paragraph, content)
    return paragraph


def _fill(paragraph, content) -> None:
    for text, bold, *italic in [(content, False)] if isinstance(content, str) else content:
        for i, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if i:
                run.add_break()
            if line:
                run.add_text(line)
            run.bold = bold or None
            run.italic = (italic and italic[0]) or None


def _numbered(number: int, text: str, bold_number: bool = True) -> list:
    return [(f"{number}.", bold_number), (" ", False), *_runs(text)]


def _fields(word, labels: list[str]) -> None:
    """Labels with room to write beside them, as a two-column table without a header."""
    table = word.add_table(rows=len(labels), cols=2)
    table.style = "Table Grid"
    for row, label in zip(table.rows, labels, strict=True):
        _fill(row.cells[0].paragraphs[0], [(_("%(label)s:") % {"label": label}, True)])


def _table(word, headers: list[list[str]], rows: list[list]):
    """A table whose first ``len(headers)`` rows are its header, repeated on each page it runs onto."""
    table = word.add_table(rows=len(headers) + len(rows), cols=len(headers[0]))
    table.style = "Table Grid"
    for row, cells in zip(table.rows, headers, strict=False):
        _repeat_as_header(row)
        for cell, text in zip(row.cells, cells, strict=False):
            _fill(cell.paragraphs[0], [(text, True)])
    for row, cells in zip(table.rows[len(headers):], rows, strict=True):
        for cell, content in zip(row.cells, cells, strict=False):
            _fill(cell.paragraphs[0], content)
    return table


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _merge_repeated(cells, headings: list[str], start: int, stop: int) -> None:
    """Join the cells from ``start`` to before ``stop`` whose heading repeats its neighbour's into one
    cell holding it once, as a question or a record column heads its boxes."""
    while start < stop:
        end = start
        while end + 1 < stop and headings[end + 1] == headings[start]:
            end += 1
        if end > start:
            merged = cells[start].merge(cells[end])
            merged.text = ""
            _fill(merged.paragraphs[0], [(headings[start], True)])
        start = end + 1


def _merge_header(table, first: list[str]) -> None:
    """Join the header cells that name one thing: a question over its columns, 'Statement' and
    'S or N' over both header rows."""
    top, below = table.rows[0].cells, table.rows[1].cells
    _merge_repeated(top, first, 1, len(first) - 1)
    for column in (0, len(first) - 1):
        merged = top[column].merge(below[column])
        for paragraph in merged.paragraphs[1:]:
            paragraph._p.getparent().remove(paragraph._p)


def _scale_key(word, q) -> None:
    _table(word, [[wording.heading(q), _("Meaning")]],
           [[[(p.key, True), (f" {p.label}", False)], p.description or ""] for p in q.scale] +
           [[[("?", True), (f" {q.dont_know_label}", False)],
             _("You are not sure, or have not seen this yet. This is a useful answer too.")]])


def _action_plan(word, labels: list[str], first_column: str) -> None:
    word.add_heading(_("Action plan"), 2)
    _table(word, [[first_column, *map(_, ACTION_PLAN)]], [[label, *[""] * len(ACTION_PLAN)] for label in labels])


def _blank_lines(word, count: int) -> None:
    for _line in range(count):
        word.add_paragraph()


def _landscape(word) -> None:
    """Wide tables from here on, on landscape pages, as the PDF prints them."""
    section = word.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def _markdown(word, text: str) -> None:
    """Markdown prose from content, as paragraphs (list items as bulleted or numbered ones)."""
    for style, runs in _MarkdownRuns.blocks_of(text):
        if runs:
            _paragraph(word, runs, style)


def _runs(text: str) -> list:
    """Inline Markdown as (text, bold, italic) runs; the paragraphs of a longer text joined by line breaks."""
    runs: list = []
    for _style, block in _MarkdownRuns.blocks_of(text):
        runs += ([("\n", False)] if runs and block else []) + block
    return runs


class _MarkdownRuns(HTMLParser):
    """The cleaned HTML of :func:`.safe.markdown_html` as blocks of runs: it holds only a small set of tags."""

    BLOCKS: ClassVar[dict[str, str | None]] = {"p": None, "li": "List Bullet", "h1": None, "h2": None, "h3": None,
                                               "h4": None, "blockquote": None}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str | None, list]] = [(None, [])]
        self.bold = self.italic = 0
        self.lists: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag in self.BLOCKS:
            style = ("List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet") if tag == "li" else None
            self.blocks.append((style, []))
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br":
            self.blocks[-1][1].append(("\n", False))

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag in self.BLOCKS:
            self.blocks.append((None, []))

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if text.strip() or self.blocks[-1][1]:
            self.blocks[-1][1].append((text, self.bold > 0, self.italic > 0))

    @classmethod
    def blocks_of(cls, text: str) -> list[tuple[str | None, list]]:
        reader = cls()
        reader.feed(markdown_html(text))
        reader.close()
        return [(style, _strip(runs)) for style, runs in reader.blocks if _strip(runs)]


def _strip(runs: list) -> list:
    """No space at either end of a block."""
    runs = [list(r) for r in runs]
    if runs:
        runs[0][0] = runs[0][0].lstrip()
        runs[-1][0] = runs[-1][0].rstrip()
    return [tuple(r) for r in runs if r[0]]


def _fixed_zip(data: bytes, built: dt.datetime) -> bytes:
    """The same file with every member stamped with the build date, so equal content gives equal bytes."""
    stamp = max(built, dt.datetime(1980, 1, 1, tzinfo=built.tzinfo)).timetuple()[:6]
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return fixed.getvalue()
