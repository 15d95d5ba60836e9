"""Find the input files, read each with the reader for its format, and check it against the questionnaire.

Files and folders may be given in any mix; folders are searched recursively in a stable order, and
of the output folder of ``auditpack scan`` only its answers are read.
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
from typing import TYPE_CHECKING

from .. import i18n
from ..answer_formats import SCAN_ANSWERS, SCAN_STATE, allowed_values
from ..documents import questionnaire_record_columns
from ..files import NotRegularFile, TooLarge, read_regular
from ..i18n import N_, Phrase, nphrase, phrase
from ..model import Content, Questionnaire
from .answers import MAX_RECORD_TEXT, Counted, Inputs, Kind, RawResponse, Skipped, Unusable, describe_values, printable
from .online_export import read_online_export
from .pdf_form import read_pdf
from .tally_csv import read_tally

if TYPE_CHECKING:  # imported where the pool starts: most collations read too few files for one
    from concurrent.futures import ProcessPoolExecutor

    from ..lifeline import Lifeline

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""A filled response form is well under 1 MB; anything near this is not one."""
SUFFIXES: dict[str, Kind] = {".pdf": "pdf", ".json": "online", ".csv": "tally"}
NOT_REGULAR = N_("it is not a regular file (a pipe, device or socket), so it is not read")
MAX_UNKNOWN = 100
"""Statements and questions a counted file may answer that the questionnaire lacks (see :func:`_few`)."""
LINK_TO_NOWHERE = N_("it is a link that leads nowhere (what it points to is missing, or links lead round in a "
                     "circle)")
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
    """Every file named or inside a named folder, once each, in a stable order; and what was not found.

    A file named on the command line is read wherever it is, even through a link: the user chose it.
    Inside a folder only regular files are read, and a link is followed only to a file in the same
    named folder, so a link planted in a shared folder cannot make collate read a file elsewhere.
    """
    files: list[Path] = []
    missing: list[Skipped] = []
    excluded = _real(exclude) if exclude else None
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            found, refused = _folder_files(path, excluded)
            files += found
            missing += refused
        elif path.exists():
            missing.append(Skipped(shown_path(path), phrase("it is not a regular file or folder")))
        elif path.is_symlink():
            missing.append(Skipped(shown_path(path), phrase(LINK_TO_NOWHERE)))
        else:
            missing.append(Skipped(shown_path(path), phrase("no such file or folder")))
    seen: set[Path] = set()
    unique = []
    for file in files:
        real = _real(file) or file
        if real not in seen:  # the same path twice (a file and its folder) is one file
            seen.add(real)
            unique.append(file)
    return unique, missing


def _folder_files(folder: Path, excluded: Path | None) -> tuple[list[Path], list[Skipped]]:
    """The files in a folder and its subfolders, hidden ones left out; and the links refused."""
    root = _real(folder) or folder
    files: list[Path] = []
    refused: list[Skipped] = []
    for top, subfolders, names in os.walk(folder):
        here = Path(top)
        if SCAN_STATE in names and SCAN_ANSWERS in subfolders:  # a scan's folder: its answers, not its pictures
            subfolders[:], names[:] = [SCAN_ANSWERS], []
        kept = []
        for name in sorted(subfolders):
            sub = here / name
            if name.startswith(".") or (excluded and _real(sub) == excluded):
                continue
            if not sub.is_symlink():
                kept.append(name)
            elif why := _refused_link(sub, folder, root, "folder"):  # one inside is read through its real path
                refused.append(Skipped(shown_path(sub), why))
        subfolders[:] = kept
        for name in sorted(names):
            file = here / name
            if name.startswith("."):
                continue
            if why := _refused_link(file, folder, root, "file") if file.is_symlink() else None:
                refused.append(Skipped(shown_path(file), why))
            else:
                files.append(file)  # pipes and devices are refused when read: see _read_bytes
    return files, refused


def _refused_link(link: Path, folder: Path, root: Path, what: str) -> Phrase | None:
    """Why a link found inside a named folder is not followed, or None when it leads to a place inside."""
    real = _real(link)
    if real is None:
        return phrase(LINK_TO_NOWHERE)
    if not real.is_relative_to(root):
        return _link_out(what, shown_path(folder))
    return None


