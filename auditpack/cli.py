"""The command line: ``auditpack [COMMAND] ...``; ``python build.py`` runs exactly this.

Exit status: 0 success, 1 content or template problems (each printed with its location),
2 usage errors, 130 interrupted by Ctrl+C, 143 stopped by SIGTERM. Every command is a ``_cmd_*``
function; ``COMMANDS`` lists them with their help.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import ContentErrors, TemplateProblem, suggest, warnings_text
from .interrupt import Terminated, sigterm_as_interrupt
from .output import OutputRefused
from .terminal import escaping_output, write_raw

COMMANDS = {
    "build": "validate the content, then build the site and every PDF into the output folder",
    "check": "validate the content only; print every problem with its file, line and column",
    "serve": "preview the site while you edit: pages rebuild and the browser reloads on every save",
    "new": "start a new programme: a commented example that builds first time",
    "schema": "write JSON Schemas of the content and settings, for editor completion and checking",
    "diff": "list stages, tasks and items added, removed or reworded between two versions of the content",
    "packs": "build the packs of many schools from a CSV file: a folder and a zip per school",
    "collate": "count answers from filled PDFs, online-form files and tally sheets into a report and action plan",
    "scan": "read scanned or photographed paper forms into answers files that collate counts",
    "translate": "write or update a programme's translation file for a language, ready for a translator",
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="auditpack",
        description="Turn YAML describing a school audit programme into a resource site and printable packs.",
        epilog="With no command, 'build' runs. 'auditpack COMMAND --help' explains each command.")
    top.add_argument("--version", action="version", version=f"auditpack {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if name == "collate":
            from .collate import cli as collate_cli
            collate_cli.add_parser(commands)  # adds its own --project, --config and -q
            continue
        if name == "scan":
            from .scan import cli as scan_cli
            scan_cli.add_parser(commands)  # adds its own --project, --config and -q
            continue
        command = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        command.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                             help="the project folder holding site_config.yml and content/ (default: here)")
        command.add_argument("--config", type=Path, default=None, metavar="FILE",
                             help="settings file (default: DIR/site_config.yml)")
        command.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
        ADD_OPTIONS.get(name, lambda c: None)(command)
    return top


@escaping_output()
def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = parser()
    args = top.parse_args(_with_command(top, argv))
    try:
        with sigterm_as_interrupt():
            return RUN[args.command](args)
    except ContentErrors as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    except TemplateProblem as exc:
        print(f"auditpack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("auditpack: interrupted; the previous output was left as it was.", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except OutputRefused as exc:  # a folder auditpack must not write: a mistake in the command or settings
        print(f"auditpack: {exc.strerror}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"auditpack: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


def _with_command(top: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with 'build' put first when it names no command: nothing, or build's options
    (``auditpack -q``). A first word that is neither an option nor a command is a mistake, not
    build's argument: taken as build's, ``auditpack scan --help`` printed build's help and succeeded."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    if not argv or argv[0].startswith("-"):
        return ["build", *argv]
    hint = suggest(argv[0], list(COMMANDS)) or "'auditpack --help' says what each command does"
    top.error(f"unknown command '{argv[0]}' (expected one of {', '.join(COMMANDS)}, or none for 'build')\n"
              f"    hint: {hint}")


def _project(args):
    from . import pipeline
    project = pipeline.Project.open(args.project, args.config)
    paper = getattr(args, "paper", None)
    if paper is None:
        return project
    from .config import PAPER_SIZES  # not at the top: config brings pydantic, which --help need not load
    sizes = {size.lower(): size for size in PAPER_SIZES}
    if paper.lower() not in sizes:
        _usage(args.command, f"--paper: no such paper (expected one of {', '.join(PAPER_SIZES)})")
    # The command line wins over site_config.yml, for this run only.
    config = project.config.model_copy(update={"paper": sizes[paper.lower()]})
    return dataclasses.replace(project, config=config)


def _paper_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--paper", metavar="SIZE", help="paper of every PDF for this run, A4 or Letter "
                         "(default: paper in site_config.yml, else A4)")


# --- build and check ---------------------------------------------------------------------

def _fixed_date() -> str | None:
    """SOURCE_DATE_EPOCH as the user set it: the date stamped into the output in place of the newest
    'published' date. Read here, once, and handed down; nothing below the commands reads it."""
    return os.environ.get("SOURCE_DATE_EPOCH")


def _build_options(command: argparse.ArgumentParser) -> None:
    _paper_option(command)
    command.add_argument("-j", "--jobs", type=int, metavar="N",
                         help="render PDFs in N processes (default: workers in site_config.yml, else one per core)")
    command.add_argument("--no-cache", action="store_true",
                         help="render every PDF again instead of reusing unchanged ones from build/cache")
    command.add_argument("--clear-cache", action="store_true", help="delete build/cache before building")
    school = command.add_argument_group(
        "packs for one school",
        "With --school or --school-file, build only that school's packs (not the site) into schools/NAME/.")
    school.add_argument("--school", metavar="NAME", help="the school's name, printed in the header fields")
    school.add_argument("--school-file", type=Path, metavar="FILE",
                        help="a YAML file with name, and optionally programme, pathway and components")
    school.add_argument("--programme", metavar="ID", help="the programme (needed when there are several)")
    school.add_argument("--pathway", metavar="ID", help="keep only this pathway's tasks and wording")
    school.add_argument("--components", metavar="IDS", help="comma-separated component ids to include")
    school.add_argument("--language", metavar="TAG", help="the packs' language, one the programme is published in "
                        "(default: its own), e.g. cy")
    school.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: schools/NAME/)")


def _cmd_build(args) -> int:
    from . import batch, pipeline
    from .site import SiteBuildError

    project = _project(args)
    request = _school_request(args)
    if args.jobs is not None and args.jobs < 1:
        _usage("build", "--jobs needs a number of processes, 1 or more")
    if args.clear_cache:
        import shutil
        shutil.rmtree(project.cache_dir, ignore_errors=True)
    options = pipeline.BuildOptions(workers=args.jobs, use_cache=not args.no_cache, fixed_date=_fixed_date())
    progress = _progress_printer(args.quiet)
    try:
        summary = batch.build_school(project, request, args.out, progress, options) if request else \
            pipeline.build(project, progress, options)
    except SiteBuildError as exc:
        print(f"auditpack: the site could not be built; the previous output was kept.\n{exc}", file=sys.stderr)
        return 1
    if summary.warnings:
        print(warnings_text(list(summary.warnings)), file=sys.stderr)
    what = f"packs for {request.name}:" if request else f"{summary.programmes} programme(s): {summary.pages} pages and"
    if summary.unchanged:
        print(f"Up to date: nothing has changed since the last build, so nothing was rendered or written "
              f"({what} {summary.pdfs} PDFs; checked in {summary.seconds:.1f} s) -> {summary.output_dir}")
        return 0
    print(f"Built {what} {summary.pdfs} PDFs "
          f"({summary.pdf_pages} printed pages, {summary.pdf_bytes / 1e6:.1f} MB; {summary.rendered} rendered, "
          f"{summary.reused} reused) in {summary.seconds:.1f} s -> {summary.output_dir}")
    return 0


def _check_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=("text", "json"), default="text",
                         help="text for people (default), or json for editors and CI: every problem with its code, "
                              "file, line and column on stdout (see docs/errors.md)")


def _cmd_check(args) -> int:
    from . import pipeline

    if args.format == "json":
        return _check_json(args)
    programmes, warnings, _translated = pipeline.checked(_project(args))
    if warnings:
        print(warnings_text(warnings), file=sys.stderr)
    for content in programmes:
        stages = len(content.stages)
        tasks = sum(len(s.tasks) for s in content.stages)
        items = sum(len(q.items) for q in content.questionnaires)
        print(f"{content.programme.id}: {stages} stages, {tasks} tasks, {len(content.components)} components, "
              f"{items} questionnaire items")
    found = f"no problems found, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings \
        else "no problems found"
    print(f"OK: {len(programmes)} programme(s), {found}.")
    return 0


def _check_json(args) -> int:
    """check's findings as JSON on stdout, problems or none, with the exit status text would have."""
    from . import pipeline
    from .errors import problems_json

    root = args.project.resolve()
    try:
        programmes, warnings, _translated = pipeline.checked(_project(args))
    except ContentErrors as exc:
        print(problems_json(exc.errors, root))
        return 1
    print(problems_json(warnings, root, programmes=len(programmes)))
    return 0


