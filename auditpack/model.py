"""The typed audit programme: what advisors describe, validated and cross-referenced.

Everything downstream (site pages, print documents) reads only these classes.
Unknown keys are errors so that a misspelt key never passes silently.
References between parts (a task's owners, a document's questionnaire) are
checked against the ids declared in the same programme, which the validator
passes in as context; see :mod:`auditpack.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import codes, i18n
from .errors import Invalid, one_of, suggest
from .i18n import N_, ntell, tell
from .i18n import gettext as _
from .kinds import COMPONENTS, GUIDANCE, KINDS, QUESTIONNAIRE

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
"""Prose written by advisors; Markdown is allowed."""
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
def _language_tag(value: str) -> str:
    """A language's tag names folders and files: see :func:`auditpack.i18n.is_language_tag`."""
    if not i18n.is_language_tag(value):
        raise Invalid(codes.BAD_LANGUAGE_TAG, tell("'%(value)s' is not a language tag") % {"value": value[:40]},
                      tell("a tag such as cy, en-GB, ar, pt-BR"),
                      hint=tell("write the language's ISO 639 code, e.g. cy for Welsh"))
    return value


LanguageTag = Annotated[str, StringConstraints(strip_whitespace=True, max_length=35), AfterValidator(_language_tag)]


def _fits_short_text(value) -> bool:
    return isinstance(value, str) and 1 <= len(value.strip()) <= 200


LATEST_STAMP = 2**32 - 1
"""The latest time output can be stamped with, in seconds since 1970: the sitemap's gzip header holds
it in 32 bits. A build is dated by its newest publication date (see :func:`auditpack.pipeline.build_date`)."""
EARLIEST_PUBLISHED = dt.date(1970, 1, 1)
LATEST_PUBLISHED = dt.datetime.fromtimestamp(LATEST_STAMP, dt.UTC).date()


def _is_date(value) -> bool:
    try:
        return EARLIEST_PUBLISHED <= dt.date.fromisoformat(value) <= LATEST_PUBLISHED
    except (TypeError, ValueError):
        return False


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
    """Each field's docstring is its description in the JSON Schema, which editors show beside the key."""


def _known(info: ValidationInfo, kind: str) -> set[str] | None:
    """Ids of ``kind`` declared in this programme, or None when not checking references."""
    return (info.context or {}).get(kind)


def _check_refs(values, info: ValidationInfo, kind: str):
    known = _known(info, kind)
    if known is None or values is None:
        return values
    for value in [values] if isinstance(values, str) else values:
        if value not in known:
            choices = sorted(known)
            code, message = _UNKNOWN[kind]
            expected = one_of(choices) if choices else tell("one of: none declared")
            raise Invalid(code, tell(message) % {"id": value}, expected, suggest(value, choices), choices)
    return values


_UNKNOWN = {"roles": (codes.UNKNOWN_ROLE, N_("unknown role '%(id)s'")),
            "pathways": (codes.UNKNOWN_PATHWAY, N_("unknown pathway '%(id)s'")),
            "questionnaires": (codes.UNKNOWN_QUESTIONNAIRE, N_("unknown questionnaire '%(id)s'")),
            "guidance": (codes.UNKNOWN_GUIDANCE, N_("unknown guidance note '%(id)s'")),
            "components": (codes.UNKNOWN_COMPONENT, N_("unknown component '%(id)s'"))}
"""The code and the message of a reference to an id of each kind that the programme does not declare."""

# Record columns: what is written beside each statement on a form ------------------------------

ColumnKind = Literal["text", "choice", "rating"]
MAX_RECORD_COLUMNS = 6
"""Record columns a form may have: each statement's block must still fit on one page."""
MAX_TEXT_COLUMNS = 4
"""Text columns side by side: two on a portrait page, up to four (each over 50 mm wide) on a landscape one."""


