"""Which printable documents and packs a programme provides, and where each is written.

This is a plan, not a rendering: it turns the model into a list of
:class:`PrintDocument` (one PDF each) and :class:`Pack` (several documents
bound together behind a cover), so the site can link to them and the PDF
renderer can make them without either knowing the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import STAGE_STANDARD_KINDS, Component, Content, DocumentSpec, GuidanceNote, Questionnaire, Section, Stage

KIND_TITLES = {
    "briefing": "Briefing sheet",
    "group-recording": "Group recording form",
    "collation": "Collation template",
    "response-form": "Individual response form",
    "facilitator-guide": "Facilitator's guidance sheet",
    "audit-timetable": "Audit timetable",
    "checkin-log": "Weekly check-in log",
    "research-notes": "Research notes",
    "short-report": "Short report",
    "action-plan": "Action plan",
}

KIND_SUMMARIES = {
    "briefing": "Purpose, who is involved, a task checklist with owners, and space for notes.",
    "group-recording": "For one recorder per group of 5 to 10: what works, ideas to improve, priorities.",
    "collation": "Gathers every response or group's findings in one place, then an action-planning table.",
    "response-form": "One per person: every statement, each question, a box per score and \"I don't know\".",
    "facilitator-guide": "How to run the exercise, step by step, with a checklist.",
    "audit-timetable": "When each focus group, interview and observation takes place, per component.",
    "checkin-log": "A page to record the weekly senior-leader check-in.",
    "research-notes": "Notes from each audit activity for one component.",
    "short-report": "Strengths, challenges and next steps for one component, agreed and signed.",
    "action-plan": "Actions, leads, dates, resources and how you will know it worked.",
}

VARIANTS = {
    "large-print": ("briefing", "group-recording", "response-form", "facilitator-guide", "action-plan"),
    "blank": ("group-recording", "response-form"),
    "fillable": ("response-form",),
}
"""Other versions of a document kind a build can add; ``site_config.yml`` chooses which."""

VARIANT_LABELS = {
    "large-print": "large print",
    "blank": "blank, for your own statements",
    "fillable": "fillable on screen",
}

DEFAULT_ROWS = {"group-recording": 6, "checkin-log": 12, "collation": 6, "action-plan": 8}


@dataclass(frozen=True, eq=False)
class PrintDocument:
    """One PDF to print. Compared by identity: two documents are never interchangeable."""

    path: str
    """Where the PDF goes, relative to the downloads folder, e.g. 'imhars/stage-1-planning/briefing.pdf'."""
    kind: str
    title: str
    content: Content
    stage: Stage | None = None
    description: str | None = None
    questionnaire: Questionnaire | None = None
    sections: tuple[Section, ...] = ()
    components: tuple[Component, ...] = ()
    guidance: GuidanceNote | None = None
    rows: int = 6
    variant: str | None = None
    """None for the standard document, else a key of VARIANTS."""

    @property
    def programme(self):
        return self.content.programme

    @property
    def kind_title(self) -> str:
        return KIND_TITLES[self.kind]

    @property
    def kind_summary(self) -> str:
        return KIND_SUMMARIES[self.kind]

    @property
    def variant_label(self) -> str:
        return VARIANT_LABELS[self.variant] if self.variant else "standard"


@dataclass(frozen=True, eq=False)
class Pack:
    path: str
    title: str
    content: Content
    documents: tuple[PrintDocument, ...]
    stage: Stage | None = None


@dataclass(frozen=True)
class Plan:
    documents: tuple[PrintDocument, ...]
    packs: tuple[Pack, ...]
    variants: tuple[PrintDocument, ...] = ()
    """Large-print, blank and fillable versions; not bound into packs."""

    @property
    def all_documents(self) -> tuple[PrintDocument, ...]:
        return self.documents + self.variants

    def for_stage(self, content: Content, stage: Stage) -> list[PrintDocument]:
        return [d for d in self.documents if d.content is content and d.stage is stage]

    def for_programme(self, content: Content) -> list[PrintDocument]:
        return [d for d in self.documents if d.content is content]

    def variants_of(self, doc: PrintDocument) -> list[PrintDocument]:
        return [v for v in self.variants if v.variant and v.path == variant_path(doc.path, v.variant)]

    def packs_for(self, content: Content) -> list[Pack]:
        return [p for p in self.packs if p.content is content]


def plan(programmes: list[Content], variants: tuple[str, ...] = ()) -> Plan:
    documents, packs = [], []
    for content in programmes:
        programme_docs = []
        for stage in content.stages:
            stage_docs = [doc for spec in stage_specs(stage) for doc in _documents_for(content, stage, spec)]
            programme_docs += stage_docs
            packs.append(Pack(f"{content.programme.id}/{stage_folder(stage)}-pack.pdf",
                              f"Stage {stage.number} pack: {stage.title}", content, tuple(stage_docs), stage))
        programme_docs += _unstaged_documents(content, programme_docs)
        documents += programme_docs
        packs.append(Pack(f"{content.programme.id}/{content.programme.id}-complete-pack.pdf",
                          f"Complete pack: {content.programme.title}", content, tuple(programme_docs)))
    extra = [_variant(doc, name) for doc in documents for name in variants if _has_variant(doc, name)]
    return Plan(tuple(documents), tuple(packs), tuple(extra))


def variant_path(path: str, variant: str) -> str:
    return path.removesuffix(".pdf") + f"-{variant}.pdf"


def _has_variant(doc: PrintDocument, variant: str) -> bool:
    if doc.kind not in VARIANTS[variant]:
        return False
    # A blank form differs from the standard one only where the standard one prints statements.
    return variant != "blank" or bool(doc.questionnaire or doc.components)


def _variant(doc: PrintDocument, variant: str) -> PrintDocument:
    return PrintDocument(**{**doc.__dict__, "path": variant_path(doc.path, variant), "variant": variant,
                            "title": f"{doc.title} ({VARIANT_LABELS[variant]})"})


def stage_folder(stage: Stage) -> str:
    return f"stage-{stage.number}-{stage.id}"


def stage_specs(stage: Stage) -> list[DocumentSpec]:
    """The stage's declared documents, with the standard three added where not declared."""
    declared = {spec.kind for spec in stage.documents}
    standard = [DocumentSpec(kind=kind) for kind in STAGE_STANDARD_KINDS if kind not in declared]
    order = {kind: i for i, kind in enumerate(KIND_TITLES)}
    return sorted([*stage.documents, *standard], key=lambda spec: order[spec.kind])


