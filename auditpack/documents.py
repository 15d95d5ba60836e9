"""Which printable documents and packs a programme provides, and where each is written.

This is a plan, not a rendering: it turns the model into a list of :class:`PrintDocument`
(one PDF each, and an :class:`Edition` in each other format its kind offers) and :class:`Pack`
(several documents bound together behind a cover), so the site can link to them and the
renderers can make them without either knowing the other. What each kind is comes from
:data:`auditpack.kinds.KINDS`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from . import bilingual, i18n
from .i18n import gettext as _
from .kinds import BILINGUAL, FORMATS, GUIDANCE, KINDS, PDF, QUESTIONNAIRE, STANDARD_KINDS, VARIANTS, Format, Kind
from .model import (
    DEFAULT_RECORD_COLUMNS,
    Audience,
    Component,
    Content,
    DocumentSpec,
    GuidanceNote,
    Item,
    Questionnaire,
    RecordColumn,
    Section,
    Stage,
)


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
    """None for the standard document, else a key of :data:`auditpack.kinds.VARIANTS`."""
    audience: Audience | None = None
    """The questionnaire's audience the document is for (its sections, wording and introduction), if any."""
    record_columns: tuple[RecordColumn, ...] = ()
    """What is written beside each statement (see :func:`record_columns`)."""
    languages: tuple[str, ...] = ()
    """A bilingual document's two languages, the first printed first; its texts are two-language
    texts (see :mod:`auditpack.bilingual`). Empty for any other document."""

    @property
    def record_default(self) -> bool:
        """It records what a group's form records when its content declares nothing."""
        return len(self.record_columns) == len(DEFAULT_RECORD_COLUMNS) and all(c.builtin for c in self.record_columns)

    @property
    def record_wide(self) -> bool:
        """More text columns than sit side by side on a portrait page (three do, at about 55 mm each: a
        group form of 32 statements takes 15 portrait pages against 24 landscape): the form is printed landscape."""
        return sum(c.kind == "text" for c in self.record_columns) > 3

    @property
    def programme(self):
        return self.content.programme

    @property
    def declared(self) -> Kind:
        """Its kind's declaration in :data:`auditpack.kinds.KINDS`."""
        return KINDS[self.kind]

    @property
    def kind_title(self) -> str:
        return _(self.declared.title)

    @property
    def kind_summary(self) -> str:
        return _(self.declared.summary)

    @property
    def variant_label(self) -> str:
        label = _(VARIANTS[self.variant].label if self.variant else "standard")
        if self.languages:
            label += " (" + " / ".join(i18n.language_name(tag) for tag in self.languages) + ")"
        return label

    @property
    def variant_suffix(self) -> str | None:
        """What its file name adds to the standard document's: 'large-print', 'bilingual-cy-en'."""
        return "-".join((self.variant, *(tag.lower() for tag in self.languages))) if self.variant else None

    @property
    def introduction(self) -> str:
        """What the reader of a questionnaire's form reads first: its audience's introduction, if it has one."""
        assert self.questionnaire is not None, "only a questionnaire's documents have an introduction"
        return self.audience.introduction or self.questionnaire.introduction if self.audience \
            else self.questionnaire.introduction

    def statement(self, item: Item) -> str:
        """A statement as this document's reader sees it: in its audience's wording, if it has one."""
        return self.audience.statement(item) if self.audience else item.text


@dataclass(frozen=True, eq=False)
class Edition:
    """A planned document in a format besides PDF (say, an editable Word file), written beside its PDF."""

    document: PrintDocument
    format: Format

    @property
    def path(self) -> str:
        return self.format.path(self.document.path.removesuffix(PDF.extension))

    @property
    def title(self) -> str:
        return f"{self.document.title}, {_(self.format.link)}"


@dataclass(frozen=True, eq=False)
class Pack:
    path: str
    title: str
    content: Content
    documents: tuple[PrintDocument, ...]
    stage: Stage | None = None


@dataclass(frozen=True)
class InTwoLanguages:
    """A programme whose texts are each in two of its languages (see translations.in_both)."""

    content: Content
    languages: tuple[str, str]
    """The first printed first."""


