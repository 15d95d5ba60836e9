"""The typefaces every PDF embeds, from the project's own font packages.

Atkinson Hyperlegible (drawn for low-vision readers) is the body face; Noto Sans
fills the glyphs it lacks, such as Welsh ŵ and ŷ. Both are installed as Python
dependencies, so every machine renders the same pages whatever fonts it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fontpkg


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    weight: str
    style: str

    @property
    def url(self) -> str:
        return self.path.as_uri()


def font_faces() -> list[FontFace]:
    faces = []
    for weight in (400, 700):
        for style in ("normal", "italic"):
            faces.append(FontFace("Atkinson Hyperlegible", fontpkg.path("Atkinson Hyperlegible", weight, style),
                                  str(weight), style))
    for weight in (400, 700):  # one variable-font file serves both weights
        for style in ("normal", "italic"):
            faces.append(FontFace("Noto Sans", fontpkg.path("Noto Sans", 400, style), str(weight), style))
    return faces


def font_folders() -> list[Path]:
    return sorted({face.path.parent.resolve() for face in font_faces()})