class RecordColumn(Strict):
    """One thing a form has written beside each statement: free text, a choice, or a rating."""

    id: Id
    """Stable name of the column: fillable-form fields, online exports and collate's CSV use it."""
    heading: ShortText
    """What the column is headed on every form, e.g. 'Evidence' or 'Actions, short term'."""
    kind: ColumnKind = "text"
    """'text' (lines to write on), 'choice' (one of ``choices`` ticked) or 'rating' (a point of the
    questionnaire's scale)."""
    lines: int = Field(default=3, ge=1, le=12)
    """Lines to write on, for a 'text' column."""
    choices: list[ShortText] = Field(default=[], max_length=8)
    """The options of a 'choice' column, in the order printed, e.g. [High, Medium, Low]: the values
    answers are stored by, so the same in every language."""
    labels: list[ShortText] = Field(default=[], max_length=8)
    """The words printed for ``choices``, one each in the same order, where they are not the values
    themselves: a translation file gives them for another language (``choices/0``...)."""
    _builtin: bool = PrivateAttr(default=False)
    """One of :data:`DEFAULT_RECORD_COLUMNS`, whose words auditpack translates."""
    shown_in_report: bool = False
    """Whether the collation report may quote what was written in this column. Off by default: free
    text is kept per response in its own CSV beside the report, never in the summary."""

    @model_validator(mode="after")
    def _choices_fit_kind(self):
        if self.kind == "choice" and not self.choices:
            raise Invalid(codes.RECORD_CHOICES,
                          tell("record column '%(id)s' is a choice but lists no 'choices'") % {"id": self.id},
                          tell("'choices:' with at least one option, e.g. [High, Medium, Low]"))
        if self.kind != "choice" and self.choices:
            raise Invalid(codes.RECORD_CHOICES, tell("record column '%(id)s' lists 'choices' but is a '%(kind)s'") % {
                              "id": self.id, "kind": self.kind}, tell("'kind: choice', or no 'choices'"))
        if self.labels and len(self.labels) != len(self.choices):
            raise Invalid(codes.RECORD_CHOICES,
                          ntell("record column '%(id)s' has %(labels)d 'labels' for %(choices)d 'choices'",
                                "record column '%(id)s' has %(labels)d 'labels' for %(choices)d 'choices'",
                                len(self.labels)) % {"id": self.id, "labels": len(self.labels),
                                                     "choices": len(self.choices)},
                          tell("one label for each choice, in the same order"), at=("labels",))
        return self

    @property
    def builtin(self) -> bool:
        """One of :data:`DEFAULT_RECORD_COLUMNS` (in any language)."""
        return self._builtin

    def options(self, questionnaire: Questionnaire | None) -> list[tuple[str, str]]:
        """(answer value, words printed) of a choice or rating column, in the order printed."""
        if self.kind == "rating" and questionnaire is not None:
            return [(str(p.value), f"{p.value} {p.label}") for p in questionnaire.scale]
        labels = self.labels or [_(c) if self._builtin else c for c in self.choices]
        return list(zip(self.choices, labels, strict=True))


def _check_record_columns(columns: list[RecordColumn] | None) -> list[RecordColumn] | None:
    if columns is None:
        return columns
    ids = [c.id for c in columns]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise Invalid(codes.DUPLICATE_RECORD_COLUMN,
                      tell("record column id '%(id)s' is used twice") % {"id": repeated[0]},
                      tell("a different id for each column of one form"))
    texts = sum(c.kind == "text" for c in columns)
    if len(columns) > MAX_RECORD_COLUMNS or texts > MAX_TEXT_COLUMNS:
        raise Invalid(codes.TOO_MANY_RECORD_COLUMNS,
                      ntell("%(count)d record column (%(texts)d of them text) does not fit beside a statement",
                            "%(count)d record columns (%(texts)d of them text) do not fit beside a statement",
                            len(columns)) % {"count": len(columns), "texts": texts},
                      ntell("at most %(count)d column, of which at most %(texts)d text",
                            "at most %(count)d columns, of which at most %(texts)d text",
                            MAX_RECORD_COLUMNS) % {"count": MAX_RECORD_COLUMNS, "texts": MAX_TEXT_COLUMNS})
    return columns


