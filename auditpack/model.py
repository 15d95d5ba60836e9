"""The typed audit programme: what advisors describe, validated and cross-referenced.

Everything downstream (site pages, print documents) reads only these classes.
Unknown keys are errors so that a misspelt key never passes silently.
References between parts (a task's owners, a document's questionnaire) are
checked against the ids declared in the same programme, which the validator
passes in as context; see :mod:`auditpack.validate`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from . import codes
from .errors import Invalid, one_of, suggest
from .kinds import COMPONENTS, GUIDANCE, KINDS, QUESTIONNAIRE

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
"""Prose written by advisors; Markdown is allowed."""
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


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
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(info: ValidationInfo, kind: str) -> set[str] | None:
    """Ids of ``kind`` declared in this programme, or None when not checking references."""
    return (info.context or {}).get(kind)


def _check_refs(values, info: ValidationInfo, kind: str, noun: str):
    known = _known(info, kind)
    if known is None or values is None:
        return values
    for value in [values] if isinstance(values, str) else values:
        if value not in known:
            choices = sorted(known)
            raise Invalid(_UNKNOWN[kind], f"unknown {noun} '{value}'", one_of(choices or ["none declared"]),
                          suggest(value, choices), choices)
    return values


_UNKNOWN = {"roles": codes.UNKNOWN_ROLE, "pathways": codes.UNKNOWN_PATHWAY,
            "questionnaires": codes.UNKNOWN_QUESTIONNAIRE, "guidance": codes.UNKNOWN_GUIDANCE,
            "components": codes.UNKNOWN_COMPONENT}
"""The code of a reference to an id of each kind that the programme does not declare."""


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
    language: ShortText = "en-GB"
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

    @field_validator("published")
    @classmethod
    def _published_can_be_stamped(cls, value: dt.date | None):
        if value is not None and not EARLIEST_PUBLISHED <= value <= LATEST_PUBLISHED:
            raise Invalid(codes.DATE_OUT_OF_RANGE, f"{value} is a date the site and PDFs cannot be stamped with",
                          f"a date from {EARLIEST_PUBLISHED} to {LATEST_PUBLISHED}")
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
        return _check_refs(value, info, "roles", "role")
    @field_validator("pathway")
    @classmethod
    def _pathway_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "pathways", "pathway")


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

    @field_validator("questionnaire")
    @classmethod
    def _questionnaire_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "questionnaires", "questionnaire")
    @field_validator("guidance")
    @classmethod
    def _guidance_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "guidance", "guidance note")

    @model_validator(mode="after")
    def _sections_belong(self, info: ValidationInfo):
        known = (info.context or {}).get("sections", {}).get(self.questionnaire)
        if self.sections and not self.questionnaire:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, "'sections' needs a 'questionnaire' to choose them from")
        if known is not None:
            for section in self.sections:
                if section not in known:
                    raise Invalid(codes.UNKNOWN_SECTION,
                                  f"unknown section '{section}' of questionnaire '{self.questionnaire}'",
                                  hint=suggest(section, sorted(known)), choices=sorted(known))
        needs = KINDS[self.kind].needs
        if needs == QUESTIONNAIRE and not self.questionnaire:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, f"a '{self.kind}' document needs a 'questionnaire'")
        if needs == GUIDANCE and not self.guidance:
            raise Invalid(codes.INCOMPLETE_DOCUMENT, f"a '{self.kind}' document needs a 'guidance' note id")
        if needs == COMPONENTS and not self.components:
            raise Invalid(codes.INCOMPLETE_DOCUMENT,
                          f"a '{self.kind}' document is made per component: set 'components: true'")
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
            raise Invalid(codes.DUPLICATE_DOCUMENT, f"document kind '{repeated[0]}' is listed twice in one stage",
                          "each kind at most once per stage")
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


class ScalePoint(Strict):
    value: int = Field(ge=0, le=10)
    label: ShortText
    description: Text | None = None


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


class Questionnaire(Strict):
    id: Id
    title: ShortText
    introduction: Text
    respondents: list[Id] = Field(min_length=1)
    scale: list[ScalePoint] = Field(min_length=2, max_length=10)
    scale_note: Text | None = None
    """Why this scale; printed beside it."""
    dont_know_label: ShortText = "I don't know"
    dimensions: list[Dimension] = Field(min_length=1, max_length=4)
    sections: list[Section] = Field(min_length=1)

    @field_validator("respondents")
    @classmethod
    def _respondents_known(cls, value, info: ValidationInfo):
        return _check_refs(value, info, "roles", "role")

    @field_validator("scale")
    @classmethod
    def _scale_ascends(cls, scale: list[ScalePoint]) -> list[ScalePoint]:
        values = [p.value for p in scale]
        if values != sorted(set(values)):
            raise Invalid(codes.SCALE_ORDER, f"scale values must be distinct and in ascending order (got {values})")
        return scale

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


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
            raise Invalid(codes.CHANGELOG_VERSION, f"the newest changelog entry is version "
                          f"{self.changelog[0].version} but the programme is version {self.programme.version}",
                          f"the first entry to describe version {self.programme.version}")
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
