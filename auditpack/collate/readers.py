"""Find the input files, read each with the reader for its format, and check it against the questionnaire.

Files and folders may be given in any mix; folders are searched recursively in a stable order.
Every file is counted whole or skipped whole with its reason, except that answers to statements
a questionnaire no longer has (a form from an older content version) are left out and listed:
statements are matched by id, which content authors keep stable when they reword one.
The same file given twice (identical bytes) and the same online response exported twice (same
random response id) are counted once.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..model import Content, Questionnaire
from .answers import (DONT_KNOW, Counted, Inputs, Kind, RawResponse, Skipped, Unusable, allowed_values,
                      describe_values)
from .online_export import read_online_export
from .pdf_form import read_pdf
from .tally_csv import read_tally

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""A filled response form is well under 1 MB; anything near this is not one."""
SUFFIXES = {".pdf": "pdf", ".json": "online", ".csv": "tally"}
BATCH = 64
"""Files read into memory at a time: enough to keep every CPU busy, few enough to bound memory."""
PARALLEL_FROM = 24
"""Reading a filled form costs 50 to 250 ms of pure Python (pypdf), so from this many PDFs they are
read in worker processes, one per CPU; for fewer, starting the workers costs more than it saves."""


@dataclass(frozen=True)
class Target:
    """What the answers must belong to."""

    content: Content
    questionnaire: Questionnaire

    @property
    def programme_id(self) -> str:
        return self.content.programme.id

    @property
    def version(self) -> str:
        return self.content.programme.version


