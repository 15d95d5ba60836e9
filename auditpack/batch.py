"""Packs for many schools from one CSV file: ``auditpack packs --schools schools.csv``.

Schools that run the programme the same way (same programme, pathway and components) get the
same documents apart from their name. So documents are rendered once per distinct tailoring,
without a name, through the same cache as every other build, and each school's copy is made by
stamping its name onto them (:mod:`auditpack.render.stamp`). Schools are written one at a time
and forgotten, so memory does not grow with the number of schools.

A bad row is reported with its line and column and the other rows still build. ``--shard i/n``
builds the schools whose slug hashes to ``i``, so adding a row never moves other schools.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import codes, documents, output, pipeline
from .errors import ContentError, ContentErrors, Location, suggest, with_source_lines
from .i18n import N_, ntell, tell
from .kinds import PDF, format_of
from .load import wide_unicode
from .model import Content
from .output import build_lock, check_paths, replacing, write_files
from .pipeline import BuildOptions, BuildSummary, Project
from .render.packs import PdfOutput, RenderStats
from .render.renderer import Renderer
from .render.stamp import BODY_SIZE, LARGE_PRINT_SIZE, StampSheet
from .schools import SchoolRequest, request_from_row, slugify, tailor

COLUMNS = ("name", "programme", "pathway", "components", "language")
REQUIRED = ("name",)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SchoolJob:
    """One school to build: where its folder (and, in a batch, its zip) go."""

    request: SchoolRequest
    folder: Path
    zip_file: Path | None = None
    where: Location = Location("--school")
    """The CSV line it came from, for messages."""


@dataclass
class SchoolResult:
    job: SchoolJob
    pdfs: int = 0
    pages: int = 0
    size: int = 0


@dataclass
class BatchSummary:
    built: list[SchoolResult] = field(default_factory=list)
    problems: list[ContentError] = field(default_factory=list)
    """Rows that could not be read or built; each names its line."""
    stats: RenderStats = field(default_factory=RenderStats)
    skipped: int = 0
    """Good rows left to other shards."""
    seconds: float = 0.0
    out_dir: Path | None = None

    @property
    def failed(self) -> int:
        return len({(e.location.file, e.location.line) for e in self.problems})


# --- reading the CSV ------------------------------------------------------------------------

def read_schools(path: Path, programmes: list[Content], out_dir: Path,
                 translated: Sequence[Content] = ()) -> tuple[list[SchoolJob], list[ContentError]]:
    """Every good row as a job, and every problem, each at its line and column of ``path``."""
    name = str(path)
    text, problem = _text(path)
    if problem:
        return [], with_source_lines([problem])
    rows = _rows(text)
    if not rows:
        return [], [ContentError(codes.NO_HEADER, Location(name, 1, 1), tell("the file has no header row"),
                                 expected=tell("a first line naming the columns: %(columns)s") % {
                                     "columns": ", ".join(COLUMNS)}, choices=COLUMNS)]
    header_line, header, header_columns = rows[0]
    header = [cell.strip().lower() for cell in header]  # "Name" and " pathway" are meant as columns too
    problem = _header_problem(name, header_line, header, header_columns)
    if problem:
        return [], with_source_lines([problem])
    jobs, problems = [], []
    seen: dict[str, int] = {}  # the line that first named each folder
    for line, cells, columns in rows[1:]:
        try:
            request = _request(name, line, header, cells, columns)
            tailor(programmes, request, translated)
        except ContentErrors as exc:
            problems += exc.errors
            continue
        if request.slug in seen:
            problems.append(ContentError(
                codes.SAME_FOLDER, Location(name, line, columns[header.index("name")]),
                tell("'%(name)s' would be written to the same folder, '%(folder)s', as line %(line)d") % {
                    "name": request.name, "folder": request.slug, "line": seen[request.slug]},
                expected=tell("a different name for every school"),
                hint=tell("add the town or another word to one of the names")))
            continue
        seen[request.slug] = line
        where = Location(name, line, columns[header.index("name")])
        try:  # a school's folder and zip are always directly inside out_dir, whatever its name
            jobs.append(SchoolJob(request, output.child(out_dir, request.slug),
                                  output.child(out_dir, f"{request.slug}.zip"), where))
        except output.UnsafeOutputPath as exc:
            problems.append(ContentError(codes.UNUSABLE_FOLDER_NAME, where,
                                         tell("'%(name)s' cannot be a folder name: %(problem)s") % {
                                             "name": request.name, "problem": exc.problem},
                                         expected=tell("a name schools can unzip on any computer"),
                                         hint=tell("add a word to the name")))
    return jobs, with_source_lines(problems)


_SAVE_AS_UTF8 = N_("in a spreadsheet, save as \"CSV UTF-8\"; or re-save the file as UTF-8")


def _text(path: Path) -> tuple[str, ContentError | None]:
    """The file as text; anything but UTF-8 is refused at its line and column rather than read as
    a misspelt name (a spreadsheet's "CSV UTF-8" format is right, its plain "CSV" often is not)."""
    data = path.read_bytes()
    wide = wide_unicode(data)
    if wide:  # Excel's "Unicode text" is UTF-16; its cells would be read as names with a NUL between letters
        return "", ContentError(codes.NOT_UTF8, Location(str(path)),
                                tell("this is %(encoding)s text, not UTF-8") % {"encoding": wide},
                                expected=tell("a CSV file saved as UTF-8"), hint=tell(_SAVE_AS_UTF8))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8-sig", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return "", ContentError(codes.NOT_UTF8, Location(str(path), line, column), tell("this is not UTF-8 text"),
                                expected=tell("a CSV file saved as UTF-8"), hint=tell(_SAVE_AS_UTF8))


