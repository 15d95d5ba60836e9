"""Writing output folders so that a failed, killed or concurrent build never damages the previous
one, and never touches a folder auditpack did not make.

- :func:`check_output` is the one set of rules for where output may go. A folder is auditpack's
  only when it holds a :data:`MARKER` file, written when the folder is made, naming what kind of
  output it is (or when it is new, empty, or plainly the output of a version from before markers).
  Whatever the marker says, no output folder may be a symbolic link, the file-system root, the
  home folder, or the project, its content, its settings file or its templates, nor hold them.
  :func:`claim` makes or takes over a folder that is written into; :func:`replacing` one that is
  replaced whole.
- :func:`replacing` fills a fresh sibling folder (``.NAME.new-PID``) and swaps it in only when
  complete. A build killed half-way (SIGKILL, power cut) leaves that folder behind, never a
  half-written site; the next build clears it, and puts back a site moved aside by a build
  killed in the instant between its two renames.
- :func:`build_lock` lets one build run at a time in a project; a second is refused at once,
  since two builds swapping the same folders would each delete the other's work.
- :func:`write_files` refuses, before writing anything, a path that would leave its folder or
  that another system would store differently: schools unzip the site on Windows and macOS,
  where ``CON`` is a device and ``A.pdf`` and ``a.pdf`` are one file, so one would silently
  replace the other.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .i18n import N_, counted, tell

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
"""Device names Windows will not use as a file or folder name, whatever the extension."""
NOT_IN_NAMES = set('\\:*?"<>|') | {chr(c) for c in range(32)}
MAX_NAME_BYTES = 255
LOCK_NAME = ".lock"
MARKER = ".auditpack-output"
"""The file that makes a folder auditpack's; its first line names the kind of output."""
MARKER_TEXT = ("auditpack output: {kind}\n"
               "auditpack made this folder and replaces what it holds on every run; keep nothing else here.\n"
               "Without this file, auditpack refuses to write here.\n")
SITE, WORK, PREVIEW, SCHOOLS, SCHOOL, COLLATION = "site", "work", "preview", "schools", "school", "collation"
SCAN = "scan"
"""Kinds of output. SCHOOLS is the folder of a batch of school folders and their zips; SCAN is what
``auditpack scan`` read (answers, pictures, review page)."""
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
"""A write that failed for want of space: reported with the output it was writing."""


class UnsafeOutputPath(OSError):
    """An output path that is refused. An OSError, so every command that reports a failed write
    (``auditpack build`` and ``collate``) reports this the same way, as a message, not a traceback."""

    def __init__(self, problem: str, path: str):
        super().__init__(errno.EINVAL, tell("refusing to write %(path)s: %(problem)s") % {"path": repr(path),
                                                                                          "problem": problem})
        self.problem = problem


class OutputRefused(OSError):
    """An output folder auditpack will not write: not its own, or one whose loss would lose the
    user's work. A usage mistake (exit status 2); the message says what to do instead."""

    def __init__(self, folder: Path, problem: str, hint: str):
        super().__init__(errno.EPERM, tell("refusing to write %(folder)s: %(problem)s") % {
            "folder": folder, "problem": problem} + "\n    " + tell("hint: %(hint)s") % {"hint": hint})
        self.folder, self.problem, self.hint = folder, problem, hint


@dataclass(frozen=True)
class ProjectFiles:
    """The project's own files (real paths), which no output folder may be, hold or lie inside."""

    root: Path
    content: Path
    settings: Path
    templates: Path


class BuildLocked(OSError):
    """Another build holds the project's lock; the message says which process and what to do."""

    def __init__(self, holder: str, lock_file: Path):
        message = tell("another build is running in this project (pid %(pid)s); wait for it or remove %(lock)s "
                       "if it was killed") if holder else \
            tell("another build is running in this project (pid unknown); wait for it or remove %(lock)s if it "
                 "was killed")
        super().__init__(errno.EAGAIN, message % {"pid": holder, "lock": lock_file})
        self.holder = holder or "unknown"