def find_files(paths: list[Path], exclude: Path | None = None) -> tuple[list[Path], list[Skipped]]:
    """Every file named or inside a named folder, once each, in a stable order; and what was not found."""
    files: list[Path] = []
    missing: list[Skipped] = []
    excluded = exclude.resolve() if exclude else None
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for folder, subfolders, names in os.walk(path):
                here = Path(folder)
                subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                                       and not (excluded and (here / d).resolve() == excluded))
                files += [here / name for name in sorted(names) if not name.startswith(".")]
        elif path.exists():
            missing.append(Skipped(_display(path), "it is not a regular file or folder"))
        else:
            missing.append(Skipped(_display(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for file in files:
        if file.resolve() not in seen:  # the same path twice (a file and its folder) is one file
            seen.add(file.resolve())
            unique.append(file)
    return unique, missing


def read_inputs(paths: list[Path], target: Target, max_bytes: int = DEFAULT_MAX_BYTES,
                exclude: Path | None = None) -> Inputs:
    files, missing = find_files(paths, exclude)
    outcomes: list[Counted | Skipped] = list(missing)
    first_seen: dict[str, str] = {}
    with _PdfParser(sum(f.suffix.lower() == ".pdf" for f in files)) as parse_pdfs:
        for start in range(0, len(files), BATCH):
            loaded: list[tuple[str, bytes, str, Kind | None] | Skipped] = []
            for file in files[start:start + BATCH]:
                shown = _display(file)
                try:
                    data = _read_bytes(file, max_bytes)
                except Unusable as exc:
                    loaded.append(Skipped(shown, str(exc)))
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if digest in first_seen:
                    loaded.append(Skipped(shown, f"it is identical to {first_seen[digest]}, which is counted "
                                                 "(the same file given twice is counted once)"))
                    continue
                first_seen[digest] = shown
                loaded.append((shown, data, digest, _kind(file, data)))
            pdfs = iter(parse_pdfs([entry[1] for entry in loaded
                                    if not isinstance(entry, Skipped) and entry[3] == "pdf"]))
            for entry in loaded:
                if isinstance(entry, Skipped):
                    outcomes.append(entry)
                    continue
                shown, data, digest, kind = entry
                try:
                    outcomes.append(read_file(shown, data, digest, kind, target,
                                              next(pdfs) if kind == "pdf" else None))
                except Unusable as exc:
                    outcomes.append(Skipped(shown, str(exc)))
    inputs = Inputs([o for o in outcomes if isinstance(o, Counted)], [o for o in outcomes if isinstance(o, Skipped)])
    return _one_per_online_response(inputs)


def read_file(shown: str, data: bytes, digest: str, kind: Kind | None, target: Target,
              parsed: RawResponse | Unusable | None = None) -> Counted:
    """One file's answers, checked against the questionnaire; raises :class:`Unusable`.

    ``parsed`` is a PDF's answers already read (in another process), or why they could not be.
    """
    if kind is None:
        raise Unusable("it is not a PDF, JSON or CSV file, so not a response form, online export or tally sheet")
    if not data.strip():
        raise Unusable("it is empty (0 bytes of content)")
    if kind == "tally":
        tally = read_tally(data, target.questionnaire)
        if not tally.counts:
            raise Unusable("it has no counts (a blank tally sheet)")
        most = max(sum(counter.values()) for counter in tally.counts.values())
        return Counted(shown, kind, digest, tally.counts, most, unknown=tally.unknown_items)
    if isinstance(parsed, Unusable):
        raise parsed
    raw = parsed or (read_pdf(data) if kind == "pdf" else read_online_export(data))
    return _checked_response(shown, kind, digest, raw, target)


def _checked_response(shown: str, kind: Kind, digest: str, raw: RawResponse, target: Target) -> Counted:
    identity, q = raw.identity, target.questionnaire
    if identity.questionnaire != q.id:
        where = f" of programme '{identity.programme}'" if identity.programme else ""
        raise Unusable(f"it answers questionnaire '{identity.questionnaire}'{where}, not '{q.id}'")
    if identity.programme and identity.programme != target.programme_id:
        raise Unusable(f"it answers '{q.id}' of programme '{identity.programme}', not of '{target.programme_id}'")
    dimensions = {dim.id: dim for dim in q.dimensions}
    items = {item.id for item in q.items}
    counts: dict[tuple[str, str], Counter] = {}
    unknown: set[str] = set()
    for (item_id, dim_id), value in sorted(raw.answers.items()):
        if item_id not in items:
            unknown.add(f"statement '{item_id}'")
            continue
        if dim_id not in dimensions:
            unknown.add(f"question '{dim_id}'")
            continue
        dim = dimensions[dim_id]
        normalised = DONT_KNOW if value.lower() == DONT_KNOW else value
        if normalised not in allowed_values(q, dim):
            raise Unusable(f"its answer to '{item_id}', question '{dim_id}' is '{value[:20]}', which is not on "
                           f"the scale (expected {describe_values(q, dim)})")
        counts[(item_id, dim_id)] = Counter({normalised: 1})
    if not counts:
        why = " for any statement of this questionnaire" if unknown else ""
        raise Unusable(f"it has no answers{why} (a blank form?)")
    return Counted(shown, kind, digest, counts, 1, version=identity.version, unknown=tuple(sorted(unknown)),
                   comments=raw.comments, response_id=raw.response_id, revision=raw.revision)


def _one_per_online_response(inputs: Inputs) -> Inputs:
    """Keep the latest export of each online response; the others are earlier copies of it."""
    latest: dict[str, Counted] = {}
    for counted in inputs.counted:
        if counted.kind == "online" and counted.response_id:
            best = latest.get(counted.response_id)
            if best is None or counted.revision > best.revision:
                latest[counted.response_id] = counted
    kept, skipped = [], list(inputs.skipped)
    for counted in inputs.counted:
        best = latest.get(counted.response_id) if counted.kind == "online" and counted.response_id else None
        if best is None or best is counted:
            kept.append(counted)
        else:
            skipped.append(Skipped(counted.path, f"it is another save of the online response in {best.path} "
                                                  "(same response id); only the latest save is counted"))
    return Inputs(kept, skipped)


def _read_bytes(file: Path, max_bytes: int) -> bytes:
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise Unusable(f"it is too large ({_megabytes(size)}; the limit is {_megabytes(max_bytes)}, far more "
                           "than a response form or tally sheet needs)")
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Unusable(f"it could not be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise Unusable(f"it is too large (more than {_megabytes(max_bytes)})")
    return data


def _kind(file: Path, data: bytes) -> Kind | None:
    """The format, from the content where it says (PDFs begin %PDF), else from the name."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    kind = SUFFIXES.get(file.suffix.lower())
    if kind == "pdf":
        return kind  # named .pdf but not one: the PDF reader says why
    if kind is None and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "online"
    return kind


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _display(path: Path) -> str:
    """A path as the user would recognise it: relative to the current folder where it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _PdfParser:
    """Reads batches of PDFs, in worker processes when there are enough of them to be worth it.

    Workers are started with 'spawn', so they share nothing with the caller (no inherited threads or
    open files); answers come back in input order, so results never depend on timing.
    """

    def __init__(self, expected: int):
        self.workers = min(os.cpu_count() or 1, 8) if expected >= PARALLEL_FROM else 1
        self.pool = None
        self.lifeline = None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from ..lifeline import Lifeline, end_with_the_parent

            context = multiprocessing.get_context("spawn")
            self.lifeline = Lifeline(context)  # the workers end with this process, even if it is killed
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=end_with_the_parent,
                                            initargs=(self.lifeline.watched,))
        return self

    def __exit__(self, failed, *exc_info):
        if self.lifeline is not None and failed:  # interrupted: end the workers now, not after their PDFs
            self.lifeline.cut()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.lifeline is not None:
            self.lifeline.cut()

    def __call__(self, datas: list[bytes]) -> list[RawResponse | Unusable]:
        if self.pool is not None and len(datas) > 1:
            from concurrent.futures.process import BrokenProcessPool

            try:
                return list(self.pool.map(_parse_pdf, datas))
            except BrokenProcessPool:  # a worker died (out of memory?): read this batch here instead
                self.pool = None
        return [_parse_pdf(data) for data in datas]


def _parse_pdf(data: bytes) -> RawResponse | Unusable:
    try:
        return read_pdf(data)
    except Unusable as exc:
        return exc