def _documents_for(content: Content, stage: Stage | None, spec: DocumentSpec) -> list[PrintDocument]:
    folder = f"{content.programme.id}/{stage_folder(stage) if stage else 'general'}"
    questionnaire = content.questionnaire(spec.questionnaire) if spec.questionnaire else None
    # The model refuses 'sections' without a 'questionnaire'.
    sections = tuple(questionnaire.section(s) for s in spec.sections) if questionnaire and spec.sections else \
        tuple(questionnaire.sections) if questionnaire else ()
    common: dict[str, Any]  # the fields every document of the spec shares
    common = dict(content=content, stage=stage, description=spec.description, questionnaire=questionnaire,
                  sections=sections, rows=spec.rows or DEFAULT_ROWS.get(spec.kind, 6),
                  guidance=content.guidance_note(spec.guidance) if spec.guidance else None)
    title = spec.title or KIND_TITLES[spec.kind]
    if spec.kind in ("research-notes", "short-report"):
        return [PrintDocument(f"{folder}/{spec.kind}-{c.id}.pdf", spec.kind, f"{title}: {c.title}",
                              components=(c,), **common) for c in content.components]
    components = tuple(content.components) if spec.components else ()
    return [PrintDocument(f"{folder}/{spec.kind}.pdf", spec.kind, title, components=components, **common)]


def _unstaged_documents(content: Content, staged: list[PrintDocument]) -> list[PrintDocument]:
    """A response form for each questionnaire and a sheet for each guidance note no stage provides."""
    have_forms = {d.questionnaire.id for d in staged if d.kind == "response-form" and d.questionnaire}
    have_guides = {d.guidance.id for d in staged if d.kind == "facilitator-guide" and d.guidance}
    specs = [DocumentSpec(kind="response-form", questionnaire=q.id)
             for q in content.questionnaires if q.id not in have_forms]
    specs += [DocumentSpec(kind="facilitator-guide", guidance=g.id)
              for g in content.guidance if g.id not in have_guides]
    docs = []
    for spec in specs:
        for doc in _documents_for(content, None, spec):
            name = spec.questionnaire or spec.guidance
            path = doc.path.replace(f"{spec.kind}.pdf", f"{spec.kind}-{name}.pdf")
            docs.append(PrintDocument(**{**doc.__dict__, "path": path}))
    return docs
