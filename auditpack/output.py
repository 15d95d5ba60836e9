"""Writing output folders so that a failed, killed or concurrent build never damages the previous one.

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
import unicodedata
from collections.abc import Iterable
from pathlib import Path

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
"""Device names Windows will not use as a file or folder name, whatever the extension."""
NOT_IN_NAMES = set('\\:*?"<>|') | {chr(c) for c in range(32)}
MAX_NAME_BYTES = 255
LOCK_NAME = ".lock"


class UnsafeOutputPath(OSError):
    """An output path that is refused. An OSError, so every command that reports a failed write
    (``auditpack build`` and ``collate``) reports this the same way, as a message, not a traceback."""

    def __init__(self, problem: str, path: str):
        super().__init__(errno.EINVAL, f"refusing to write {path!r}: {problem}")


class BuildLocked(OSError):
    """Another build holds the project's lock; the message says which process and what to do."""

    def __init__(self, holder: str, lock_file: Path):
        super().__init__(errno.EAGAIN, f"another build is running in this project (pid {holder}); "
                                       f"wait for it or remove {lock_file} if it was killed")
        self.holder = holder


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
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
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
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def replacing(target: Path):
    """Yield an empty folder to fill; on success it becomes ``target``, on failure it is removed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(target)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def clear_leftovers(target: Path) -> list[Path]:
    """Remove what killed builds left beside ``target``; returns what was removed or restored.

    Only folders of processes no longer running are touched, so a build running elsewhere
    (another output folder, or a build that does not take the lock) keeps its staging folder.
    A previous output moved aside by a build killed between its two renames is put back.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(new|old)-(\d+)")
    touched = []
    for leftover in sorted(target.parent.iterdir()) if target.parent.is_dir() else []:
        match = pattern.fullmatch(leftover.name)
        if not match or _running(int(match[2])):
            continue
        if match[1] == "old" and not target.exists():
            os.replace(leftover, target)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
        touched.append(leftover)
    return touched


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
            raise UnsafeOutputPath("two outputs are planned on this one path, so one would replace the other"
                                   if seen[key] == path else
                                   f"it and {seen[key]!r} differ only in upper and lower case (or accents), "
                                   "which Windows and macOS store as one file", path)
        seen[key] = path
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), path)
    for key, path in seen.items():
        if key in folders:
            raise UnsafeOutputPath(f"it is a file, but {folders[key]!r} needs a folder of that name", path)


def _name_problem(path: str) -> str:
    if not isinstance(path, str) or not path:
        return "an output needs a name"
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "the path is absolute; outputs are written inside the output folder"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return "a path may not contain '..', '.' or an empty part"
        bad = sorted(NOT_IN_NAMES.intersection(part))
        if bad:
            return f"{bad[0]!r} is not allowed in file names on Windows"
        if windows_reserved(part):
            return f"'{part}' is a reserved device name on Windows"
        if part.endswith((".", " ")):
            return "a name ending in a dot or space loses it on Windows"
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return f"a name is longer than {MAX_NAME_BYTES} bytes"
    return ""


def windows_reserved(name: str) -> bool:
    """Whether Windows takes ``name`` for a device (``con``, ``con.txt``, ``CON .pdf``), not a file."""
    return name.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED


def write_files(folder: Path, files: dict[str, bytes | str]) -> None:
    """Write ``{relative path: content}``; every path is checked before anything is written."""
    check_paths(files)
    root = folder.resolve()
    for relative, data in sorted(files.items()):
        path = (root / relative).resolve()
        if not path.is_relative_to(root):  # a symlink inside the folder pointing out of it
            raise UnsafeOutputPath("it would be written outside the output folder", relative)
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