DEFAULT_RECORD_COLUMNS = (
    RecordColumn(id="working", heading=N_("Already working, good practice")),
    RecordColumn(id="ideas", heading=N_("Ideas for improvement")),
    RecordColumn(id="priority", heading=N_("Priority"), kind="choice", choices=[N_("High"), N_("Medium"), N_("Low")]),
)
"""What a group's form records beside each statement when its content declares nothing. Their words
are auditpack's own, so they are printed in the programme's language (the plan translates the
headings; :meth:`RecordColumn.options` the choices, whose values stay as they are here)."""
for _column in DEFAULT_RECORD_COLUMNS:
    _column._builtin = True


class Programme(Strict):
    id: Id
    title: ShortText
    short_title: ShortText = Field(default_factory=str)
    """Printed in every page header; without it, the title is (the default is never used: a programme
    without a title is rejected)."""
    publisher: ShortText | None = None
    """Who publishes the programme, on covers and the overview page; without it, no one is named."""
    version: ShortText
    published: dt.date | None = None
    """The date of this version; without it, the date of the newest changelog entry, else no date is
    printed beside the version."""
    summary: Text | None = None
    """What the programme is, on the home page, the overview page and pack covers."""
    licence: Text | None = None
    """Who may copy and adapt the programme; without it, nothing is said about copying."""
    language: LanguageTag = "en-GB"
    translations: list[LanguageTag] = []
    """Other languages the programme is published in, e.g. [cy]: each has its translation file,
    translations/LANGUAGE.po in the programme's folder (see auditpack/translations.py)."""
    bilingual_first: LanguageTag | None = None
    """Which language a bilingual form prints first, e.g. cy: each of ``translations`` gets forms in
    it and the programme's own language together. Without it, the programme's own language."""
    audience: Text | None = None
    """Who the programme is for, shown on the overview page."""

    @model_validator(mode="before")
    @classmethod
    def _short_title_from_title(cls, data):
        """A missing short title is the title itself (copied only when the title can be one, so a bad
        title is reported once, at the title)."""
        if isinstance(data, dict) and "short_title" not in data and _fits_short_text(data.get("title")):
            return {**data, "short_title": data["title"]}
        return data

    @model_validator(mode="after")
    def _translations_are_other_languages(self):
        tags = [i18n.tag_key(t) for t in self.translations]
        own = i18n.tag_key(self.language)
        repeated = sorted({t for t in tags if tags.count(t) > 1 or t == own})
        if repeated:
            listed = {"tag": repeated[0]}
            raise Invalid(codes.BAD_TRANSLATIONS, tell("'translations' lists '%(tag)s' twice") % listed
                          if repeated[0] != own else
                          tell("'translations' lists '%(tag)s' which is the programme's own language") % listed,
                          tell("each other language once, e.g. [cy]"), at=("translations",))
        if self.bilingual_first is not None and i18n.tag_key(self.bilingual_first) not in [own, *tags]:
            raise Invalid(codes.BAD_BILINGUAL_FIRST, tell("'bilingual_first' is '%(tag)s', which the programme is "
                                                          "neither written nor translated in") % {
                              "tag": self.bilingual_first},
                          tell("one of %(choices)s") % {"choices": ", ".join([self.language, *self.translations])},
                          at=("bilingual_first",))
        return self

    def first_of(self, one: str, other: str) -> tuple[str, str]:
        """Two of its languages in the order a bilingual form prints them (see ``bilingual_first``)."""
        first = i18n.tag_key(self.bilingual_first or self.language)
        return (other, one) if i18n.tag_key(other) == first else (one, other)

    @field_validator("published")
    @classmethod
    def _published_can_be_stamped(cls, value: dt.date | None):
        if value is not None and not EARLIEST_PUBLISHED <= value <= LATEST_PUBLISHED:
            raise Invalid(codes.DATE_OUT_OF_RANGE,
                          tell("%(date)s is a date the site and PDFs cannot be stamped with") % {"date": value},
                          tell("a date from %(earliest)s to %(latest)s") % {"earliest": EARLIEST_PUBLISHED,
                                                                            "latest": LATEST_PUBLISHED})
        return value


