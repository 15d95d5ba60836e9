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
from .i18n import N_, counted, tell
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
        "task": {t.id: (_task_wording(t), tell("stage %(number)s") % {"number": s.number}) for s in content.stages
                 for t in s.tasks},
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
        return tell("No differences in stages, tasks, items, sections, components, roles or pathways.")
    lines, heading = [], None
    for change in changes:
        if change.programme != heading:
            heading = change.programme
            lines.append(f"{heading}:")
        said = tell(_CHANGES[change.kind, change.what]) % {"id": change.id, "old": change.old, "new": change.new,
                                                          "text": change.old or change.new}
        if change.what == "reworded":
            said += f"\n    - {change.old}\n    + {change.new}"
        lines.append(f"  {said}")
    counts = {what: sum(c.what == what for c in changes) for what in ("added", "removed", "reworded", "moved")}
    lines.append(", ".join(_counted(what, n) for what, n in counts.items()))
    return "\n".join(lines)


def _counted(what: str, count: int) -> str:
    """'3 added': how many changes of one kind there were."""
    if what == "added":
        return counted("%(count)d added", "%(count)d added", count)
    if what == "removed":
        return counted("%(count)d removed", "%(count)d removed", count)
    if what == "reworded":
        return counted("%(count)d reworded", "%(count)d reworded", count)
    return counted("%(count)d moved", "%(count)d moved", count)


_CHANGES = {
    ("programme", "removed"): N_("removed programme %(id)s: %(text)s"),
    ("programme", "added"): N_("added programme %(id)s: %(text)s"),
    ("stage", "removed"): N_("removed stage %(id)s: %(text)s"),
    ("stage", "added"): N_("added stage %(id)s: %(text)s"),
    ("stage", "reworded"): N_("reworded stage %(id)s:"),
    ("stage", "moved"): N_("moved stage %(id)s: %(old)s -> %(new)s"),
    ("task", "removed"): N_("removed task %(id)s: %(text)s"),
    ("task", "added"): N_("added task %(id)s: %(text)s"),
    ("task", "reworded"): N_("reworded task %(id)s:"),
    ("task", "moved"): N_("moved task %(id)s: %(old)s -> %(new)s"),
    ("item", "removed"): N_("removed item %(id)s: %(text)s"),
    ("item", "added"): N_("added item %(id)s: %(text)s"),
    ("item", "reworded"): N_("reworded item %(id)s:"),
    ("item", "moved"): N_("moved item %(id)s: %(old)s -> %(new)s"),
    ("section", "removed"): N_("removed section %(id)s: %(text)s"),
    ("section", "added"): N_("added section %(id)s: %(text)s"),
    ("section", "reworded"): N_("reworded section %(id)s:"),
    ("section", "moved"): N_("moved section %(id)s: %(old)s -> %(new)s"),
    ("component", "removed"): N_("removed component %(id)s: %(text)s"),
    ("component", "added"): N_("added component %(id)s: %(text)s"),
    ("component", "reworded"): N_("reworded component %(id)s:"),
    ("component", "moved"): N_("moved component %(id)s: %(old)s -> %(new)s"),
    ("role", "removed"): N_("removed role %(id)s: %(text)s"),
    ("role", "added"): N_("added role %(id)s: %(text)s"),
    ("role", "reworded"): N_("reworded role %(id)s:"),
    ("role", "moved"): N_("moved role %(id)s: %(old)s -> %(new)s"),
    ("pathway", "removed"): N_("removed pathway %(id)s: %(text)s"),
    ("pathway", "added"): N_("added pathway %(id)s: %(text)s"),
    ("pathway", "reworded"): N_("reworded pathway %(id)s:"),
    ("pathway", "moved"): N_("moved pathway %(id)s: %(old)s -> %(new)s"),
}
"""One whole line per kind of thing and change ('reworded' is followed by the old and new wording)."""


def load_version(spec: str, project_root: Path, content_dir: str) -> list[Content]:
    """Programmes from a folder (a content folder, or a programme folder: then the content folder
    holding it) or a git revision of the project's content folder."""
    path = Path(spec)
    if path.is_dir():
        return load_programmes(_content_folder(path))
    if path.exists():
        raise _not_a_version(spec, tell("a file, not a folder"))
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
    raise _not_a_version(str(path), tell("a folder with no programme in it"))


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
        raise _not_a_version(revision, tell("a git revision with no %(folder)s folder") % {"folder": content_dir})
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
        raise _not_a_version(revision, tell("neither a folder nor a git revision with a content folder"),
                             hint=lines[-1] if lines else "")
    return result.stdout


def _not_a_version(spec: str, problem: str, hint: str = "") -> ContentErrors:
    return ContentErrors([ContentError(
        codes.NOT_A_VERSION, Location(spec), problem,
        expected=tell("a content folder, a programme folder, or a git revision such as HEAD~1 or v1.0"), hint=hint)])