@contextlib.contextmanager
def build_lock(work_folder: Path):
    """Hold the project's build lock (``WORK_FOLDER/.lock``) or raise :class:`BuildLocked` at once.

    The operating system releases the lock when the process ends, however it ends, so a killed
    build never blocks the next one. The file stays (removing it would let two builds lock two
    different files); it holds the pid of the build that has it, for the message. Not re-entrant:
    a process that holds the lock and asks for it again is refused like any other.
    """
    work_folder.mkdir(parents=True, exist_ok=True)
    lock_file = work_folder / LOCK_NAME
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            _lock(fd)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise BuildLocked(holder, lock_file) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def replacing(target: Path, kind: str, project: ProjectFiles):
    """Yield an empty, marked folder to fill; on success it becomes ``target``, on failure it is removed.

    ``target`` must pass :func:`check_output`. A full disk is reported with the output path being
    written, not a path in the staging folder or the file being copied."""
    target = check_output(target, kind, project)
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(target, kind)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    if _ours_or_empty(staging, kind):  # the folder of an earlier process that had this pid
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        mark(staging, kind)
        yield staging
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in DISK_FULL:
            raise _named(exc, staging, target) from None
        raise
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _named(exc: OSError, staging: Path, target: Path) -> OSError:
    """The error with the output path it was writing: MkDocs copying a file names the file it was
    copying first, and a write that fails after the file was opened names nothing."""
    for name in (exc.filename2, exc.filename):
        if isinstance(name, str) and Path(name).is_relative_to(staging):
            return OSError(exc.errno, exc.strerror, str(target / Path(name).relative_to(staging)))
    if exc.filename is None:
        return OSError(exc.errno, exc.strerror, str(target))
    return exc  # already names an output elsewhere (a folder replaced inside this one)


def clear_leftovers(target: Path, kind: str) -> list[Path]:
    """Remove what killed builds left beside ``target``; returns what was removed or restored.

    Only folders of processes no longer running are touched, so a build running elsewhere
    (another output folder, or a build that does not take the lock) keeps its staging folder;
    and only folders that are auditpack's output of this kind, or empty, so a folder that merely
    has such a name is left alone. A previous output moved aside by a build killed between its
    two renames is put back.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(new|old)-(\d+)")
    touched = []
    for leftover in sorted(target.parent.iterdir()) if target.parent.is_dir() else []:
        match = pattern.fullmatch(leftover.name)
        if not match or _running(int(match[2])) or not (_ours_or_empty(leftover, kind)
                                                         or _marked_when_killed(leftover, kind)):
            continue
        if match[1] == "old" and not os.path.lexists(target):
            os.replace(leftover, target)
        else:
            shutil.rmtree(leftover)
        touched.append(leftover)
    return touched


# --- whose folder it is -------------------------------------------------------------------------

def check_output(folder: Path, kind: str, project: ProjectFiles) -> Path:
    """The real path of ``folder`` if auditpack may write ``kind`` output there; else :class:`OutputRefused`.

    Checked before anything is rendered, so a mistake costs nothing, and again where it is written."""
    real = check_place(folder, project)
    problem = _owner_problem(real, kind)
    if problem:
        raise OutputRefused(Path(os.path.abspath(folder)), *problem)
    return real


def check_place(folder: Path, project: ProjectFiles) -> Path:
    """The real path of ``folder`` if files may be written into it at all (it is not the project, its
    content, settings or templates, home, a root or a link); for commands that write a few named
    files and remove nothing, such as ``auditpack schema``."""
    lexical = Path(os.path.abspath(folder))
    problem = _place_problem(lexical, lexical.resolve(), project)
    if problem:
        raise OutputRefused(lexical, *problem)
    return lexical.resolve()


def claim(folder: Path, kind: str, project: ProjectFiles) -> Path:
    """Make ``folder`` (or take over an empty one) as auditpack's ``kind`` output, to write files into."""
    real = check_output(folder, kind, project)
    real.mkdir(parents=True, exist_ok=True)
    if marked_kind(real) != kind:
        mark(real, kind)
    return real


