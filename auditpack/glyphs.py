"""Characters in the content that no packaged typeface can print.

WeasyPrint draws a character no face has as an empty box and says nothing, so a parent letter in
Punjabi would go to print as a row of boxes. ``check`` and ``build`` look at every text of the
content first and warn, at the character itself, naming its script and the font package that would
print it where there is one (see :mod:`.typefaces`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from . import codes, typefaces
from .errors import ContentError, Location
from .i18n import ntell, tell
from .load import SourceMap


def missing_glyphs(raw: dict, source: SourceMap) -> list[ContentError]:
    """One warning per text and script that the packaged faces cannot print."""
    return missing_in((source.locate(path), text) for path, text in _texts(raw, ()))


def missing_in(texts: Iterable[tuple[Location, str]]) -> list[ContentError]:
    """The same for texts found elsewhere (a translation file's entries), each with where it starts:
    the warning points at the character's own line and column at or after it."""
    covered = typefaces.coverage()
    lines: dict[str, tuple[str, ...]] = {}
    warnings = []
    for where, text in texts:
        missing: dict[str, list[str]] = {}
        for character in text:
            if ord(character) not in covered and not typefaces.needs_no_glyph(character):
                missing.setdefault(typefaces.script_of(character), []).append(character)
        for script, characters in missing.items():
            warnings.append(_warning(where, script, characters, lines))
    return warnings


def _texts(value, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _texts(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _texts(child, path + (index,))


def _warning(where: Location, script: str, characters: list[str], lines: dict) -> ContentError:
    first = characters[0]
    shown = "".join(dict.fromkeys(characters))
    shown = shown if len(shown) <= 12 else shown[:12] + "…"
    package = typefaces.SCRIPT_PACKAGES.get(script)
    hint = (tell("install %(package)s (pip install %(package)s) and build again") % {"package": package} if package
            else tell("no font package auditpack knows covers %(script)s; until one is added, write this text in a "
                      "script the forms can print, or give it as a picture") % {"script": script})
    message = ntell("%(count)d character of %(script)s (%(shown)s, first U+%(code)s) would print as empty boxes: "
                    "no packaged typeface has them",
                    "%(count)d characters of %(script)s (%(shown)s, first U+%(code)s) would print as empty boxes: "
                    "no packaged typeface has them", len(characters))
    return ContentError(codes.MISSING_GLYPH, _at_character(where, first, lines), message % {
        "count": len(characters), "script": script, "shown": shown, "code": f"{ord(first):04X}"}, hint=hint)


def _at_character(where: Location, character: str, lines: dict) -> Location:
    """The place of ``character``'s first appearance at or after the value's own line."""
    if where.file not in lines:
        lines[where.file] = _lines(where.file)
    for number, line in enumerate(lines[where.file][max(where.line - 1, 0):], start=max(where.line, 1)):
        column = line.find(character)
        if column >= 0:
            return Location(where.file, number, column + 1)
    return where


def _lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()