class Role(Strict):
    id: Id
    name: ShortText
    description: Text | None = None
    """What the role does in the programme, on the overview page and briefing sheets."""


class Pathway(Strict):
    id: Id
    name: ShortText
    description: Text | None = None
    """Which schools the pathway suits, on the overview page."""


class Task(Strict):
    id: Id
    text: Text
    owners: list[Id] = Field(min_length=1)
    pathway: Id | None = None
    """The task belongs only to this pathway; without it, to every pathway."""
    time: ShortText | None = None
    optional: bool = False

    @field_validator("owners")
    @classmethod
    def _owners_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "roles")
    @field_validator("pathway")
    @classmethod
    def _pathway_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "pathways")


if TYPE_CHECKING:
    DocumentKind = str
else:
    DocumentKind = Literal[tuple(KINDS)]
"""The kinds declared in :data:`auditpack.kinds.KINDS`, in their order there."""


class DocumentSpec(Strict):
    kind: DocumentKind
    title: ShortText | None = None
    description: Text | None = None
    questionnaire: Id | None = None
    sections: list[Id] = []
    """Questionnaire sections the document draws on; empty means all of them."""
    components: bool = False
    """Draw on the programme's components (one block, or one document, per component)."""
    guidance: Id | None = None
    rows: int | None = Field(default=None, ge=1, le=60)
    """Blank rows to print where a form records topics, people or sessions."""
    record_columns: list[RecordColumn] | None = None
    """What this stage's form has written beside each statement, instead of its questionnaire's
    ``record_columns``; ``[]`` for none."""

    @field_validator("record_columns")
    @classmethod
    def _record_columns_fit(cls, value):
        return _check_record_columns(value)

    @model_validator(mode="after")
    def _ratings_need_a_scale(self):
        if self.record_columns and not {QUESTIONNAIRE, COMPONENTS} & set(KINDS[self.kind].draws_on):
            raise Invalid(codes.INVALID_VALUE, tell("a '%(kind)s' document prints no statements to set "
                                                    "'record_columns' beside") % {"kind": self.kind},
                          tell("'record_columns' only on a form that prints statements"))
        if not self.questionnaire and any(c.kind == "rating" for c in self.record_columns or ()):
            raise Invalid(codes.INCOMPLETE_DOCUMENT,
                          tell("a 'rating' record column needs a 'questionnaire' for its scale"))
        return self

    @field_validator("questionnaire")
    @classmethod
    def _questionnaire_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "questionnaires")
    @field_validator("guidance")
    @classmethod
    def _guidance_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "guidance")

    @model_validator(mode="after")
    def _sections_belong(self, info: ValidationInfo):
        known = (info.context or {}).get("sections", {}).get(self.questionnaire)
        if self.sections and not self.questionnaire:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, tell("'sections' needs a 'questionnaire' to choose them from"))
        if known is not None:
            for section in self.sections:
                if section not in known:
                    raise Invalid(codes.UNKNOWN_SECTION,
                                  tell("unknown section '%(section)s' of questionnaire '%(questionnaire)s'") % {
                                      "section": section, "questionnaire": self.questionnaire},
                                  hint=suggest(section, sorted(known)), choices=sorted(known))
        needs, kind = KINDS[self.kind].needs, {"kind": self.kind}
        if needs == QUESTIONNAIRE and not self.questionnaire:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, tell("a '%(kind)s' document needs a 'questionnaire'") % kind)
        if needs == GUIDANCE and not self.guidance:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, tell("a '%(kind)s' document needs a 'guidance' note id") % kind)
        if needs == COMPONENTS and not self.components:
            raise Invalid(codes.INCOMPLETE_DOCUMENT,
                          tell("a '%(kind)s' document is made per component: set 'components: true'") % kind)
        return self