def _link_out(what: str, shown: str) -> Phrase:
    """Why a link out of a named folder (``shown``; '.', the current folder) to a file or folder is refused."""
    values = {"folder": shown}
    if what == "folder":
        return (phrase("it is a link to a folder outside the current folder; links are not followed out of a folder "
                       "given to collate (name that folder itself to count it)") if shown == "." else
                phrase("it is a link to a folder outside %(folder)s; links are not followed out of a folder given to "
                       "collate (name that folder itself to count it)") % values)
    return (phrase("it is a link to a file outside the current folder; links are not followed out of a folder given "
                   "to collate (name that file itself to count it)") if shown == "." else
            phrase("it is a link to a file outside %(folder)s; links are not followed out of a folder given to "
                   "collate (name that file itself to count it)") % values)


def _real(path: Path) -> Path | None:
    """The path with every link followed, or None for a link that leads nowhere or in a circle."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def read_inputs(paths: list[Path], target: Target, max_bytes: int = DEFAULT_MAX_BYTES,
                exclude: Path | None = None) -> Inputs:
    files, missing = find_files(paths, exclude)
    outcomes: list[Counted | Skipped] = list(missing)
    first_seen: dict[str, str] = {}
    copies: dict[str, str] = {}
    with _PdfParser(sum(f.suffix.lower() == ".pdf" for f in files)) as parse_pdfs:
        for start in range(0, len(files), BATCH):
            loaded: list[tuple[str, bytes, str, Kind | None] | Skipped] = []
            for file in files[start:start + BATCH]:
                shown = shown_path(file)
                try:
                    data = _read_bytes(file, max_bytes)
                except Unusable as exc:
                    loaded.append(Skipped(shown, exc.reason))
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if digest in first_seen:
                    copies[shown] = first_seen[digest]
                    loaded.append(Skipped(shown, phrase("it is identical to %(file)s, which is counted (the same file "
                                                        "given twice is counted once)") % {"file": first_seen[digest]}))
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
                    outcomes.append(Skipped(shown, exc.reason))
    inputs = Inputs([o for o in outcomes if isinstance(o, Counted)], [o for o in outcomes if isinstance(o, Skipped)])
    return _copies_of_skipped(_one_per_online_response(inputs), copies)


def read_file(shown: str, data: bytes, digest: str, kind: Kind | None, target: Target,
              parsed: RawResponse | Unusable | None = None) -> Counted:
    """One file's answers, checked against the questionnaire; raises :class:`Unusable`.

    ``parsed`` is a PDF's answers already read (in another process), or why they could not be.
    """
    if kind is None:
        raise Unusable(phrase("it is not a PDF, JSON or CSV file, so not a response form, online export or tally "
                              "sheet"))
    if not data.strip():
        raise Unusable(phrase("it is empty (0 bytes of content)"))
    if kind == "tally":
        tally = read_tally(data, target.questionnaire)
        if not tally.counts:
            raise Unusable(phrase("it has no counts (a blank tally sheet)"))
        most = max(sum(counter.values()) for counter in tally.counts.values())
        return Counted(shown, kind, digest, tally.counts, most, unknown=_few(tally.unknown_items),
                       audience=_audience(tally.audience, target))
    if isinstance(parsed, Unusable):
        raise parsed
    raw = parsed or (read_pdf(data) if kind == "pdf" else read_online_export(data))
    return _checked_response(shown, kind, digest, raw, target)


def _checked_response(shown: str, kind: Kind, digest: str, raw: RawResponse, target: Target) -> Counted:
    identity, q = raw.identity, target.questionnaire
    values = {"questionnaire": identity.questionnaire, "programme": identity.programme, "wanted": q.id,
              "wanted_programme": target.programme_id}
    if identity.questionnaire != q.id:
        raise Unusable((phrase("it answers questionnaire '%(questionnaire)s' of programme '%(programme)s', not "
                               "'%(wanted)s'") if identity.programme else
                        phrase("it answers questionnaire '%(questionnaire)s', not '%(wanted)s'")) % values)
    if identity.programme and identity.programme != target.programme_id:
        raise Unusable(phrase("it answers '%(wanted)s' of programme '%(programme)s', not of '%(wanted_programme)s'")
                       % values)
    dimensions = {dim.id: dim for dim in q.dimensions}
    items = {item.id for item in q.items}
    counts: dict[tuple[str, str], Counter] = {}
    unknown: set[Phrase] = set()
    for (item_id, dim_id), value in sorted(raw.answers.items()):
        if item_id not in items:
            unknown.add(phrase("statement '%(id)s'") % {"id": printable(item_id)})
            continue
        if dim_id not in dimensions:
            unknown.add(phrase("question '%(id)s'") % {"id": printable(dim_id)})
            continue
        dim = dimensions[dim_id]
        allowed = {answer.lower(): answer for answer in allowed_values(q, dim)}  # 'r' is the code 'R'
        normalised = allowed.get(value.lower(), value)
        if normalised not in allowed.values():
            raise Unusable(phrase("its answer to '%(statement)s', question '%(question)s' is '%(value)s', which is "
                                  "not on the scale (expected %(expected)s)") % {
                "statement": item_id, "question": dim_id, "value": printable(value, 20),
                "expected": describe_values(q, dim)})
        counts[(item_id, dim_id)] = Counter({normalised: 1})
    record_counts, record_text = _record(raw, target, unknown)
    if not counts and not (raw.rater == "group" and (record_counts or record_text)):
        raise Unusable(phrase("it has no answers for any statement of this questionnaire (a blank form?)") if unknown
                       else phrase("it has no answers (a blank form?)"))
    left_out = tuple(sorted(unknown, key=_in_english))
    return Counted(shown, kind, digest, counts, 1, version=identity.version, unknown=_few(left_out),
                   comments=raw.comments, response_id=raw.response_id, revision=raw.revision, rater=raw.rater,
                   record_counts=record_counts, record_text=record_text,
                   audience=_audience(identity.audience, target))


def _record(raw: RawResponse, target: Target, unknown: set[Phrase]):
    """What a response records beside its statements: choices counted, free text kept (cut to
    MAX_RECORD_TEXT) in the questionnaire's order; columns or statements the programme lacks go to ``unknown``."""
    columns = questionnaire_record_columns(target.content, target.questionnaire)
    order = {item.id: n for n, item in enumerate(target.questionnaire.items)}
    counts: dict[tuple[str, str], Counter] = {}
    texts = []
    for (item_id, column_id), value in sorted(raw.record.items(), key=lambda e: (order.get(e[0][0], -1), e[0][1])):
        column = columns.get(column_id)
        if item_id not in order:
            unknown.add(phrase("statement '%(id)s'") % {"id": printable(item_id)})
        elif column is None:
            unknown.add(phrase("record column '%(id)s'") % {"id": printable(column_id)})
        elif column.kind == "text":
            texts.append((item_id, column_id, value[:MAX_RECORD_TEXT]))
        else:
            options = [v for v, _ in column.options(target.questionnaire)]
            if value.strip() not in options:
                raise Unusable(phrase("what it records beside '%(statement)s' in column '%(column)s' is '%(value)s', "
                                      "which is not one of its options (expected one of: %(options)s)") % {
                    "statement": item_id, "column": column_id, "value": printable(value, 20),
                    "options": ", ".join(options)})
            counts[(item_id, column_id)] = Counter({value.strip(): 1})
    return counts, tuple(texts)