def _school_request(args):
    """The school a build is for, or None for the whole site; flags without a school are a usage error."""
    from . import schools

    if args.school and args.school_file:
        _usage("build", "give --school or --school-file, not both")
    if args.school_file:
        if args.programme or args.pathway or args.components or args.language:
            _usage("build", "with --school-file, put programme, pathway, components and language in the file")
        return schools.request_from_file(args.school_file)
    if args.school:
        return schools.request_from_flags(args.school, args.programme, args.pathway, args.components, args.language)
    if args.programme or args.pathway or args.components or args.language or args.out:
        _usage("build", "--programme, --pathway, --components, --language and --out need --school NAME or "
               "--school-file FILE")
    return None


# --- packs for many schools ----------------------------------------------------------------

def _packs_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--schools", type=Path, required=True, metavar="FILE",
                         help="CSV file, one row per school, with columns name, pathway, components and "
                              "optionally programme (components separated by ';' or ','; blank: all)")
    command.add_argument("--shard", metavar="I/N", help="build only shard I of N (1-based), e.g. 2/4 on the "
                         "second of four machines; each school always lands in the same shard")
    command.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: schools/)")
    _paper_option(command)
    command.add_argument("-j", "--jobs", type=int, metavar="N",
                         help="render PDFs in N processes (default: workers in site_config.yml, else one per core)")
    command.add_argument("--no-cache", action="store_true",
                         help="render every PDF again instead of reusing unchanged ones from build/cache")