class Stage(Strict):
    number: int = Field(ge=1, le=20)
    id: Id
    title: ShortText
    purpose: Text
    outcome: Text | None = None
    """What the stage produces, on its page and briefing sheet; without it, that line is left out."""
    time: ShortText | None = None
    """Overall time the stage needs, e.g. '2 to 3 weeks'."""
    tasks: list[Task] = Field(min_length=1)
    documents: list[DocumentSpec] = []
    notes: Text | None = None

    @field_validator("documents")
    @classmethod
    def _one_per_kind(cls, documents: list[DocumentSpec]) -> list[DocumentSpec]:
        kinds = [d.kind for d in documents]
        repeated = sorted({k for k in kinds if kinds.count(k) > 1})
        if repeated:
            raise Invalid(codes.DUPLICATE_DOCUMENT,
                          tell("document kind '%(kind)s' is listed twice in one stage") % {"kind": repeated[0]},
                          tell("each kind at most once per stage"))
        return documents

    def tasks_for(self, pathway: str | None) -> list[Task]:
        """The stage's tasks as one pathway sees them; None means every task."""
        return [t for t in self.tasks if pathway is None or t.pathway in (None, pathway)]


Activity = Literal["focus-group", "interview", "observation", "learning-walk", "document-review", "survey"]


class AuditActivity(Strict):
    kind: Activity
    with_: ShortText = Field(alias="with")
    """Who takes part, e.g. 'a group of 6 to 8 pupils'."""
    time: ShortText | None = None


class Component(Strict):
    id: Id
    title: ShortText
    description: Text
    activities: list[AuditActivity] = Field(min_length=1)
    effort_days: float = Field(gt=0, le=30)
    questions: list[Text] = []
    """Questions the audit of this component explores."""


class GuidanceNote(Strict):
    id: Id
    title: ShortText
    purpose: Text
    aims: list[Text] = []
    steps: list[Text] = Field(min_length=1)
    notes: list[Text] = []


SCALE_CODE = r"^[A-Za-z0-9]{1,3}$"
DONT_KNOW = "dk"
"""The answer key of "I don't know" in every format (PDF /Opt values, online exports, tally columns), so no
scale point may have it as its code; :mod:`auditpack.answer_formats` hands it on."""


def _scale_code(value: str) -> str:
    if not re.match(SCALE_CODE, value):
        raise Invalid(codes.SCALE_CODE, tell("'%(value)s' is not a code") % {"value": value[:20]},
                      tell("one to three letters or digits, e.g. R, A, G"))
    return value


ScaleCode = Annotated[str, AfterValidator(_scale_code), WithJsonSchema({"type": "string", "pattern": SCALE_CODE})]
"""A categorical point's code as forms print it and answer files hold it: one to three letters or digits."""


class ScalePoint(Strict):
    value: int | None = Field(default=None, ge=0, le=10)
    """The point's number, printed beside its label and used for medians (ordinal scales; required there)."""
    label: ShortText
    description: Text | None = None
    # --- scale kinds (issue 13) ---
    code: ScaleCode | None = None
    """A categorical point's short code, such as R, A or G, or Y, P or N (categorical scales; required there).
    Forms print the code and the label, never a number."""

    @property
    def key(self) -> str:
        """The answer as forms and answer files hold it, and as forms print it: the code of a categorical
        point, the number of an ordinal one."""
        return self.code if self.code is not None else str(self.value)


class Dimension(Strict):
    id: Id
    question: ShortText
    short: ShortText
    """A short column heading for tables and tally grids."""
    dont_know: bool = True


class Item(Strict):
    id: Id
    text: Text


class Section(Strict):
    id: Id
    title: ShortText
    description: Text | None = None
    items: list[Item] = Field(min_length=1)