@dataclass(frozen=True)
class Plan:
    documents: tuple[PrintDocument, ...]
    packs: tuple[Pack, ...]
    variants: tuple[PrintDocument, ...] = ()
    """Large-print, blank and fillable versions; not bound into packs."""
    editions: tuple[Edition, ...] = ()
    """The documents in their kinds' other formats than PDF; not bound into packs."""

    @property
    def all_documents(self) -> tuple[PrintDocument, ...]:
        return self.documents + self.variants

    def for_stage(self, content: Content, stage: Stage) -> list[PrintDocument]:
        return [d for d in self.documents if d.content is content and d.stage is stage]

    def for_programme(self, content: Content) -> list[PrintDocument]:
        return [d for d in self.documents if d.content is content]

    def variants_of(self, doc: PrintDocument) -> list[PrintDocument]:
        return [v for v in self.variants if v.variant_suffix and v.path == variant_path(doc.path, v.variant_suffix)]

    def editions_of(self, doc: PrintDocument) -> list[Edition]:
        return [e for e in self.editions if e.document is doc]

    def packs_for(self, content: Content) -> list[Pack]:
        return [p for p in self.packs if p.content is content]


def plan(programmes: list[Content], variants: tuple[str, ...] = (), formats: tuple[str, ...] | None = None,
         bilingual: tuple[InTwoLanguages, ...] = ()) -> Plan:
    """The documents and packs of ``programmes``, with the ``variants`` chosen in the settings, and each
    document in its kind's ``formats`` besides PDF (None: all of them). The bilingual variant is made
    of the programmes in ``bilingual``, one for each of them."""
    documents: list[PrintDocument] = []
    packs: list[Pack] = []
    for content in programmes:
        with i18n.speaking(content.programme.language):
            programme_docs = _programme_documents(content, packs)
        documents += programme_docs
    extra = [_variant(doc, name) for doc in documents for name in variants
             if name != BILINGUAL and _has_variant(doc, name)]
    if BILINGUAL in variants:
        extra += [doc for two in bilingual for doc in _bilingual(two)]
    editions = [Edition(doc, FORMATS[name]) for doc in documents for name in doc.declared.formats
                if name != PDF.name and (formats is None or name in formats)]
    return Plan(tuple(documents), tuple(packs), tuple(extra), tuple(editions))


def _programme_documents(content: Content, packs: list[Pack]) -> list[PrintDocument]:
    """A programme's documents, its packs added to ``packs``; titles in the programme's language."""
    programme_docs: list[PrintDocument] = []
    for stage in content.stages:
        stage_docs = [doc for spec in stage_specs(stage) for doc in _documents_for(content, stage, spec)]
        programme_docs += stage_docs
        packs.append(Pack(PDF.path(f"{content.programme.id}/{stage_folder(stage)}-pack"),
                          _("Stage %(number)s pack: %(title)s") % {"number": stage.number, "title": stage.title},
                          content, tuple(stage_docs), stage))
    programme_docs += _unstaged_documents(content, programme_docs)
    packs.append(Pack(PDF.path(f"{content.programme.id}/{content.programme.id}-complete-pack"),
                      _("Complete pack: %(title)s") % {"title": content.programme.title}, content,
                      tuple(programme_docs)))
    return programme_docs


def variant_path(path: str, variant: str) -> str:
    return PDF.path(path.removesuffix(PDF.extension) + f"-{variant}")


def _has_variant(doc: PrintDocument, variant: str) -> bool:
    if variant not in doc.declared.variants:
        return False
    # A blank form differs from the standard one only where the standard one prints statements.
    return not VARIANTS[variant].needs_statements or bool(doc.questionnaire or doc.components)


def _variant(doc: PrintDocument, variant: str) -> PrintDocument:
    with i18n.speaking(doc.programme.language):
        title = f"{doc.title} ({_(VARIANTS[variant].label)})"
    return PrintDocument(**{**doc.__dict__, "path": variant_path(doc.path, variant), "variant": variant,
                            "title": title})


def _bilingual(two: InTwoLanguages) -> list[PrintDocument]:
    """The bilingual variant of each document of a programme in two languages that has one."""
    with i18n.speaking(*two.languages):
        documents = _programme_documents(two.content, [])
        label = _(VARIANTS[BILINGUAL].label)
    made = [PrintDocument(**{**doc.__dict__, "variant": BILINGUAL, "languages": two.languages,
                             "title": bilingual.apart(f"{doc.title} ({label})")})
            for doc in documents if _has_variant(doc, BILINGUAL)]
    return [dataclasses.replace(doc, path=variant_path(doc.path, doc.variant_suffix or "")) for doc in made]


def stage_folder(stage: Stage) -> str:
    return f"stage-{stage.number}-{stage.id}"


def stage_specs(stage: Stage) -> list[DocumentSpec]:
    """The stage's declared documents, with the standard three added where not declared."""
    declared = {spec.kind for spec in stage.documents}
    standard = [DocumentSpec(kind=kind) for kind in STANDARD_KINDS if kind not in declared]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted([*stage.documents, *standard], key=lambda spec: order[spec.kind])