def _cmd_packs(args) -> int:
    from . import batch, pipeline

    shard = _shard(args.shard)
    if args.jobs is not None and args.jobs < 1:
        _usage("packs", "--jobs needs a number of processes, 1 or more")
    if not args.schools.is_file():
        _usage("packs", f"--schools: no such file: {args.schools}")
    project = _project(args)
    options = pipeline.BuildOptions(workers=args.jobs, use_cache=not args.no_cache, fixed_date=_fixed_date())
    summary = batch.build_packs(project, args.schools, args.out, shard, _progress_printer(args.quiet, "schools"),
                                options)
    for problem in summary.problems:
        print(problem.format(), file=sys.stderr)
    stats = summary.stats
    shard_note = f" (shard {shard[0]}/{shard[1]}; {summary.skipped} other schools left to other shards)" \
        if shard[1] > 1 else ""
    print(f"Built packs for {len(summary.built)} school(s), {summary.failed} failed{shard_note}: "
          f"{stats.rendered} documents rendered, {stats.reused} reused, in {summary.seconds:.1f} s "
          f"-> {summary.out_dir}")
    return 1 if summary.problems else 0


def _shard(value: str | None) -> tuple[int, int]:
    """``I/N`` as (I, N), 1 <= I <= N; a mistake is a usage error that says what is expected."""
    if value is None:
        return (1, 1)
    parts = value.split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        index, count = int(parts[0]), int(parts[1])
        if count >= 1 and 1 <= index <= count:
            return index, count
    _usage("packs", f"--shard {value!r}: expected I/N with 1 <= I <= N, e.g. --shard 1/4")


# --- editor help and versions -------------------------------------------------------------

def _new_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("programme_id", metavar="PROGRAMME_ID", help="id of the new programme, e.g. staff-wellbeing")
    command.add_argument("--title", help="the programme's title (default: from the id)")


def _cmd_new(args) -> int:
    from .scaffold import new_programme

    project = _project(args)
    written = new_programme(project.content_dir, project.root, project.templates, args.programme_id, args.title)
    for path in written:
        print(f"wrote {path}")
    print("Next: edit these files, then run 'auditpack check' and 'auditpack serve'.")
    return 0


def _schema_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=Path, metavar="DIR", help="where to write the schemas (default: DIR/schema)")


def _cmd_schema(args) -> int:
    from .output import check_place, write_files
    from .schema import SCHEMA_DIR, schema_files

    project = _project(args)
    folder = check_place(args.out or project.root / SCHEMA_DIR, project.own_files)
    files = schema_files()
    write_files(folder, files)
    for name in files:
        print(f"wrote {folder / name}")
    print("Content files name their schema on their first line, e.g.\n"
          "  # yaml-language-server: $schema=../../schema/content.schema.json")
    return 0


def _diff_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("old", metavar="OLD", help="the earlier content: a folder, or a git revision such as v1.0")
    command.add_argument("new", metavar="NEW", nargs="?", default=None,
                         help="the later content: a folder or git revision (default: the project's content)")


