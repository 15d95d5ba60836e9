"""Site-wide settings from ``site_config.yml``: where things go and how they look.

Settings are checked like content, in full, by ``check`` as well as ``build``: every value, the
language against those the site's theme has, and the logo file itself (see :mod:`.logo`). Each
problem is reported at the line and column of the setting.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from . import codes, i18n
from .errors import ContentError, ContentErrors, Invalid, suggest
from .i18n import tell
from .kinds import VARIANTS
from .load import load_yaml_file
from .logo import Logo, SettingProblem, read_logo
from .pydantic_errors import Subject, translate

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
RelPath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*$", max_length=200)]


class Brand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    primary: Colour = "#1d4f73"
    """Headings and the site header; must keep 4.5:1 contrast with white."""
    accent: Colour = "#8a3b12"
    logo: RelPath | None = None
    """A PNG, JPEG or SVG file in the project folder, relative to it."""

    @field_validator("primary", "accent")
    @classmethod
    def _readable_on_white(cls, colour: str) -> str:
        """Brand colours are used for text on white paper and pages (WCAG 2.2 AA: 4.5:1)."""
        ratio = contrast_ratio(colour, "#ffffff")
        if ratio < 4.5:
            message = tell("%(colour)s on white has a contrast of %(ratio).2f:1; text needs at least 4.5:1 "
                           "(choose a darker shade)")
            raise Invalid(codes.LOW_CONTRAST, message % {"colour": colour, "ratio": ratio})
        return colour

    @field_validator("logo")
    @classmethod
    def _inside_the_project(cls, logo: str | None) -> str | None:
        """Read from the project and published with the site: never a file from elsewhere."""
        if logo is not None and any(part in ("", ".", "..") for part in logo.split("/")):
            raise SettingProblem(tell("not a plain path inside the project folder"),
                                 expected=tell("a path relative to the project folder, without '..', e.g. "
                                               "images/logo.png"),
                                 hint=tell("copy the logo into the project folder"))
        return logo


@functools.cache
def site_languages() -> tuple[str, ...]:
    """The languages the site's theme (Material for MkDocs) has words for, read from the installed
    theme. Printed documents take their language from the programme, not from this setting."""
    folder = importlib.resources.files("material") / "templates" / "partials" / "languages"
    return tuple(sorted(f.name.removesuffix(".html") for f in folder.iterdir() if f.name.endswith(".html")))


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio between two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


PAPER_SIZES = ("A4", "Letter")
"""The papers :attr:`SiteConfig.paper` accepts, in the words a user types."""


class SiteWords(BaseModel):
    """The settings' words in another language, for the editions in it (see SiteConfig.translations)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    site_name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    site_description: str | None = None
    footer: str | None = None


def _language_tags(words: dict[str, SiteWords]) -> dict[str, SiteWords]:
    bad = next((tag for tag in words if not i18n.is_language_tag(tag)), None)
    if bad is not None:
        raise Invalid(codes.BAD_LANGUAGE_TAG, tell("'%(tag)s' is not a language tag") % {"tag": bad[:40]},
                      expected=tell("a tag such as cy, en-GB, ar, pt-BR"),
                      hint=tell("write the language's ISO 639 code, as the programme's 'translations' list does"))
    return words


class SiteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    site_name: Annotated[str, StringConstraints(min_length=1, max_length=120)] = "School audit resources"
    site_description: str = ""
    publisher: str = ""
    footer: str = ""
    """Inline Markdown (a link, emphasis), cleaned like content; shown under every page and PDF."""
    language: str = "en"
    """The site's interface language: one of :func:`site_languages`."""
    content_dir: RelPath = "content"
    output_dir: RelPath = "site"
    work_dir: RelPath = Field("build", validate_default=True)  # checked against output_dir even when not given
    """Generated Markdown and mkdocs.yml, kept so stock `mkdocs build` can rebuild the site."""
    paper: Literal["A4", "Letter"] = "A4"
    """The paper every PDF is laid out for; `auditpack build --paper` overrides it for one run."""
    gutter_mm: float = Field(default=0, ge=0, le=25)
    """Extra left margin for hole-punching or binding, added to the 15 mm page margin."""
    workers: int = Field(default=0, ge=0, le=64)
    """Processes rendering PDFs at once; 0 means one per CPU core."""
    variants: list[Literal[tuple(VARIANTS)]] = list(VARIANTS)  # type: ignore[valid-type]
    """Extra versions of the forms to build and link from the site."""
    brand: Brand = Field(default_factory=Brand)
    translations: Annotated[dict[str, SiteWords], AfterValidator(_language_tags)] = {}
    """The site's name, description and footer in the other languages programmes are published in,
    e.g. ``{cy: {footer: "..."}}``: each edition, and each document in that language, uses them; a word
    not given stays as written above."""

    def in_language(self, tag: str) -> SiteConfig:
        """The settings as an edition in ``tag`` uses them: its words where ``translations`` gives them."""
        words = self.words_in(tag)
        return self.model_copy(update=words.model_dump(exclude_none=True)) if words else self

    def words_in(self, tag: str) -> SiteWords | None:
        return next((w for t, w in self.translations.items() if i18n.tag_key(t) == i18n.tag_key(tag)), None)

    def footer_in(self, tag: str) -> str:
        words = self.words_in(tag)
        return words.footer if words and words.footer is not None else self.footer

    @field_validator("language")
    @classmethod
    def _theme_has_language(cls, language: str) -> str:
        """An unknown language would stop the site build half-way, with no line to fix."""
        if language not in site_languages():
            raise Invalid(codes.UNKNOWN_LANGUAGE, tell("the site cannot be built in this language"),
                          expected=tell("a language code the site's theme knows: %(languages)s") % {
                              "languages": ", ".join(site_languages())},
                          hint=suggest(language, site_languages()) or tell("'en' is English"), choices=site_languages())
        return language

    @field_validator("output_dir", "work_dir")
    @classmethod
    def _own_folder(cls, folder: str, info: ValidationInfo) -> str:
        """Output folders are replaced whole on every build, so each must be a folder of its own
        inside the project: not the project ('.'), not above it ('..'), not the content or the other."""
        assert info.field_name is not None  # always set for a field validator
        default = cls.model_fields[info.field_name].default
        parts = folder.rstrip("/").split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise Invalid(codes.OUTPUT_FOLDER,
                          tell("'%(folder)s' is not a folder inside the project") % {"folder": folder},
                          expected=tell("a folder name such as '%(default)s', without '.' or '..' parts") % {
                              "default": default},
                          hint=tell("a build replaces this folder whole, so it must be a folder of its own"))
        others = {"content_dir": info.data.get("content_dir"), "output_dir": info.data.get("output_dir")}
        for name, other in others.items():
            if name != info.field_name and other and _overlap(folder, other):
                raise Invalid(codes.OUTPUT_FOLDER, _clash(folder, info.field_name, default, name, other),
                              expected=tell("a folder of its own for the %(setting)s") % {"setting": info.field_name},
                              hint=tell("a build replaces its output folders whole; give each its own name"))
        return folder


def _clash(folder: str, setting: str, default: str, name: str, other: str) -> str:
    """Why ``folder`` (the ``setting``) cannot be used beside the setting ``name``, which is ``other``."""
    values = {"folder": folder, "setting": setting, "name": name, "other": other}
    if _same(folder, other):
        return (tell("'%(folder)s' (the %(setting)s when none is set) is also the %(name)s") if folder == default
                else tell("'%(folder)s' is also the %(name)s")) % values
    return (tell("'%(folder)s' (the %(setting)s when none is set) and the %(name)s '%(other)s' are one inside the "
                 "other") if folder == default
            else tell("'%(folder)s' and the %(name)s '%(other)s' are one inside the other")) % values


def _same(a: str, b: str) -> bool:
    return a.rstrip("/").casefold() == b.rstrip("/").casefold()  # one folder on Windows and macOS


def _overlap(a: str, b: str) -> bool:
    """Whether one folder is, or is inside, the other (compared as Windows and macOS do, ignoring case)."""
    a, b = a.rstrip("/").casefold() + "/", b.rstrip("/").casefold() + "/"
    return a.startswith(b) or b.startswith(a)



@dataclass(frozen=True)
class Settings:
    """site_config.yml as checked, with the logo it names read once for the site and every PDF."""

    config: SiteConfig
    logo: Logo | None = None


def load_settings(path: Path, root: Path) -> Settings:
    """Read and check site_config.yml and the files it names (``root``: the project folder).
    A missing or blank file means every default."""
    if not path.exists():
        return Settings(SiteConfig())
    data, source, errors = load_yaml_file(path)
    if [e.code for e in errors] == [codes.EMPTY_FILE]:
        return Settings(SiteConfig())
    if not errors:
        try:
            config = SiteConfig.model_validate(data or {})
        except ValidationError as exc:
            errors = translate(exc.errors(), lambda loc: source.locate(_written(loc, data)), SETTINGS)
        else:
            try:
                return Settings(config, read_logo(root, config.brand.logo) if config.brand.logo else None)
            except SettingProblem as problem:
                errors = [ContentError(problem.code, source.locate(("brand", "logo")),
                                       tell("setting 'brand.logo': %(problem)s") % {"problem": problem.message},
                                       problem.expected, problem.hint)]
    raise ContentErrors(errors)


def _written(loc: tuple, data) -> tuple:
    """Where the user can see a problem: work_dir left at its default clashes with the output_dir
    they wrote, so it is reported there."""
    if tuple(loc) == ("work_dir",) and isinstance(data, dict) and "work_dir" not in data:
        return ("output_dir",)
    return loc


def _key(loc: tuple) -> str:
    """A setting as typed, dotted and on one line: 'brand.logo'."""
    return " ".join(".".join(str(p) for p in loc).split())[:80]


SETTINGS = Subject(SiteConfig, lambda loc: tell("setting '%(key)s'") % {"key": _key(loc)}, key=_key,
                   unknown="setting", worded=False, pattern=codes.INVALID_VALUE)
"""How settings problems name their values: "setting 'brand.logo': ...", in pydantic's words otherwise."""