def _rows(text: str) -> list[tuple[int, list[str], list[int]]]:
    """(first line, cells, column of each cell) of every non-blank record."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    rows, start = [], 1
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append((start, cells, _columns(lines[start - 1])))
        start = reader.line_num + 1
    return rows


def _columns(line: str) -> list[int]:
    """The 1-based column where each cell of a CSV line starts (quotes respected)."""
    columns, quoted = [1], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            columns.append(index + 2)
    return columns


def _header_problem(name: str, line: int, header: list[str], columns: list[int]) -> ContentError | None:
    for index, column in enumerate(header):
        if column not in COLUMNS:
            return ContentError(codes.UNKNOWN_COLUMN,
                                Location(name, line, columns[index] if index < len(columns) else 1),
                                tell("unknown column '%(column)s'") % {"column": column},
                                expected=tell("columns from: %(columns)s") % {"columns": ", ".join(COLUMNS)},
                                choices=COLUMNS,
                                hint=tell("the file separates cells with ';': save it with commas") if ";" in column
                                else suggest(column, list(COLUMNS)) or tell("the first line names the columns"))
        if header.count(column) > 1:
            return ContentError(codes.REPEATED_COLUMN, Location(name, line, columns[index]),
                                tell("the column '%(column)s' is named twice") % {"column": column},
                                expected=tell("each column once"))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return ContentError(codes.MISSING_COLUMN, Location(name, line, 1),
                            tell("no '%(column)s' column") % {"column": missing[0]},
                            expected=tell("a first line naming the columns, e.g. %(columns)s") % {
                                "columns": ",".join(c for c in COLUMNS)},
                            hint=tell("the first line of the file must be the header"))
    return None


def _request(name: str, line: int, header: list[str], cells: list[str], columns: list[int]) -> SchoolRequest:
    if len(cells) > len(header):
        raise ContentErrors([ContentError(
            codes.EXTRA_CELLS, Location(name, line, columns[min(len(header), len(columns) - 1)]),
            ntell("%(cells)d cells, but the header names %(count)d column",  # cells outnumber columns: 2 or more
                  "%(cells)d cells, but the header names %(count)d columns", len(header)) % {
                "cells": len(cells), "count": len(header)},
            expected=", ".join(header), hint=tell("put a cell holding commas in double quotes"))])
    values = dict(zip(header, [c.strip() for c in cells], strict=False))  # missing cells at the end are blank
    where = {key: Location(name, line, columns[i] if i < len(columns) else 1) for i, key in enumerate(header)}
    return request_from_row(values, where, Location(name, line, 1))


def shard(jobs: list, index: int, count: int, slug=lambda job: job.request.slug) -> list:
    """The jobs of shard ``index`` (1-based) of ``count``: chosen by a hash of each school's slug,
    so a school stays in its shard however many rows are added or removed around it."""
    return [job for job in jobs if shard_of(slug(job), count) == index]


def shard_of(slug: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big") % count + 1


# --- building -------------------------------------------------------------------------------

def build_school(project: Project, request: SchoolRequest, out_dir: Path | None = None,
                 progress=lambda done, total, path, reused=False: None,
                 options: BuildOptions = BuildOptions()) -> BuildSummary:
    """Packs for one school, in a folder of their own; the site is not touched.

    A batch of one: documents are rendered without the name and shared through the cache with
    every other school that runs the programme the same way; the name is stamped onto the
    finished PDFs.
    """
    with build_lock(project.root / project.config.work_dir):  # shares build/cache with site builds
        return _build_school(project, request, out_dir, progress, options)


def _build_school(project: Project, request: SchoolRequest, out_dir, progress, options: BuildOptions) -> BuildSummary:
    started = time.perf_counter()
    schools = None if out_dir else output.check_output(project.root / "schools", output.SCHOOLS, project.own_files)
    place = out_dir if schools is None else output.child(schools, request.slug)
    target = output.check_output(place, output.SCHOOL, project.own_files)
    programmes, _warnings, translated = pipeline.checked(project)
    tailor(programmes, request, translated)  # a wrong id or language is reported before anything is rendered
    summary = BatchSummary(out_dir=target)
    with output.claimed(schools, output.SCHOOLS, project.own_files) if schools else contextlib.nullcontext():
        build_schools(project, programmes, [SchoolJob(request, target)], summary, progress, options, translated)
        if summary.problems:
            raise ContentErrors(summary.problems)
    [school] = summary.built
    return BuildSummary(1, 0, school.pdfs, school.pages, school.size, time.perf_counter() - started, target,
                        summary.stats.rendered, summary.stats.reused)


def build_packs(project: Project, schools_file: Path, out_dir: Path | None = None,
                shard_spec: tuple[int, int] = (1, 1), progress=lambda done, total, path, reused=False: None,
                options: BuildOptions = BuildOptions()) -> BatchSummary:
    """Every school of the CSV file (or of one shard) into ``out_dir``; one build at a time per project."""
    started = time.perf_counter()
    out_dir = output.check_output(out_dir or project.root / "schools", output.SCHOOLS, project.own_files)
    with build_lock(project.root / project.config.work_dir):
        programmes, _warnings, translated = pipeline.checked(project)
        jobs, problems = read_schools(schools_file, programmes, out_dir, translated)
        index, count = shard_spec
        mine, refused = _writable(shard(jobs, index, count), project.own_files)
        problems = [p for p in problems if reported_here(p, schools_file, index, count)] + refused
        summary = BatchSummary(problems=problems, skipped=len(jobs) - len(mine) - len(refused), out_dir=out_dir)
        with output.claimed(out_dir, output.SCHOOLS, project.own_files) if mine else contextlib.nullcontext():
            build_schools(project, programmes, mine, summary, progress, options, translated)
    summary.seconds = time.perf_counter() - started
    return summary


def _writable(jobs: list[SchoolJob], project_files) -> tuple[list[SchoolJob], list[ContentError]]:
    """The jobs whose folder and zip auditpack may replace, and a problem at the row of each other,
    found before anything is rendered."""
    writable, refused = [], []
    for job in jobs:
        try:
            output.check_output(job.folder, output.SCHOOL, project_files)
            if job.zip_file:  # always, for a school of a schools file
                output.check_zip_beside(job.zip_file, job.folder)
        except output.OutputRefused as exc:
            refused.append(ContentError(
                codes.NOT_REPLACED, job.where,
                tell("'%(name)s' was not built: refusing to replace %(folder)s: %(problem)s") % {
                    "name": job.request.name, "folder": exc.folder, "problem": exc.problem},
                hint=exc.hint))
        else:
            writable.append(job)
    return writable, with_source_lines(refused)


def reported_here(problem: ContentError, schools_file: Path, index: int, count: int) -> bool:
    """Whether shard ``index`` of ``count`` reports ``problem``: a bad row in the shard its school
    would be in (so exactly one shard reports it), a problem with the whole file in every shard."""
    if count == 1:
        return True
    rows = {line: cells for line, cells, _ in _rows(schools_file.read_bytes().decode("utf-8-sig", errors="replace"))}
    if not rows or problem.location.line not in rows or problem.location.line == min(rows):
        return True
    header = [cell.strip().lower() for cell in rows[min(rows)]]
    cells = rows[problem.location.line]
    if "name" not in header:
        return True
    position = header.index("name")
    return shard_of(slugify(cells[position] if position < len(cells) else ""), count) == index


def build_schools(project: Project, programmes: list[Content], jobs: list[SchoolJob], summary: BatchSummary,
                  progress, options: BuildOptions, translated: Sequence[Content] = ()) -> None:
    """Render each distinct tailoring once (without a name), then stamp and write each school in turn.

    The caller holds the build lock. A school that fails is recorded in ``summary.problems`` and
    its previous folder is left as it was; the others are still built.
    """
    if not jobs:
        return
    date = pipeline.build_date(programmes, options.fixed_date)
    with pipeline.renderer(project, date, project.workers(options.workers), options.use_cache) as renderer:
        sheet = renderer.stamp_sheet(sorted({j.request.name for j in jobs}))  # one worker pool for every tailoring
        _build_tailorings(project, programmes, jobs, summary, progress, renderer, sheet, translated)


def _build_tailorings(project: Project, programmes, jobs, summary, progress, renderer: Renderer, sheet_job,
                      translated) -> None:
    sheet, done = None, 0
    seen: dict = {}  # what _prepare made, by content, across tailorings
    for content, group in _tailorings(programmes, jobs, translated):
        if len(jobs) > 1:  # a long silence otherwise: the first school is written only after this
            progress(done, len(jobs), ntell("rendering %(tailoring)s for %(count)d school",
                                            "rendering %(tailoring)s for %(count)d schools", len(group)) % {
                "tailoring": _label(content, group[0].request), "count": len(group)})
        plan, generic = _render(project, content, group[0].request, summary, progress if len(jobs) == 1 else None,
                                renderer)
        sheet = sheet or sheet_job.result()  # laid out by a worker while the first documents rendered
        prepared = _prepare(sheet, plan, generic, seen)
        for job in group:
            _write_or_report(job, generic, prepared, sheet, summary, project.own_files)
            done += 1
            if len(jobs) > 1:
                progress(done, len(jobs), job.request.slug)
        del generic, prepared


def _render(project: Project, content: Content, request: SchoolRequest, summary: BatchSummary, progress,
            renderer: Renderer):
    """The plan of one tailoring and its documents and packs, without a name, through the cache."""
    plan = documents.plan([content], tuple(project.config.variants), formats=(PDF.name,))  # names are stamped on PDFs
    check_paths([d.path for d in plan.all_documents] + [p.path for p in plan.packs])
    return plan, renderer.render(plan, pathway=request.pathway, for_school=True,
                                 progress=progress or (lambda *a: None), stats=summary.stats)


def _write_or_report(job: SchoolJob, generic: dict, prepared: dict, sheet: StampSheet, summary: BatchSummary,
                     project_files) -> None:
    try:
        summary.built.append(_write_school(job, generic, prepared, sheet, project_files))
    except OSError as exc:
        values = {"name": job.request.name, "reason": exc.strerror or exc, "file": exc.filename}
        message = tell("'%(name)s' could not be written: %(reason)s: %(file)s") if exc.filename else \
            tell("'%(name)s' could not be written: %(reason)s")
        summary.problems.append(ContentError(codes.NOT_WRITTEN, job.where, message % values))


def _label(content: Content, request: SchoolRequest) -> str:
    count = len(content.components)
    values = {"programme": content.programme.id, "pathway": request.pathway, "count": count}
    if request.pathway:
        return ntell("%(programme)s, %(pathway)s, %(count)d component",
                     "%(programme)s, %(pathway)s, %(count)d components", count) % values
    return ntell("%(programme)s, %(count)d component", "%(programme)s, %(count)d components", count) % values


def _tailorings(programmes: list[Content], jobs: list[SchoolJob], translated: Sequence[Content] = ()):
    """(tailored content, jobs) per distinct programme, language, pathway and components, in first-row order."""
    groups: dict[tuple, tuple[Content, list[SchoolJob]]] = {}
    for job in jobs:
        content = tailor(programmes, job.request, translated)
        key = (content.programme.id, content.programme.language, job.request.pathway,
               tuple(c.id for c in content.components))
        groups.setdefault(key, (content, []))[1].append(job)
    return list(groups.values())


def _prepare(sheet: StampSheet, plan: documents.Plan, generic: dict[str, PdfOutput], seen: dict) -> dict:
    """Each document with a place for a name, made ready once for every school of this tailoring.

    ``seen`` keeps what was prepared for earlier tailorings by content, since many documents are
    the same in several tailorings; it grows with the distinct documents, not with the schools."""
    sizes = {d.path: LARGE_PRINT_SIZE if d.variant == "large-print" else BODY_SIZE for d in plan.all_documents}
    prepared = {}
    for path, pdf in generic.items():
        if format_of(path) is not PDF:
            continue  # a scannable form's layout is the same for every school
        size = sizes.get(path, BODY_SIZE)
        key = (hashlib.sha256(pdf.data).digest(), size)
        if key not in seen:
            seen[key] = sheet.prepare(pdf.data, size)
        if seen[key] is not None:
            prepared[path] = seen[key]
    return prepared


def _write_school(job: SchoolJob, generic: dict[str, PdfOutput], prepared: dict, sheet: StampSheet,
                  project_files) -> SchoolResult:
    """Write the school's name into its copies and swap its folder (and zip) in when complete."""
    name = job.request.name
    files = {path: sheet.stamp(prepared[path], name) if path in prepared else pdf.data
             for path, pdf in generic.items()}
    staged = job.zip_file.with_name(f".{job.zip_file.name}.{os.getpid()}") if job.zip_file else None
    if job.zip_file:
        output.check_zip_beside(job.zip_file, job.folder)
    try:
        # a failure here leaves the previous folder and zip as they were
        with replacing(job.folder, output.SCHOOL, project_files) as folder:
            write_files(folder, files)
            if staged is not None:
                output.write_file(staged, zip_bytes(job.folder.name, files))
        if staged is not None and job.zip_file:
            os.replace(staged, job.zip_file)
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)
    return SchoolResult(job, len(files), sum(p.pages for p in generic.values()), sum(len(d) for d in files.values()))


def zip_bytes(folder_name: str, files: dict[str, bytes]) -> bytes:
    """The school's folder as one file to send: sorted, fixed dates, PDFs stored (they are compressed
    already), so the same packs always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{folder_name}/{path}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if path.endswith(".pdf") else zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()
