"""Whether the last build's output is still what the current inputs would make.

Advisors rebuild often, and most rebuilds change nothing. Every input of a build is hashed
into one digest: the settings, every file under content/ and the templates, the logo, the
fonts, auditpack's own code and the versions of the libraries that write pages and PDFs.
A successful build records that digest beside a manifest of the files it wrote. When the
digest is the same and the output still holds exactly those files, untouched, the build is
skipped: nothing is loaded, rendered or written.

This sits in front of the per-document cache (:mod:`auditpack.render.cache`), which decides
what to re-render when something did change; the record lives in the cache folder, so
``--clear-cache`` forgets it too.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from .output import write_file
from .seal import is_sealed, seal
from .render import cache, fonts

RECORD = "last-build.json"
LIBRARIES = cache.LIBRARIES + ("markdown", "nh3", "pydantic", "pyyaml", "mkdocs", "mkdocs-material",
                               "pymdown-extensions")
"""Those that write PDFs, and those that read content and write pages."""
CODE = Path(__file__).resolve().parent


def inputs_digest(project, user_epoch: str | None) -> str:
    """One hash of everything a build reads; any change to any of it gives a different digest.

    ``user_epoch`` is the SOURCE_DATE_EPOCH the user set, if any (otherwise the date comes
    from the content, which is hashed already)."""
    digest = hashlib.sha256()
    digest.update(project.config.model_dump_json().encode())
    digest.update(f"epoch={user_epoch}\0".encode())
    for folder in (project.content_dir, *project.templates.roots, CODE):
        _add_tree(digest, folder)
    if project.logo:
        digest.update(project.logo.data)
    for face in fonts.font_faces():
        _add_file(digest, face.path)
    digest.update(cache.library_versions(LIBRARIES).encode())
    return digest.hexdigest()


def unchanged(record_dir: Path, output_dir: Path, digest: str) -> dict | None:
    """The recorded summary if the last build had these inputs and its output is intact, else None."""
    try:
        record = json.loads((record_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != digest:
        return None
    if not is_sealed(record.get("seal"), _body(record)):
        return None
    if record.get("output") != str(output_dir) or record.get("files") != _manifest(output_dir):
        return None
    return record.get("summary")


def remember(record_dir: Path, output_dir: Path, digest: str, summary: dict) -> None:
    """Note what this build was made from and what it wrote; written last, and atomically."""
    record_dir.mkdir(parents=True, exist_ok=True)
    record = {"inputs": digest, "output": str(output_dir), "summary": summary, "files": _manifest(output_dir)}
    record["seal"] = seal(_body(record))
    temporary = record_dir / f".{RECORD}.{os.getpid()}"
    write_file(temporary, json.dumps(record))
    os.replace(temporary, record_dir / RECORD)


def _body(record: dict) -> bytes:
    """What a record's seal covers: all of it but the seal (a site in a project folder from
    someone else, with a record claiming it is up to date, is built again, never trusted)."""
    return json.dumps({key: value for key, value in record.items() if key != "seal"}, sort_keys=True).encode()


def _manifest(folder: Path) -> dict[str, list[int]]:
    """Every file with its size and modification time: enough to see that nobody touched the output."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            status = path.stat()
            files[path.relative_to(folder).as_posix()] = [status.st_size, status.st_mtime_ns]
    return files


def _add_tree(digest, folder: Path) -> None:
    """Every file and link under ``folder``. A link is hashed by where it points, never read: the
    build refuses links out of the content and templates, and one to a huge file elsewhere would
    otherwise be read in full before that."""
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        if path.is_symlink():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0link\0")
            digest.update(os.fsencode(os.readlink(path)) + b"\0")
        elif path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            _add_file(digest, path)


def _add_file(digest, path: Path) -> None:
    """The file's bytes, read a block at a time; only regular files are opened (a pipe never is)."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise OSError("not a regular file")
            size = os.fstat(file.fileno()).st_size
            digest.update(size.to_bytes(8, "big"))
            while block := file.read(1 << 20):
                digest.update(block)
    except OSError:
        digest.update(b"\0missing")