@contextlib.contextmanager
def claimed(folder: Path, kind: str, project: ProjectFiles):
    """:func:`claim` ``folder`` for the block that fills it. A folder made here is removed again if
    the block fails before anything was written into it, so a failed build leaves no empty folder."""
    made = not os.path.lexists(folder)
    real = claim(folder, kind, project)
    try:
        yield real
    except BaseException:
        if made and _files(real) <= {MARKER}:
            shutil.rmtree(real, ignore_errors=True)
        raise


def child(folder: Path, name: str) -> Path:
    """``folder/name`` for one portable file name: a school's folder or zip can only ever be
    directly inside the folder it was asked for, whatever its name."""
    problem = tell("a folder name may not contain '/'") if "/" in name else _name_problem(name)
    if problem:
        raise UnsafeOutputPath(problem, name)
    return folder / name


def check_zip_beside(zip_file: Path, folder: Path) -> None:
    """A school's zip is replaced only together with its folder, so never unless that folder is auditpack's."""
    lexical = Path(os.path.abspath(zip_file))
    if not os.path.lexists(lexical):
        return
    if lexical.is_symlink() or not lexical.is_file():
        raise OutputRefused(lexical, tell("it is not a plain file"), tell("move it away, or choose another --out"))
    if not _ours(Path(os.path.abspath(folder)), SCHOOL):
        raise OutputRefused(lexical, tell("auditpack did not make it: the folder beside it, %(folder)s, has no "
                                          "%(marker)s file") % {"folder": folder.name, "marker": MARKER},
                            tell("move it away, or choose another --out"))


def mark(folder: Path, kind: str) -> None:
    write_file(folder / MARKER, MARKER_TEXT.format(kind=kind))


def marked_kind(folder: Path) -> str | None:
    """The kind of output ``folder``'s marker names, or None when it has none."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    with contextlib.suppress(OSError), open(marker, "rb") as file:
        match = re.match(rb"auditpack output: ([a-z]+)\n", file.read(64))
        return match[1].decode() if match else None
    return None


def _place_problem(lexical: Path, real: Path, project: ProjectFiles) -> tuple[str, str] | None:
    """Why no output may ever go at this place, whoever made the folder."""
    choose = tell("choose a new folder of its own, e.g. inside the project")
    if lexical.is_symlink():
        return tell("it is a symbolic link (to %(target)s), so its files are somewhere else") % {"target": real}, \
            tell("give the folder's real path, or a new folder")
    link = _link_inside_project(lexical, project.root)
    if link:
        return tell("%(link)s is a symbolic link inside the project, so this folder is somewhere else") % {
            "link": link}, tell("give the real path, or a folder that is not reached through a link")
    if real.parent == real:
        return tell("it is the root of the file system"), choose
    home = _home()
    if home is not None and _within(home, real):
        return tell("it is your home folder") if _within(real, home) else tell("it holds your home folder"), choose
    if _within(project.root, real):
        return (tell("it is the project folder") if _within(real, project.root) else
                tell("it holds the project folder")), choose
    for name, path in (("content", project.content), ("settings", project.settings),
                       ("templates", project.templates)):
        inside, holds = _within(real, path), _within(path, real)
        if inside or holds:
            where = "is" if inside and holds else "holds" if holds else "is inside"
            return tell(_PROJECT_FILE[name, where]) % {"path": path}, choose
    return None


_PROJECT_FILE = {
    ("content", "is"): N_("it is the project's content folder"),
    ("content", "holds"): N_("it holds the project's content folder, %(path)s"),
    ("content", "is inside"): N_("it is inside the project's content folder, %(path)s"),
    ("settings", "is"): N_("it is the project's settings file"),
    ("settings", "holds"): N_("it holds the project's settings file, %(path)s"),
    ("settings", "is inside"): N_("it is inside the project's settings file, %(path)s"),
    ("templates", "is"): N_("it is the project's templates folder"),
    ("templates", "holds"): N_("it holds the project's templates folder, %(path)s"),
    ("templates", "is inside"): N_("it is inside the project's templates folder, %(path)s"),
}
"""Why an output folder may not be where one of the project's own files is, by which file and how."""


