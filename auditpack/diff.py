"""What changed between two versions of the content, matched by stable id.

Advisors write the changelog from these facts: which stages, tasks, items, components and
roles were added, removed or reworded. Versions are content folders, or git revisions of
this project's content folder.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import codes
from .errors import ContentError, ContentErrors, Location
from .model import Content
from .output import write_files
from .validate import load_programmes


@dataclass(frozen=True)
class Change:
    programme: str
    kind: str
    id: str
    what: str
    """'added', 'removed', 'reworded' or 'moved'."""
    old: str = ""
    new: str = ""


def diff(old: list[Content], new: list[Content]) -> list[Change]:
    changes = []
    old_by_id = {c.programme.id: c for c in old}
    new_by_id = {c.programme.id: c for c in new}
    for pid in sorted(old_by_id.keys() - new_by_id.keys()):
        changes.append(Change(pid, "programme", pid, "removed", old_by_id[pid].programme.title))
    for pid in sorted(new_by_id.keys() - old_by_id.keys()):
        changes.append(Change(pid, "programme", pid, "added", new=new_by_id[pid].programme.title))
    for pid in sorted(old_by_id.keys() & new_by_id.keys()):
        for kind, entries in _comparable(old_by_id[pid]).items():
            changes += _compare(pid, kind, entries, _comparable(new_by_id[pid])[kind])
    return changes


def _comparable(content: Content) -> dict[str, dict[str, tuple[str, str]]]:
    """Per kind, {id: (wording, place)}: a change of wording is 'reworded', of place 'moved'."""
    return {
        "stage": {s.id: (f"{s.title}: {s.purpose}", str(s.number)) for s in content.stages},
        "task": {t.id: (_task_wording(t), f"stage {s.number}") for s in content.stages for t in s.tasks},
        "item": {i.id: (i.text, f"{q.id}/{sec.id}") for q in content.questionnaires for sec in q.sections
                 for i in sec.items},
        "section": {f"{q.id}/{s.id}": (s.title, q.id) for q in content.questionnaires for s in q.sections},
        "component": {c.id: (f"{c.title}: {c.description}", "") for c in content.components},
        "role": {r.id: (r.name, "") for r in content.roles},
        "pathway": {p.id: (p.name, "") for p in content.pathways},
    }


def _task_wording(task) -> str:
    extra = f" [owners: {', '.join(task.owners)}]" + (f" [pathway: {task.pathway}]" if task.pathway else "")
    return task.text + extra + (f" [time: {task.time}]" if task.time else "")


def _compare(pid: str, kind: str, old: dict, new: dict) -> list[Change]:
    changes = [Change(pid, kind, i, "removed", old[i][0]) for i in old if i not in new]
    changes += [Change(pid, kind, i, "added", new=new[i][0]) for i in new if i not in old]
    for i in old.keys() & new.keys():
        if old[i][0] != new[i][0]:
            changes.append(Change(pid, kind, i, "reworded", old[i][0], new[i][0]))
        if old[i][1] != new[i][1]:
            changes.append(Change(pid, kind, i, "moved", old[i][1], new[i][1]))
    order = {"removed": 0, "added": 1, "reworded": 2, "moved": 3}
    return sorted(changes, key=lambda c: (order[c.what], c.id))


def format_changes(changes: list[Change]) -> str:
    if not changes:
        return "No differences in stages, tasks, items, sections, components, roles or pathways."
    lines, heading = [], None
    for change in changes:
        if change.programme != heading:
            heading = change.programme
            lines.append(f"{heading}:")
        if change.what == "reworded":
            lines.append(f"  reworded {change.kind} {change.id}:\n    - {change.old}\n    + {change.new}")
        elif change.what == "moved":
            lines.append(f"  moved {change.kind} {change.id}: {change.old} -> {change.new}")
        else:
            lines.append(f"  {change.what} {change.kind} {change.id}: {change.old or change.new}")
    counts = {what: sum(c.what == what for c in changes) for what in ("added", "removed", "reworded", "moved")}
    lines.append(", ".join(f"{n} {what}" for what, n in counts.items()))
    return "\n".join(lines)


def load_version(spec: str, project_root: Path, content_dir: str) -> list[Content]:
    """Programmes from a folder (a content folder, or a programme folder: then the content folder
    holding it) or a git revision of the project's content folder."""
    path = Path(spec)
    if path.is_dir():
        return load_programmes(_content_folder(path))
    if path.exists():
        raise _not_a_version(spec, "a file, not a folder")
    with tempfile.TemporaryDirectory() as tmp:
        _export_revision(spec, project_root, content_dir, Path(tmp))
        return load_programmes(Path(tmp) / content_dir)


def _content_folder(path: Path) -> Path:
    """The content folder ``path`` is or is in; any other folder is refused before its files are
    read (``diff /`` would otherwise search the whole disk for YAML)."""
    if (path / "programme.yml").is_file():
        return path.parent
    if any((folder / "programme.yml").is_file() for folder in path.iterdir() if folder.is_dir()):
        return path
    raise _not_a_version(str(path), "a folder with no programme in it")


def _export_revision(revision: str, project_root: Path, content_dir: str, target: Path) -> None:
    """Write the content folder as it was at ``revision`` under ``target``.

    Git is asked only for a commit it has verified (an argument such as ``--output=FILE`` is a
    name to look up, never an option), and only regular files are written, each through
    :func:`auditpack.output.write_files`, which refuses a path that would leave ``target``."""
    commit = _git(project_root, revision, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
    listing = _git(project_root, revision, "ls-tree", "-r", "-z", commit.decode().strip(), "--", content_dir)
    blobs = {}
    for entry in filter(None, listing.split(b"\0")):
        info, _, name = entry.partition(b"\t")
        mode, kind, blob = info.split()
        if kind == b"blob" and mode != b"120000":  # not a symbolic link or a submodule
            blobs[name.decode("utf-8", errors="surrogateescape")] = blob
    if not blobs:
        raise _not_a_version(revision, f"a git revision with no {content_dir} folder")
    write_files(target, _read_blobs(project_root, revision, blobs))


def _read_blobs(project_root: Path, revision: str, blobs: dict[str, bytes]) -> dict[str, bytes]:
    """Every blob's bytes from one ``git cat-file --batch``: its answer to each id is
    ``<id> blob <size>``, a newline, the bytes and a newline."""
    answer = _git(project_root, revision, "cat-file", "--batch", stdin=b"".join(b + b"\n" for b in blobs.values()))
    files, offset = {}, 0
    for name in blobs:
        header_end = answer.index(b"\n", offset)
        size = int(answer[offset:header_end].split()[2])
        files[name] = answer[header_end + 1:header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return files


def _git(project_root: Path, revision: str, *arguments: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(project_root), *arguments], input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise _not_a_version(revision, "neither a folder nor a git revision with a content folder",
                             hint=lines[-1] if lines else "")
    return result.stdout


def _not_a_version(spec: str, problem: str, hint: str = "") -> ContentErrors:
    return ContentErrors([ContentError(
        codes.NOT_A_VERSION, Location(spec), problem,
        expected="a content folder, a programme folder, or a git revision such as HEAD~1 "
                                          "or v1.0", hint=hint)])