class Judgement(Strict):
    """What makes a statement a strength or a need; the report prints the rule it used."""

    strength: list[ScaleCode] = []
    """Categorical scales: the codes of the points that count towards a strength, e.g. [G]."""
    need: list[ScaleCode] = []
    """Categorical scales: the codes of the points that count towards a need, e.g. [R]."""
    share: float = Field(default=0.5, gt=0, le=1)
    """Categorical scales: a statement is a strength when, on every question, at least this share of the
    answers (other than "don't know") are strength codes; a need when, on some question, at least this share
    are need codes."""
    strength_above: float | None = None
    """Ordinal scales: a strength needs every question's median above this (default: the middle of the scale)."""
    need_below: float | None = None
    """Ordinal scales: a need has some question's median below this (default: the middle of the scale)."""
    gap: float | None = Field(default=None, gt=0)
    """Ordinal scales with two or more questions: a gap between the first two questions' medians of at least
    this is a need, and no strength (default 1)."""

    def check(self, q: Questionnaire) -> None:
        """Raises :class:`Invalid` where the rule does not fit the questionnaire's scale."""
        if q.ordinal:
            for key in ("strength", "need"):
                if getattr(self, key):
                    raise Invalid(codes.JUDGEMENT,
                                  tell("'%(key)s' lists codes, which an ordinal scale has none of") % {"key": key},
                                  tell("'strength_above', 'need_below' or 'gap' for an ordinal scale"),
                                  at=("judgement", key))
            values = [p.value for p in q.scale if p.value is not None]
            for key in ("strength_above", "need_below"):
                bound = getattr(self, key)
                if bound is not None and not values[0] <= bound <= values[-1]:
                    raise Invalid(codes.JUDGEMENT,
                                  tell("'%(key)s' is %(bound)s, outside the scale") % {"key": key, "bound": bound},
                                  tell("a number from %(lowest)s to %(highest)s") % {
                                      "lowest": values[0], "highest": values[-1]}, at=("judgement", key))
            return
        for key in ("strength_above", "need_below", "gap"):
            if getattr(self, key) is not None:
                raise Invalid(codes.JUDGEMENT,
                              tell("'%(key)s' compares medians, which a categorical scale has none of") % {"key": key},
                              tell("'strength', 'need' and 'share' for a categorical scale"), at=("judgement", key))
        known = [p.code for p in q.scale if p.code is not None]
        for key in ("strength", "need"):
            for index, code in enumerate(getattr(self, key)):
                if code not in known:
                    raise Invalid(codes.JUDGEMENT, tell("'%(key)s' names code '%(code)s', which no point of the scale "
                                                        "has") % {"key": key, "code": code},
                                  one_of(known), suggest(code, known), known, at=("judgement", key, index))
        both = sorted(set(self.strength) & set(self.need))
        if both:
            raise Invalid(codes.JUDGEMENT,
                          tell("code '%(code)s' counts both as a strength and as a need") % {"code": both[0]},
                          tell("each code in at most one of 'strength' and 'need'"), at=("judgement", "need"))


