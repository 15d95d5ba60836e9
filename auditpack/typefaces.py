"""The typefaces auditpack prints with, which writing systems each covers, and which it lacks.

Every face comes from a Python font package (``fontpkg-*``), never from the machine: a PDF made on
one machine is the PDF made on another. The packages that cover the languages schools most often
send forms home in are dependencies; a few more are used when installed (:data:`OPTIONAL`).

A character no face covers prints as an empty box. ``check`` finds such characters in the content
before anything is printed (:mod:`.glyphs`), and names the script and, where one exists, the
package that would print it (:data:`SCRIPT_PACKAGES`).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fontpkg


@dataclass(frozen=True)
class Typeface:
    family: str
    package: str
    """The Python package that installs it, as pip names it."""
    covers: str
    """The writing systems it is in the stack for, for people."""


BUNDLED = (
    Typeface("Atkinson Hyperlegible", "fontpkg-atkinson-hyperlegible", "Latin (drawn for low-vision readers)"),
    Typeface("Noto Sans", "fontpkg-noto-sans", "Latin letters Atkinson lacks (Welsh ŵ, ŷ), Greek, Cyrillic"),
    Typeface("Noto Sans Arabic", "fontpkg-noto-sans-arabic", "Arabic, Urdu, Persian, Pashto, Sorani Kurdish"),
    Typeface("Noto Sans Devanagari", "fontpkg-noto-sans-devanagari", "Hindi, Marathi, Nepali"),
    Typeface("Hind Siliguri", "fontpkg-hind-siliguri", "Bengali, Sylheti written in Bengali script"),
    Typeface("Heebo", "fontpkg-heebo", "Hebrew, Yiddish"),
)
"""Installed with auditpack, in the order a character looks for a face that has it."""

OPTIONAL = (
    Typeface("Noto Sans Thai", "fontpkg-noto-sans-thai", "Thai"),
    Typeface("Noto Sans Tamil", "fontpkg-noto-sans-tamil", "Tamil"),
    Typeface("Noto Sans Telugu", "fontpkg-noto-sans-telugu", "Telugu"),
    Typeface("Noto Sans Khmer", "fontpkg-noto-sans-khmer", "Khmer"),
)
"""Used when installed (``pip install fontpkg-noto-sans-thai``), after the bundled faces."""

SCRIPT_PACKAGES = {face.covers.split(",")[0]: face.package for face in OPTIONAL}
"""The package that prints a script no bundled face covers, by the script's name."""

SCRIPTS = {
    "CJK": "Chinese or Japanese (Han)", "HIRAGANA": "Japanese (Hiragana)", "KATAKANA": "Japanese (Katakana)",
    "HANGUL": "Korean (Hangul)", "GURMUKHI": "Gurmukhi (Punjabi)", "GUJARATI": "Gujarati", "TAMIL": "Tamil",
    "TELUGU": "Telugu", "KANNADA": "Kannada", "MALAYALAM": "Malayalam", "SINHALA": "Sinhala", "THAI": "Thai",
    "LAO": "Lao", "KHMER": "Khmer", "MYANMAR": "Burmese (Myanmar)", "ETHIOPIC": "Amharic or Tigrinya (Ethiopic)",
    "GEORGIAN": "Georgian", "ARMENIAN": "Armenian", "TIBETAN": "Tibetan", "SYRIAC": "Syriac", "THAANA": "Dhivehi",
    "BENGALI": "Bengali", "DEVANAGARI": "Devanagari", "ARABIC": "Arabic", "HEBREW": "Hebrew",
}
"""Script names by the first word of a character's Unicode name."""


def installed() -> tuple[Typeface, ...]:
    """The bundled faces, then whichever optional faces this machine has."""
    names = {family.name for family in fontpkg.families().values()}
    return BUNDLED + tuple(face for face in OPTIONAL if face.family in names)


def font_files(face: Typeface) -> list[tuple[Path, str, str]]:
    """(file, weight, style) for the regular and bold weights of ``face``, upright and, where the
    family has one, italic. A variable font serves both weights from one file."""
    files = []
    for style in ("normal", "italic"):
        for weight in (400, 700):
            try:
                path = fontpkg.path(face.family, weight, style, nearest=True)
            except fontpkg.StyleNotAvailable:
                continue
            files.append((path, str(weight), style))
    return files


@functools.lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Every code point some installed face draws (its character map)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for face in installed():
        for path in sorted({path for path, _, _ in font_files(face)}):
            with TTFont(path, lazy=True) as font:
                points.update(font.getBestCmap() or {})
    return frozenset(points)


def script_of(character: str) -> str:
    """The writing system a character belongs to, for a message: 'Gurmukhi (Punjabi)', 'emoji'."""
    name = unicodedata.name(character, "")
    first = name.split(" ")[0]
    if first in SCRIPTS:
        return SCRIPTS[first]
    if unicodedata.category(character) == "So" or 0x1F000 <= ord(character) <= 0x1FAFF:
        return "emoji or symbols"
    return name.title() if name else f"U+{ord(character):04X}"


def needs_no_glyph(character: str) -> bool:
    """Characters that are not drawn: spaces, line breaks, joiners and direction marks."""
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")
