"""The command line: ``auditpack [build|check] ...``; ``python build.py`` runs exactly this.

Exit status: 0 success, 1 content errors (each printed with file:line:column),
2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import ContentErrors, TemplateProblem

COMMANDS = ("build", "check")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="auditpack",
        description="Turn YAML describing a school audit programme into a resource site and printable packs.",
        epilog="With no command, 'build' runs. 'auditpack COMMAND --help' explains each command.")
    top.add_argument("--version", action="version", version=f"auditpack {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in (
            ("build", "validate the content, then build the site and every PDF into the output folder"),
            ("check", "validate the content only; print every problem with its file, line and column")):
        command = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        command.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                             help="the project folder holding site_config.yml and content/ (default: here)")
        command.add_argument("--config", type=Path, default=None, metavar="FILE",
                             help="settings file (default: DIR/site_config.yml)")
        command.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
        if name == "build":
            _add_school_options(command)
    return top


def _add_school_options(command: argparse.ArgumentParser) -> None:
    school = command.add_argument_group(
        "packs for one school",
        "With --school or --school-file, build only that school's packs (not the site) into schools/NAME/.")
    school.add_argument("--school", metavar="NAME", help="the school's name, printed in the header fields")
    school.add_argument("--school-file", type=Path, metavar="FILE",
                        help="a YAML file with name, and optionally programme, pathway and components")
    school.add_argument("--programme", metavar="ID", help="the programme (needed when there are several)")
    school.add_argument("--pathway", metavar="ID", help="keep only this pathway's tasks and wording")
    school.add_argument("--components", metavar="IDS", help="comma-separated component ids to include")
    school.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: schools/NAME/)")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except ContentErrors as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    except TemplateProblem as exc:
        print(f"auditpack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("auditpack: interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"auditpack: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


def _run(args) -> int:
    from . import pipeline
    from .site import SiteBuildError

    project = pipeline.Project.open(args.project, args.config)
    if args.command == "check":
        programmes = pipeline.check(project)
        for content in programmes:
            stages = len(content.stages)
            tasks = sum(len(s.tasks) for s in content.stages)
            items = sum(len(q.items) for q in content.questionnaires)
            print(f"{content.programme.id}: {stages} stages, {tasks} tasks, {len(content.components)} components, "
                  f"{items} questionnaire items")
        print(f"OK: {len(programmes)} programme(s), no problems found.")
        return 0
    progress = _progress_printer(args.quiet)
    request = _school_request(args)
    try:
        summary = pipeline.build_school(project, request, args.out, progress) if request else \
            pipeline.build(project, progress)
    except SiteBuildError as exc:
        print(f"auditpack: the site could not be built; the previous output was kept.\n{exc}", file=sys.stderr)
        return 1
    what = f"packs for {request.name}:" if request else f"{summary.programmes} programme(s): {summary.pages} pages and"
    print(f"Built {what} {summary.pdfs} PDFs "
          f"({summary.pdf_pages} printed pages, {summary.pdf_bytes / 1e6:.1f} MB) in {summary.seconds:.1f} s "
          f"-> {summary.output_dir}")
    return 0


def _school_request(args):
    """The school a build is for, or None for the whole site; flags without a school are a usage error."""
    from . import schools

    if args.school and args.school_file:
        _usage("give --school or --school-file, not both")
    if args.school_file:
        if args.programme or args.pathway or args.components:
            _usage("with --school-file, put programme, pathway and components in the file")
        return schools.request_from_file(args.school_file)
    if args.school:
        return schools.request_from_flags(args.school, args.programme, args.pathway, args.components)
    if args.programme or args.pathway or args.components or args.out:
        _usage("--programme, --pathway, --components and --out need --school NAME or --school-file FILE")
    return None


def _usage(message: str):
    print(f"auditpack build: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _progress_printer(quiet: bool):
    def progress(done: int, total: int, path: str) -> None:
        if not quiet:
            print(f"[{done:>3}/{total}] {path}", flush=True)
    return progress