def _audience(audience_id: str | None, target: Target) -> str | None:
    """The audience a file says it is from, checked against the questionnaire's."""
    declared = [a.id for a in target.questionnaire.audiences]
    if audience_id is None or audience_id in declared:
        return audience_id
    values = {"audience": printable(audience_id), "questionnaire": target.questionnaire.id,
              "declared": ", ".join(declared)}
    if not declared:
        raise Unusable(phrase("it answers as audience '%(audience)s', but '%(questionnaire)s' has no audiences")
                       % values)
    raise Unusable(phrase("it answers as audience '%(audience)s', which '%(questionnaire)s' does not have (it has "
                          "%(declared)s)") % values)


def _in_english(said: Phrase) -> str:
    """What a file answers that the questionnaire lacks is listed in the order of its English words,
    whatever language it is shown in."""
    with i18n.addressing("en-GB"):
        return str(said)


def _few(unknown: tuple[Phrase | str, ...]) -> tuple[Phrase | str, ...]:
    """What a file answers that the questionnaire lacks, listed in the report: a few retired statements,
    never thousands (those are another questionnaire's answers, or a file made to bury the report)."""
    if len(unknown) > MAX_UNKNOWN:
        raise Unusable(nphrase("it answers %(count)s statements or questions this questionnaire does not have (is it "
                               "for another questionnaire?)",
                               "it answers %(count)s statements or questions this questionnaire does not have (is it "
                               "for another questionnaire?)", len(unknown)) % {"count": f"{len(unknown):,}"})
    return unknown


