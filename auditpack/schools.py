"""Packs made for one school: its name in the header fields, its pathway, its components.

A request comes from command-line flags or a small YAML file; either way it is
checked against the programme and every mistake is reported with the valid
choices, before anything is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PrivateAttr, StringConstraints, ValidationError
from slugify import slugify as _slugify

from . import codes, i18n
from .errors import ContentError, ContentErrors, Location, suggest
from .i18n import N_, tell
from .load import SourceMap, load_yaml_file
from .model import Content
from .output import windows_reserved
from .pydantic_errors import Subject, translate

SchoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class SchoolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: SchoolName
    programme: str | None = None
    pathway: str | None = None
    components: list[str] | None = None
    """None means every component."""
    language: str | None = None
    """A language the programme is published in (its own or one of its translations); None: its own."""
    _source: SourceMap = PrivateAttr(default_factory=lambda: SourceMap({(): Location("--school")}))
    """Where each value was written, so a wrong id is reported at its line in a school file."""

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(name: str) -> str:
    """A folder name from a school's name, in any script: 'St Anne's Primary' -> 'st-annes-primary',
    'Szkoła nr 5' -> 'szkola-nr-5', 'Школа № 57' -> 'shkola-no-57'. python-slugify transliterates,
    where dropping every letter outside ASCII turned 'Szkoła' into 'szkoa' and names in Greek or
    Arabic into nothing. Apostrophes join (St Anne's, not St Anne s); a name Windows keeps for a
    device (Con) gets a word more, so the folder can be unzipped anywhere."""
    slug = _slugify(re.sub("['\u2019]", "", name), max_length=60) or "school"
    return f"{slug}-school" if windows_reserved(slug) else slug


def request_from_flags(name: str, programme: str | None, pathway: str | None, components: str | None,
                       language: str | None = None) -> SchoolRequest:
    chosen = [c.strip() for c in components.split(",") if c.strip()] if components else None
    flags = SourceMap({(key,): Location(f"--{key}") for key in ("programme", "pathway", "components", "language")})
    flags.positions[()] = flags.positions[("name",)] = Location("--school")
    return _validated({"name": name, "programme": programme, "pathway": pathway, "components": chosen,
                       "language": language}, flags)


def request_from_row(values: dict[str, str], where: dict[str, Location], row: Location) -> SchoolRequest:
    """A request from one row of a schools CSV file (see auditpack.batch): blank cells mean the
    default, and components are separated by ';' or ','. Problems are reported at their cell."""
    data: dict[str, object] = {key: value for key, value in values.items() if value or key == "name"}
    if "components" in data:
        data["components"] = [c.strip() for c in re.split(r"[;,]", values["components"]) if c.strip()] or None
    source = SourceMap({(key,): location for key, location in where.items()})
    source.positions[()] = row
    return _validated(data, source)


def request_from_file(path: Path) -> SchoolRequest:
    data, source, errors = load_yaml_file(path)
    if errors:
        raise ContentErrors(errors)
    if isinstance(data, dict) and isinstance(data.get("components"), str):
        data["components"] = [c.strip() for c in data["components"].split(",") if c.strip()]
    return _validated(data, source)


def _request_subject() -> Subject:
    """How a school request's problems are named: in pydantic's words, with what a request holds."""
    return Subject(SchoolRequest, lambda loc: tell("school request: '%(key)s'") % {"key": ".".join(map(str, loc))},
                   unknown=None, worded=False, pattern=codes.INVALID_VALUE, plain=str.lower,
                   expected=tell("name, and optionally programme, pathway and components"))


def _validated(data, source: SourceMap) -> SchoolRequest:
    try:
        request = SchoolRequest.model_validate(data)
    except ValidationError as exc:
        raise ContentErrors(translate(exc.errors(), source.locate, _request_subject())) from None
    if not any(character.isalnum() for character in request.name):
        raise ContentErrors([ContentError(codes.NO_SCHOOL_LETTERS, source.locate(("name",)),
                                          tell("the school name has no letters or digits"),
                                          expected=tell("a name such as \"St Anne's Primary\""))])
    request._source = source
    return request


def tailor(programmes: list[Content], request: SchoolRequest, translated: Sequence[Content] = ()) -> Content:
    """The programme as this school will run it: in its language (``translated``: the programmes in
    their other languages), one pathway's tasks, the chosen components."""
    source = request._source
    content = _in_language(_programme(programmes, request, source), translated, request.language, source)
    errors = []
    pathways = [p.id for p in content.pathways]
    if request.pathway and request.pathway not in pathways:
        errors.append(_unknown(source, "pathway", request.pathway, pathways))
    components = [c.id for c in content.components]
    for chosen in request.components or []:
        if chosen not in components:
            errors.append(_unknown(source, "components", chosen, components, noun="component"))
    if errors:
        raise ContentErrors(errors)
    stages = [s.model_copy(update={"tasks": s.tasks_for(request.pathway)}) for s in content.stages]
    kept = [c for c in content.components if request.components is None or c.id in request.components]
    return content.model_copy(update={"stages": stages, "components": kept})


def _programme(programmes: list[Content], request: SchoolRequest, source: SourceMap) -> Content:
    ids = [p.programme.id for p in programmes]
    if request.programme is None and len(programmes) == 1:
        return programmes[0]
    if request.programme in ids:
        return programmes[ids.index(request.programme)]
    what = tell("unknown programme '%(programme)s'") % {"programme": request.programme} if request.programme else \
        tell("which programme is this pack for?")
    raise ContentErrors([ContentError(codes.CHOOSE_PROGRAMME, source.locate(("programme",)), what, choices=tuple(ids),
                                      hint=suggest(request.programme, ids) or tell(
                                          "add --programme ID ('programme:' in a school file, a 'programme' column "
                                          "in a CSV file)"))])


def _in_language(content: Content, translated, language: str | None, source: SourceMap) -> Content:
    own = content.programme
    if language is None or i18n.tag_key(language) == i18n.tag_key(own.language):
        return content
    for other in translated:
        if other.programme.id == own.id and i18n.tag_key(other.programme.language) == i18n.tag_key(language):
            return other
    published = (own.language, *own.translations)
    raise ContentErrors([ContentError(codes.SCHOOL_LANGUAGE, source.locate(("language",)),
                                      tell("'%(programme)s' is not published in '%(language)s'") % {
                                          "programme": own.id, "language": language}, choices=published,
                                      hint=suggest(language, list(published)) or
                                      tell("add the language to the programme's 'translations', with its translation "
                                           "file"))])


def _unknown(source: SourceMap, key: str, value: str, valid: list[str], noun: str | None = None) -> ContentError:
    noun = noun or key
    code, message, none = _UNKNOWN[noun]
    return ContentError(code, source.locate((key,)), tell(message) % {"value": value},
                        expected="" if valid else tell(none), choices=tuple(valid), hint=suggest(value, valid))


_UNKNOWN = {"pathway": (codes.UNKNOWN_PATHWAY, N_("unknown pathway '%(value)s'"),
                        N_("no pathways: this programme has none")),
            "component": (codes.UNKNOWN_COMPONENT, N_("unknown component '%(value)s'"),
                          N_("no components: this programme has none"))}