def _within(inner: Path, outer: Path) -> bool:
    """Whether ``inner`` is ``outer`` or inside it, as the file system sees it: on macOS and Windows
    'Content' is the folder 'content', and a bind mount is the folder it shows."""
    if inner.is_relative_to(outer):
        return True
    try:
        folder = outer.stat()
    except OSError:
        return False
    return any(os.path.samestat(folder, p.stat()) for p in (inner, *inner.parents) if p.exists())


def _owner_problem(real: Path, kind: str) -> tuple[str, str] | None:
    """Why this folder is not auditpack's to write ``kind`` output into."""
    if not real.exists() or _ours_or_empty(real, kind):
        return None
    if not real.is_dir():
        return tell("it is a file, not a folder"), tell("choose a folder name that is not taken")
    found = marked_kind(real)
    if found:
        return tell("it is auditpack's %(found)s output, not %(kind)s output") % {"found": found, "kind": kind}, \
            tell("choose another folder")
    return (tell("it is not empty and auditpack did not make it (it has no %(marker)s file)") % {"marker": MARKER},
            _not_ours_hint(kind))


def _not_ours_hint(kind: str) -> str:
    if kind == SITE:
        return tell("choose a new or empty folder, or move this one away; if it is a site built by an older "
                    "auditpack, delete it and build again")
    if kind in (SCHOOL, SCHOOLS):
        return tell("choose a new or empty folder, or move this one away; if it holds packs made by an older "
                    "auditpack, delete it and build them again")
    return tell("choose a new or empty folder, or move this one away")