def _copies_of_skipped(inputs: Inputs, copies: dict[str, str]) -> Inputs:
    """A copy of a file that is skipped itself says so, instead of saying its twin is counted."""
    counted = {c.path for c in inputs.counted}
    reasons = {s.path: s.reason for s in inputs.skipped}
    return Inputs(inputs.counted, [
        Skipped(s.path, phrase("it is identical to %(file)s, which is skipped too: %(reason)s") % {
            "file": copies[s.path], "reason": reasons[copies[s.path]]})
        if s.path in copies and copies[s.path] not in counted else s for s in inputs.skipped])


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
            skipped.append(Skipped(counted.path, phrase("it is another save of the online response in %(file)s (same "
                                                       "response id); only the latest save is counted") % {
                "file": best.path}))
    return Inputs(kept, skipped)


def _read_bytes(file: Path, max_bytes: int) -> bytes:
    """The file's bytes, no more than the limit, read as content files are (:mod:`auditpack.files`):
    a pipe (which waits forever for a writer) or a device (``/dev/zero`` never ends) is refused, not read."""
    try:
        return read_regular(file, max_bytes)
    except NotRegularFile:
        raise Unusable(phrase(NOT_REGULAR)) from None
    except TooLarge as exc:
        values = {"size": _megabytes(exc.size or 0), "limit": _megabytes(max_bytes)}
        raise Unusable((phrase("it is too large (%(size)s; the limit is %(limit)s, far more than a response form or "
                               "tally sheet needs)") if exc.size else
                        phrase("it is too large (more than %(limit)s, far more than a response form or tally sheet "
                               "needs)")) % values) from None
    except OSError as exc:
        raise Unusable(phrase("it could not be read (%(error)s)") % {"error": exc.strerror or exc}) from None


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


def shown_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the current folder where it is inside it, and
    printable (a file name may hold control characters, or bytes that are not UTF-8)."""
    try:  # links are not followed: a link is shown by its own name, not its target's
        shown = Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        shown = path.as_posix()
    return printable(shown, None)


class _PdfParser:
    """Reads batches of PDFs, in worker processes when there are enough of them to be worth it.

    Workers are started with 'spawn', so they share nothing with the caller (no inherited threads or
    open files); answers come back in input order, so results never depend on timing.
    """

    def __init__(self, expected: int):
        self.workers = min(os.cpu_count() or 1, 8) if expected >= PARALLEL_FROM else 1
        self.pool: ProcessPoolExecutor | None = None
        self.lifeline: Lifeline | None = None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from ..lifeline import Lifeline

            context = multiprocessing.get_context("spawn")
            self.lifeline = Lifeline(context)  # the workers end with this process, even if it is killed
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                            initargs=(self.lifeline.watched, i18n.reader()))
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


def _start_worker(watched, reader: str) -> None:
    """A worker ends with this process, and says why a PDF cannot be counted in the language this
    process's messages are in (``reader``)."""
    from ..lifeline import end_with_the_parent

    end_with_the_parent(watched)
    i18n.address(reader)


def _parse_pdf(data: bytes) -> RawResponse | Unusable:
    try:
        return read_pdf(data)
    except Unusable as exc:
        return exc
