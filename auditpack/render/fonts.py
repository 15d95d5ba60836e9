"""The typefaces every PDF embeds, and a font configuration that holds nothing else.

The faces are listed in :mod:`auditpack.typefaces`. WeasyPrint asks Fontconfig for a face for every
character the stylesheet's faces lack, and Fontconfig would offer whatever the machine has (DejaVu
on Debian): a PDF would then depend on the machine that made it. So each process builds its font
configuration from a Fontconfig file naming only the packaged fonts' folders; a character no
packaged face covers prints as the face's empty box, and ``check`` warns of it first.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .. import typefaces


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
    return [FontFace(face.family, path, weight, style)
            for face in typefaces.installed() for path, weight, style in typefaces.font_files(face)]


def font_folders() -> list[Path]:
    return sorted({face.path.parent.resolve() for face in font_faces()})


@contextlib.contextmanager
def packaged_fonts_only() -> Iterator[None]:
    """While it lasts, a new Fontconfig configuration sees only the packaged fonts' folders.

    Fontconfig reads ``FONTCONFIG_FILE`` when a configuration is made, so the variable is set only
    for that moment and put back after: browsers and other tools this process starts still see the
    machine's own fonts."""
    with tempfile.TemporaryDirectory(prefix="auditpack-fonts-") as folder:
        conf = Path(folder) / "fonts.conf"
        conf.write_text(_fontconfig(font_folders()), encoding="utf-8")
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            yield
        finally:
            if before is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = before


def _fontconfig(folders: list[Path]) -> str:
    """No cache folder: Fontconfig then reads the few packaged files each time (milliseconds) and
    writes nothing, so a full or read-only disk gives it nothing to complain about."""
    dirs = "".join(f"<dir>{escape(str(folder))}</dir>" for folder in folders)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig>{dirs}</fontconfig>\n")