class Questionnaire(Strict):
    id: Id
    title: ShortText
    introduction: Text
    respondents: list[Id] = Field(min_length=1)
    scale: list[ScalePoint] = Field(min_length=2, max_length=10)
    scale_note: Text | None = None
    """Why this scale; printed beside it."""
    dont_know_wording: ShortText | None = Field(default=None, alias="dont_know_label")
    """What the "don't know" answer is called on forms; without it, "I don't know" in the programme's language."""
    dimensions: list[Dimension] = Field(min_length=1, max_length=4)
    sections: list[Section] = Field(min_length=1)
    record_columns: list[RecordColumn] | None = None
    """What every form of this questionnaire has written beside each statement (see RecordColumn).
    Without it, group forms record what already works, ideas and a priority, and individual forms nothing."""

    @property
    def dont_know_label(self) -> str:
        """The "don't know" answer's name on forms: the content's, else auditpack's in the language being written."""
        return self.dont_know_wording or _("I don't know")

    @field_validator("record_columns")
    @classmethod
    def _record_columns_fit(cls, value):
        return _check_record_columns(value)

    @field_validator("respondents")
    @classmethod
    def _respondents_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "roles")

    @field_validator("scale")
    @classmethod
    def _scale_ascends(cls, scale: list[ScalePoint]) -> list[ScalePoint]:
        values = [p.value for p in scale if p.value is not None]
        if values != sorted(set(values)):
            raise Invalid(codes.SCALE_ORDER,
                          tell("scale values must be distinct and in ascending order (got %(values)s)") % {
                              "values": values})
        return scale

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    # --- scale kinds (issue 13) ---
    scale_kind: Literal["ordinal", "categorical"] = "ordinal"
    """'ordinal': numbered points (each with a 'value'), summed up by medians and means. 'categorical': points
    with a 'code' (R, A, G) and no number, summed up by the share of each answer and the most common one.
    Points are shown in the order listed."""
    judgement: Judgement | None = None
    """What counts as a strength or a need. Without it, an ordinal scale uses the middle of the scale and a
    gap of 1; a categorical scale judges no statement."""

    @property
    def ordinal(self) -> bool:
        return self.scale_kind == "ordinal"

    def point(self, key: str) -> ScalePoint | None:
        return next((p for p in self.scale if p.key == key), None)

    @model_validator(mode="after")
    def _points_fit_the_kind(self):
        needs, other = ("value", "code") if self.ordinal else ("code", "value")
        missing, unused, expected, only = _POINT_OF_ORDINAL if self.ordinal else _POINT_OF_CATEGORICAL
        for index, point in enumerate(self.scale):
            if getattr(point, needs) is None:
                raise Invalid(codes.SCALE_POINT, tell(missing) % {"label": point.label}, tell(expected),
                              at=("scale", index))
            if getattr(point, other) is not None:
                raise Invalid(codes.SCALE_POINT, tell(unused) % {"label": point.label}, tell(only),
                              at=("scale", index, other))
        seen: dict[str, str] = {DONT_KNOW: self.dont_know_label}
        for index, point in enumerate(self.scale):
            if point.code is None:
                continue
            clash = seen.get(point.code.lower())
            if clash is not None:
                raise Invalid(codes.SCALE_CODE, _code_used(point.code, clash),
                              tell("a code no other point has (capitals and small letters count as the same)"),
                              at=("scale", index, "code"))
            seen[point.code.lower()] = point.label
        if self.judgement is not None:
            self.judgement.check(self)
        return self
    # --- Audiences and numbering (issue 13, items 4 to 6) ---------------------------------------
    audiences: list[Audience] = []
    """Who answers which part of the questionnaire (e.g. staff, pupils, parents), each with its own
    sections, wording, title and introduction. Each audience gets its own response forms, online form
    and part of the questionnaire's page; answers say which audience they are from. Without it, one
    set of forms for everyone. (:mod:`auditpack.validate` checks their sections and wording.)"""
    gap_wording: ShortText | None = None
    """When a statement's second question scores below its first, how the collation template names it
    as a need, e.g. "the school's support lags behind what staff do". Without it, the questions' short
    headings are named."""

    @cached_property
    def numbers(self) -> Numbering:
        """Each section's and statement's number in this questionnaire, counted once: every form, page
        and audience's part of it prints these, so 'section 3' means the same on each."""
        return Numbering({s.id: n for n, s in enumerate(self.sections, start=1)},
                         {i.id: n for n, i in enumerate(self.items, start=1)})

    def section_number(self, section: Section) -> int:
        return self.numbers.sections[section.id]

    def item_number(self, item: Item) -> int:
        return self.numbers.items[item.id]

    def audience(self, audience_id: str) -> Audience:
        return next(a for a in self.audiences if a.id == audience_id)

    def sections_for(self, audience: Audience | None) -> list[Section]:
        """The sections an audience answers (all of them without an audience), in the questionnaire's order."""
        if audience is None or not audience.sections:
            return list(self.sections)
        return [s for s in self.sections if s.id in audience.sections]


_POINT_OF_ORDINAL = (N_("point '%(label)s' of an ordinal scale has no 'value'"),
                     N_("point '%(label)s' has a 'code', which an ordinal scale does not use"),
                     N_("'value:' on every point of an ordinal scale"), N_("only 'value:' (or set 'scale_kind')"))
_POINT_OF_CATEGORICAL = (N_("point '%(label)s' of a categorical scale has no 'code'"),
                         N_("point '%(label)s' has a 'value', which a categorical scale does not use"),
                         N_("'code:' on every point of a categorical scale"), N_("only 'code:' (or set 'scale_kind')"))
