"""A disk cache of rendered PDFs (and files of the other formats in :data:`auditpack.kinds.FORMATS`),
keyed by everything that determines their bytes.

The key of a document is a hash of its HTML (which already holds its slice of the content
and the output of its template), the stylesheets, the font files, the versions of the
libraries that write PDFs, auditpack's renderer code, and the render options. A pack's key adds its
members' keys.
An unchanged document is therefore never rendered twice, and a changed input can never be
served a stale file: a different input is a different key. Entries are sealed with this user's
key (:mod:`auditpack.seal`) and checked when read, so a corrupt entry, or one that came with a
project folder from someone else, is rendered again, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from ..kinds import PDF, Format
from ..output import write_file
from ..seal import is_sealed, seal
from . import fonts

NOT_RENDERING = ("pages.py", "online_form.py")
"""Modules beside the renderers that never shape a cached PDF (stamp.py does: it draws packs' page numbers)."""
LIBRARIES = ("auditpack", "weasyprint", "pydyf", "fonttools", "pikepdf", "tinycss2", "cssselect2", "jinja2",
             "python-docx")


def environment_fingerprint(stylesheets: list[str], options: object, build_date: int) -> str:
    """What every PDF of a build depends on besides its own HTML."""
    digest = hashlib.sha256()
    for sheet in stylesheets:
        digest.update(sheet.encode())
    for face in fonts.font_faces():
        digest.update(face.family.encode() + face.weight.encode() + face.style.encode())
        digest.update(_file_hash(face.path).encode())
    for code in sorted(Path(__file__).parent.glob("*.py")):  # the renderers themselves, for unreleased edits
        if code.name not in NOT_RENDERING:
            digest.update(_file_hash(code).encode())
    digest.update(library_versions(LIBRARIES).encode())
    digest.update(repr(options).encode())
    digest.update(str(build_date).encode())
    return digest.hexdigest()


def library_versions(libraries: tuple[str, ...]) -> str:
    """``name=version`` of each library (``none`` if it is not installed), one per line."""
    lines = []
    for library in libraries:
        try:
            lines.append(f"{library}={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{library}=none")
    return "\n".join(lines)


def key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class PdfCache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, cache_key: str, file_format: Format = PDF) -> tuple[bytes, int] | None:
        """The cached file and its page count, or None if absent, damaged or not of ``file_format``."""
        if self.folder is None:
            return None
        pdf, info = self._paths(cache_key, file_format)
        try:
            record = json.loads(info.read_text())
            data = pdf.read_bytes()
        except (OSError, ValueError):
            return None
        pages = record.get("pages") if isinstance(record, dict) else None
        if not isinstance(pages, int) or not is_sealed(record.get("seal"), cache_key.encode(), data, b"%d" % pages) \
                or not data.startswith(file_format.magic):
            return None
        return data, pages

    def put(self, cache_key: str, data: bytes, pages: int, file_format: Format = PDF) -> None:
        if self.folder is None:
            return
        pdf, info = self._paths(cache_key, file_format)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        record = {"pages": pages, "seal": seal(cache_key.encode(), data, b"%d" % pages)}
        for path, content in ((pdf, data), (info, json.dumps(record).encode())):
            temporary = path.with_name(f".{path.name}.{os.getpid()}")
            write_file(temporary, content)
            os.replace(temporary, path)  # readers never see half a file

    def _paths(self, cache_key: str, file_format: Format) -> tuple[Path, Path]:
        assert self.folder is not None, "a cache with no folder stores nothing"
        folder = self.folder / cache_key[:2]
        return folder / file_format.path(cache_key), folder / f"{cache_key}.json"


_hashes: dict[Path, str] = {}


def _file_hash(path: Path) -> str:
    if path not in _hashes:
        _hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _hashes[path]