def _cmd_diff(args) -> int:
    from .diff import diff, format_changes, load_version

    for spec in (args.old, args.new):
        if spec and spec.startswith("-") and not Path(spec).is_dir():
            _usage("diff", f"{spec!r} is neither a folder nor a git revision (a revision never starts with '-'; "
                           "to name a folder that does, write ./ before it)")
    project = _project(args)
    old = load_version(args.old, project.root, project.config.content_dir)
    new = load_version(args.new, project.root, project.config.content_dir) if args.new else \
        load_version(str(project.content_dir), project.root, project.config.content_dir)
    print(format_changes(diff(old, new)))
    return 0


# --- preview -----------------------------------------------------------------------------------

def _serve_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    command.add_argument("--poll", action="store_true",
                         help="look for changed files every half second instead of waiting for the system to report "
                              "them (for a project on a network share, or in a virtual machine's or container's "
                              "shared folder, whose changes are not reported)")


def _cmd_serve(args) -> int:
    from .serve import serve

    return serve(_project(args), args.port, quiet=args.quiet, poll=args.poll, fixed_date=_fixed_date())


def _usage(command: str, message: str) -> NoReturn:
    print(f"auditpack {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _progress_printer(quiet: bool, unit: str = "PDFs"):
    """A progress bar with an estimate on a terminal; plain lines in logs and CI. Items taken
    from the cache are marked as reused and count as taking no time in the estimate."""
    import time

    interactive = sys.stdout.isatty() and not quiet
    started, reused_so_far = None, 0

    def progress(done: int, total: int, path: str, reused: bool = False) -> None:
        nonlocal started, reused_so_far
        started = started or time.monotonic()  # the pace of the work, not of starting up
        reused_so_far += reused
        if quiet:
            return
        if not interactive:
            print(f"[{done:>3}/{total}] {path}{' (reused)' if reused else ''}", flush=True)
            return
        made = done - reused_so_far
        eta = (time.monotonic() - started) / made * (total - done) if made else 0
        bar = "#" * (30 * done // total)
        write_raw(f"\r[{bar:<30}] {done}/{total} {unit}, about {eta:.0f} s left " + ("" if done < total else "\n"))
    return progress


def _translate_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--language", required=True, metavar="TAG",
                         help="the language to translate into, e.g. cy (Welsh), pl, ar")
    command.add_argument("--programme", metavar="ID", help="only this programme (default: every programme)")


def _cmd_translate(args) -> int:
    """Each programme's translations/LANGUAGE.po written or brought up to date with its content."""
    from . import i18n, translations, validate

    project = _project(args)
    language = args.language.strip()
    if not i18n.is_language_tag(language) \
            or i18n.base_language(language) != i18n.base_language(i18n.locale_name(language)):
        _usage("translate", f"--language: '{args.language}' is not a language Babel knows (e.g. cy, pl, ar, ur)")
    folders = sorted(p for p in project.content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if args.programme:
        folders = [f for f in folders if f.name == args.programme]
        if not folders:
            _usage("translate", f"--programme: no programme folder '{args.programme}' in {project.content_dir}")
    for folder in folders:
        content, raw, source, problems = validate.validated(folder)
        if content is None:
            raise ContentErrors([p for p in problems if validate.is_error(p)])
        if i18n.base_language(content.programme.language) == i18n.base_language(language):
            _usage("translate", f"--language: {folder.name} is already written in '{content.programme.language}'")
        counts = translations.update_file(folder, raw, source, language, project.root)
        listed = "" if language in content.programme.translations else \
            f"; add '{language}' to 'translations' in programme.yml to publish it"
        print(f"wrote {translations.file_for(folder, language)}: {counts['translated']} translated, "
              f"{counts['new']} to translate, {counts['changed']} to check{listed}")
    return 0


def _cmd_collate(args) -> int:
    from .collate import cli as collate_cli

    return collate_cli.run(args, _fixed_date())


def _cmd_scan(args) -> int:
    from .scan import cli as scan_cli

    return scan_cli.run(args)


ADD_OPTIONS = {"build": _build_options, "check": _check_options, "new": _new_options, "schema": _schema_options,
               "diff": _diff_options, "serve": _serve_options, "packs": _packs_options,
               "translate": _translate_options}
RUN = {"build": _cmd_build, "check": _cmd_check, "serve": _cmd_serve, "new": _cmd_new, "schema": _cmd_schema,
       "diff": _cmd_diff, "collate": _cmd_collate, "packs": _cmd_packs,
       "scan": _cmd_scan, "translate": _cmd_translate}