"""What is said of a point that does not fit its scale's kind: its key missing, the other kind's key given,
and what was expected in each case."""


def _code_used(code: str, clash: str) -> str:
    """A scale point's code that the "don't know" answer or an earlier point already has."""
    if code.lower() == DONT_KNOW:
        return tell("code '%(code)s' is already used by the answer '%(dont_know)s' (%(label)s)") % {
            "code": code, "dont_know": DONT_KNOW, "label": clash}
    return tell("code '%(code)s' is already used by point '%(label)s'") % {"code": code, "label": clash}


@dataclass(frozen=True)
class Numbering:
    sections: dict[str, int]
    items: dict[str, int]


class Audience(Strict):
    """One group of people a questionnaire is given to, with the part and wording that fit them."""

    id: Id
    """Stable: it names the audience's files and is written into every answer it gives."""
    name: ShortText
    """Who they are, e.g. 'Pupils'; printed where the forms say who answers."""
    title: ShortText | None = None
    """The title of the audience's forms and page; without it, the questionnaire's title and the name."""
    introduction: Text | None = None
    """What the audience reads first; without it, the questionnaire's introduction."""
    sections: list[Id] = []
    """The questionnaire's sections this audience answers, by id; empty means all of them."""
    wording: dict[Id, Text] = {}
    """Plain-language wording of statements for this audience, by item id, e.g. {kind-staff: "Grown-ups here
    are kind to each other."}; statements not listed keep the questionnaire's wording."""

    def statement(self, item: Item) -> str:
        return self.wording.get(item.id, item.text)

    def title_in(self, questionnaire: Questionnaire) -> str:
        """The audience's title for its forms and page: its own, or the questionnaire's with its name."""
        return self.title or f"{questionnaire.title} \u2013 {self.name}"


class ChangelogEntry(Strict):
    version: ShortText
    date: dt.date
    changes: list[Text] = Field(min_length=1)


class Content(Strict):
    """One programme: everything under ``content/<programme>/``."""

    programme: Programme
    changelog: list[ChangelogEntry] = []
    """Newest first; the site's "What's changed" page shows it, so schools know what differs
    from the pack they printed last term."""
    roles: list[Role] = Field(min_length=1)
    pathways: list[Pathway] = []
    stages: list[Stage] = Field(min_length=1)
    components: list[Component] = []
    guidance: list[GuidanceNote] = []
    questionnaires: list[Questionnaire] = []

    @model_validator(mode="before")
    @classmethod
    def _published_from_changelog(cls, data):
        """A version without a 'published' date is dated by its changelog entry, when that entry's
        date is one (a bad one is reported once, at the changelog)."""
        if not isinstance(data, dict):
            return data
        programme, changelog = data.get("programme"), data.get("changelog")
        newest = changelog[0] if isinstance(changelog, list) and changelog else None
        if not (isinstance(programme, dict) and "published" not in programme and isinstance(newest, dict)
                and newest.get("version") == programme.get("version") and _is_date(newest.get("date"))):
            return data
        return {**data, "programme": {**programme, "published": newest["date"]}}

    @model_validator(mode="after")
    def _changelog_matches_version(self):
        if self.changelog and self.changelog[0].version != self.programme.version:
            versions = {"newest": self.changelog[0].version, "version": self.programme.version}
            raise Invalid(codes.CHANGELOG_VERSION, tell("the newest changelog entry is version %(newest)s but the "
                                                        "programme is version %(version)s") % versions,
                          tell("the first entry to describe version %(version)s") % versions)
        return self

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def pathway(self, pathway_id: str) -> Pathway:
        return next(p for p in self.pathways if p.id == pathway_id)

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        return next(q for q in self.questionnaires if q.id == questionnaire_id)

    def guidance_note(self, guidance_id: str) -> GuidanceNote:
        return next(g for g in self.guidance if g.id == guidance_id)


TOP_LEVEL_KEYS = tuple(Content.model_fields)