def _documents_for(content: Content, stage: Stage | None, spec: DocumentSpec,
                   suffix: str | None = None) -> list[PrintDocument]:
    kind = KINDS[spec.kind]
    folder = f"{content.programme.id}/{stage_folder(stage) if stage else 'general'}"
    questionnaire = content.questionnaire(spec.questionnaire) if spec.questionnaire else None
    # The model refuses 'sections' without a 'questionnaire'.
    sections = tuple(questionnaire.section(s) for s in spec.sections) if questionnaire and spec.sections else \
        tuple(questionnaire.sections) if questionnaire else ()
    common: dict[str, Any]  # the fields every document of the spec shares
    common = dict(content=content, stage=stage, description=spec.description, questionnaire=questionnaire,
                  sections=sections, rows=spec.rows or kind.rows,
                  record_columns=record_columns(kind, spec, questionnaire),
                  guidance=content.guidance_note(spec.guidance) if spec.guidance else None)
    title = spec.title or _(kind.title)
    if kind.per_audience and questionnaire and questionnaire.audiences:
        return [_for_audience(PrintDocument(PDF.path(f"{folder}/{kind.file_stem(suffix or questionnaire.id, a.id)}"),
                                            spec.kind, f"{title}: {a.title_in(questionnaire)}", **common), a)
                for a in questionnaire.audiences]
    if kind.per_component:
        return [PrintDocument(PDF.path(f"{folder}/{kind.file_stem(c.id)}"), spec.kind, f"{title}: {c.title}",
                              components=(c,), **common) for c in content.components]
    components = tuple(content.components) if spec.components else ()
    return [PrintDocument(PDF.path(f"{folder}/{kind.file_stem(suffix)}"), spec.kind, title, components=components,
                          **common)]


def _for_audience(doc: PrintDocument, audience: Audience) -> PrintDocument:
    """The document for one audience: only the sections it answers (of those the document draws on)."""
    assert doc.questionnaire is not None, "only a questionnaire has audiences"
    mine = {s.id for s in doc.questionnaire.sections_for(audience)}
    return PrintDocument(**{**doc.__dict__, "audience": audience,
                            "sections": tuple(s for s in doc.sections if s.id in mine)})


def record_columns(kind: Kind, spec: DocumentSpec, questionnaire: Questionnaire | None) -> tuple[RecordColumn, ...]:
    """The stage's own declaration, else its questionnaire's, else the default of a group's form
    (what works, ideas, priority) or nothing on an individual's."""
    for declared in (spec.record_columns, questionnaire.record_columns if questionnaire else None):
        if declared is not None:
            return tuple(declared)
    if not kind.group:
        return ()
    return tuple(column.model_copy(update={"heading": _(column.heading)}) for column in DEFAULT_RECORD_COLUMNS)


def questionnaire_record_columns(content: Content, questionnaire: Questionnaire) -> dict[str, RecordColumn]:
    """Every record column a form of the questionnaire may come back with, by id: its own declaration's,
    its stages' forms', and a group's form's default; the first declared of an id wins."""
    found: dict[str, RecordColumn] = {}
    specs = [spec for stage in content.stages for spec in stage_specs(stage) if spec.questionnaire == questionnaire.id]
    declared = [record_columns(KINDS[spec.kind], spec, questionnaire) for spec in specs]
    for column in [*(questionnaire.record_columns or ()), *(c for columns in declared for c in columns)]:
        found.setdefault(column.id, column)
    return found


def _unstaged_documents(content: Content, staged: list[PrintDocument]) -> list[PrintDocument]:
    """For each kind made for every questionnaire (or guidance note), one for each that no stage provides
    it for, named after the questionnaire (or note)."""
    specs = []
    for kind in KINDS.values():
        if kind.every == QUESTIONNAIRE:
            have = {d.questionnaire.id for d in staged if d.kind == kind.name and d.questionnaire}
            specs += [DocumentSpec(kind=kind.name, questionnaire=q.id)
                      for q in content.questionnaires if q.id not in have]
        elif kind.every == GUIDANCE:
            have = {d.guidance.id for d in staged if d.kind == kind.name and d.guidance}
            specs += [DocumentSpec(kind=kind.name, guidance=g.id) for g in content.guidance if g.id not in have]
    return [doc for spec in specs for doc in _documents_for(content, None, spec, spec.questionnaire or spec.guidance)]