def _ours_or_empty(folder: Path, kind: str) -> bool:
    """Whether ``folder`` is a real folder that may be replaced by (or removed for) ``kind`` output."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return not any(folder.iterdir()) or _ours(folder, kind)


def _marked_when_killed(folder: Path, kind: str) -> bool:
    """Whether ``folder`` holds only a marker cut short: the build that made it was killed while
    writing its marker (the first thing it writes), so the marker is empty or a beginning of ours."""
    if folder.is_symlink() or not folder.is_dir() or [p.name for p in folder.iterdir()] != [MARKER]:
        return False
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    with contextlib.suppress(OSError), open(marker, "rb") as file:
        return MARKER_TEXT.format(kind=kind).encode().startswith(file.read(len(MARKER_TEXT) + 64))
    return False


def _ours(folder: Path, kind: str) -> bool:
    if folder.is_symlink() or not folder.is_dir():
        return False
    return marked_kind(folder) == kind or _made_before_markers(folder, kind)


def _made_before_markers(folder: Path, kind: str) -> bool:
    """Whether ``folder`` is plainly what a version from before markers wrote, so upgrading loses
    nothing and asks nothing. Each test is a fact about those versions' output, fixed for good:

    - a site holds a zip of every other file in it (the site's download);
    - a batch school folder has a zip beside it of exactly its files;
    - a folder of schools holds only such folders and their zips;
    - a work or preview folder holds the mkdocs.yml auditpack generated;
    - a collation folder holds the report collate always wrote (it left other files alone).
    """
    try:
        if kind == SITE:
            files = _files(folder)
            return any(_zip_names(folder / zip_name) == files - {zip_name} != set()
                       for zip_name in files if "/" not in zip_name and zip_name.endswith(".zip"))
        if kind == SCHOOL:
            beside = folder.with_name(f"{folder.name}.zip")
            return not beside.is_symlink() and _zip_names(beside) == {f"{folder.name}/{f}" for f in _files(folder)}
        if kind == SCHOOLS:
            folders = {c.name for c in folder.iterdir() if _ours(c, SCHOOL)}
            return all(c.name in folders or (c.suffix == ".zip" and c.stem in folders) or _leftover(c.name)
                       for c in folder.iterdir())
        if kind in (WORK, PREVIEW):
            return (folder / "mkdocs.yml").read_bytes().startswith(b"# Generated by auditpack")
        if kind == COLLATION:
            return (folder / "collation-report.html").is_file()
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _zip_names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def _leftover(name: str) -> bool:
    """A staging folder or zip of an interrupted build, cleared by the next one."""
    return re.fullmatch(r"\..+\.(new|old)-\d+|\..+\.zip\.\d+", name) is not None


def _link_inside_project(lexical: Path, root: Path) -> Path | None:
    """The first folder on the way to ``lexical`` that is a symbolic link inside the project.

    Links above the project (macOS's /tmp, a home folder on another disk) are the project's own
    address and are followed; a link inside it leads an output somewhere the project does not own."""
    for folder in lexical.parents:
        if folder.is_symlink() and Path(os.path.realpath(folder.parent)).is_relative_to(root):
            return folder
    return None


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process; unknown counts as running, so nothing live is deleted."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:  # a killed process not yet reaped by its parent is a zombie: it exists but will never finish
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def check_paths(paths: Iterable[str]) -> None:
    """Refuse the first path that is not a portable relative path, or that clashes with another.

    Two paths clash when Windows or macOS would store them as one file: the same apart from
    upper and lower case or Unicode normalisation, or one a file and the other inside it.
    """
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    for path in sorted(paths):
        problem = _name_problem(path)
        if problem:
            raise UnsafeOutputPath(problem, path)
        key = unicodedata.normalize("NFC", path).casefold()
        if key in seen:
            raise UnsafeOutputPath(tell("two outputs are planned on this one path, so one would replace the other")
                                   if seen[key] == path else
                                   tell("it and %(other)s differ only in upper and lower case (or accents), which "
                                        "Windows and macOS store as one file") % {"other": repr(seen[key])}, path)
        seen[key] = path
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), path)
    for key, path in seen.items():
        if key in folders:
            raise UnsafeOutputPath(tell("it is a file, but %(other)s needs a folder of that name") % {
                "other": repr(folders[key])}, path)


def _name_problem(path: str) -> str:
    if not isinstance(path, str) or not path:
        return tell("an output needs a name")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return tell("the path is absolute; outputs are written inside the output folder")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return tell("a path may not contain '..', '.' or an empty part")
        bad = sorted(NOT_IN_NAMES.intersection(part))
        if bad:
            return tell("%(character)s is not allowed in file names on Windows") % {"character": repr(bad[0])}
        if windows_reserved(part):
            return tell("'%(name)s' is a reserved device name on Windows") % {"name": part}
        if part.endswith((".", " ")):
            return tell("a name ending in a dot or space loses it on Windows")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return counted("a name is longer than %(count)d byte", "a name is longer than %(count)d bytes",
                         MAX_NAME_BYTES)
    return ""


def windows_reserved(name: str) -> bool:
    """Whether Windows takes ``name`` for a device (``con``, ``con.txt``, ``CON .pdf``), not a file."""
    return name.split(".", maxsplit=1)[0].rstrip(" ").upper() in WINDOWS_RESERVED


def write_files(folder: Path, files: Mapping[str, bytes | str]) -> None:
    """Write ``{relative path: content}``; every path is checked before anything is written."""
    check_paths(files)
    root = folder.resolve()
    for relative, data in sorted(files.items()):
        path = (root / relative).resolve()
        if not path.is_relative_to(root):  # a symlink inside the folder pointing out of it
            raise UnsafeOutputPath(tell("it would be written outside the output folder"), relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data)


def write_file(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8); a failure (a full disk above all) names the file, which a
    failed write after a successful open would not."""
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
