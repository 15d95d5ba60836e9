"""Every kind of printable document, its variants and its output formats, each declared once.

The content model (which kinds a stage may list, what each needs), the plan (titles, file names,
variants, extra formats), the print and Word renderers, the site's download links and the JSON
Schema all read this table; so adding a kind is a line here and a template (and a Word layout,
if it offers DOCX), and a kind that is missing anywhere fails in a test, not at run time.
This module imports nothing of auditpack's: it is the bottom layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_


@dataclass(frozen=True)
class Format:
    """A file format a document can be written in."""

    name: str
    extension: str
    label: str
    """How the site names a file of this format beside its size, e.g. 'PDF, 3 pages, 40 KB'."""
    link: str
    """The words of a link to a file of this format, e.g. 'Word (editable)'."""
    media_type: str
    magic: bytes
    """How every file of this format starts; the cache refuses an entry that does not."""
    paged: bool
    """Whether a file's page count is known once it is made (and so shown on the site)."""

    def path(self, stem: str) -> str:
        return stem + self.extension


PDF = Format("pdf", ".pdf", "PDF", "PDF", "application/pdf", b"%PDF-", paged=True)
DOCX = Format("docx", ".docx", "DOCX", N_("Word (editable)"),
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04", paged=False)
LAYOUT = Format("layout", ".layout.json", "JSON", "Scan layout", "application/json", b"{", paged=False)
"""Where a scannable form's boxes are printed, written beside its PDF for ``auditpack scan``
(see auditpack.render.scan_layout): made from the PDF on every build, never a kind's format."""
FORMATS = {f.name: f for f in (PDF, DOCX, LAYOUT)}


def format_of(path: str) -> Format:
    """The format of a file, by its extension (PDF when none matches)."""
    return next((f for f in FORMATS.values() if path.endswith(f.extension)), PDF)


@dataclass(frozen=True)
class Variant:
    """Another version of a document, printed beside the standard one; site_config.yml chooses which."""

    name: str
    label: str
    needs_statements: bool = False
    """Made only of documents that print statements (or components), since it differs only there."""


VARIANTS = {v.name: v for v in (
    Variant("large-print", N_("large print")),
    Variant("blank", N_("blank, for your own statements"), needs_statements=True),
    Variant("fillable", N_("fillable on screen")),
    Variant("bilingual", N_("bilingual")),
)}
BILINGUAL = "bilingual"
"""Every statement, question, label and instruction in two of a translated programme's languages, equal
in size and weight (see :mod:`auditpack.bilingual`); one per language it is translated into."""

QUESTIONNAIRE, GUIDANCE, COMPONENTS, WEEKLY_TASK = "questionnaire", "guidance", "components", "weekly-task"
"""What a kind can draw on besides its stage: a questionnaire, a guidance note, the programme's
components (one block each, or with ``per_component`` one document each), the stage's weekly task."""


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    summary: str
    """One line on the site: what the document is for."""
    needs: str | None = None
    """What a stage must name for it (QUESTIONNAIRE, GUIDANCE or COMPONENTS), else None."""
    draws_on: tuple[str, ...] = ()
    """What it may draw on (see QUESTIONNAIRE...), ``needs`` included."""
    per_component: bool = False
    """One document per component, named ``<kind>-<component>``; else one, named ``<kind>``."""
    every: str | None = None
    """QUESTIONNAIRE or GUIDANCE: the programme gets one for each that no stage provides it for."""
    standard: bool = False
    """Every stage provides it; a stage lists it only to say what it draws on."""
    rows: int = 6
    """Blank rows where the form records topics, people or sessions, unless the stage says."""
    variants: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("pdf",)
    """The standard document's formats; variants are PDF only."""
    scannable: bool = False
    """Its answers can be read back from a filled-in copy (see auditpack.collate)."""
    scanned: bool = False
    """Printed on a questionnaire to be filled by hand and read back by ``auditpack scan``: corner marks
    and a page code on every page, each box and writing area beside a statement in its layout."""
    per_audience: bool = False
    """One document per audience when its questionnaire declares audiences, named ``<stem>-<audience>``."""
    group: bool = False
    """Filled in by a group for what it agreed: without a declaration of its own it records what
    already works, ideas and a priority per statement, and collate counts a copy as one group's answers."""
    counts_answers: bool = False
    """Its questionnaire's answers are counted on it: a stage that has one says how to run collate."""

    @property
    def template(self) -> str:
        """Its print template, in ``templates/print/``."""
        return f"{self.name}.html.j2"

    def file_stem(self, suffix: str | None = None, audience: str | None = None) -> str:
        """Its file name without extension; ``suffix`` is a component's, questionnaire's or note's id,
        ``audience`` an audience's id (which follows its questionnaire's)."""
        stem = f"{self.name}-{suffix}" if suffix else self.name
        return f"{stem}-{audience}" if audience else stem


KINDS = {k.name: k for k in (
    Kind("briefing", N_("Briefing sheet"),
         N_("Purpose, who is involved, a task checklist with owners, and space for notes."),
         standard=True, variants=("large-print",)),
    Kind("group-recording", N_("Group recording form"),
         N_("For one recorder per group of 5 to 10: what works, ideas to improve, priorities."),
         draws_on=(QUESTIONNAIRE, COMPONENTS), standard=True,
         variants=("large-print", "blank", "bilingual"), formats=("pdf", "docx"), per_audience=True, group=True,
         scanned=True),
    Kind("collation", N_("Collation template"),
         N_("Gathers every response or group's findings in one place, then an action-planning table."),
         draws_on=(QUESTIONNAIRE, COMPONENTS), standard=True, variants=("bilingual",), formats=("pdf", "docx"),
         counts_answers=True),
    Kind("response-form", N_("Individual response form"),
         N_("One per person: every statement, each question, a box per score and \"I don't know\"."),
         needs=QUESTIONNAIRE, draws_on=(QUESTIONNAIRE,), every=QUESTIONNAIRE,
         variants=("large-print", "blank", "fillable", "bilingual"), formats=("pdf", "docx"), scannable=True,
         scanned=True, per_audience=True),
    Kind("group-rating", N_("Group rating form"),
         N_("For a group that agrees one rating per statement: who took part, the rating, and what it records."),
         needs=QUESTIONNAIRE, draws_on=(QUESTIONNAIRE,),
         variants=("large-print", "blank", "fillable", "bilingual"), formats=("pdf", "docx"), scannable=True,
         scanned=True, group=True,
         per_audience=True),
    Kind("facilitator-guide", N_("Facilitator's guidance sheet"),
         N_("How to run the exercise, step by step, with a checklist."),
         needs=GUIDANCE, draws_on=(GUIDANCE,), every=GUIDANCE, variants=("large-print",)),
    Kind("audit-timetable", N_("Audit timetable"),
         N_("When each focus group, interview and observation takes place, per component."),
         draws_on=(COMPONENTS,)),
    Kind("checkin-log", N_("Weekly check-in log"),
         N_("A page to record the weekly senior-leader check-in."), draws_on=(WEEKLY_TASK,), rows=12),
    Kind("research-notes", N_("Research notes"),
         N_("Notes from each audit activity for one component."),
         needs=COMPONENTS, draws_on=(COMPONENTS,), per_component=True),
    Kind("short-report", N_("Short report"),
         N_("Strengths, challenges and next steps for one component, agreed and signed."),
         needs=COMPONENTS, draws_on=(COMPONENTS,), per_component=True),
    Kind("action-plan", N_("Action plan"),
         N_("Actions, leads, dates, resources and how you will know it worked."), rows=8,
         variants=("large-print", "bilingual")),
)}
"""In the order documents are listed on a stage's page and bound into its pack."""

STANDARD_KINDS = tuple(k.name for k in KINDS.values() if k.standard)
