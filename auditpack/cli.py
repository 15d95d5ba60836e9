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

from . import __version__, i18n
from .errors import ContentErrors, TemplateProblem, suggest, warnings_text
from .i18n import N_, counted, ntell, tell
from .interrupt import Terminated, sigterm_as_interrupt
from .output import OutputRefused
from .terminal import escaping_output, write_raw

COMMANDS = {
    "build": N_("validate the content, then build the site and every PDF into the output folder"),
    "check": N_("validate the content only; print every problem with its file, line and column"),
    "serve": N_("preview the site while you edit: pages rebuild and the browser reloads on every save"),
    "new": N_("start a new programme: a commented example that builds first time"),
    "schema": N_("write JSON Schemas of the content and settings, for editor completion and checking"),
    "diff": N_("list stages, tasks and items added, removed or reworded between two versions of the content"),
    "packs": N_("build the packs of many schools from a CSV file: a folder and a zip per school"),
    "collate": N_("count answers from filled PDFs, online-form files and tally sheets into a report and action "
                  "plan"),
    "scan": N_("read scanned or photographed paper forms into answers files that collate counts"),
    "translate": N_("write or update a programme's translation file for a language, ready for a translator"),
}
"""Each command's help (marked here, said in the reader's language where the parser is made)."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="auditpack",
        description=tell("Turn YAML describing a school audit programme into a resource site and printable packs."),
        epilog=tell("With no command, 'build' runs. 'auditpack COMMAND --help' explains each command."))
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
        said = tell(help_text)
        command = commands.add_parser(name, help=said, description=said[0].upper() + said[1:] + ".")
        command.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                             help=tell("the project folder holding site_config.yml and content/ (default: here)"))
        command.add_argument("--config", type=Path, default=None, metavar="FILE",
                             help=tell("settings file (default: DIR/site_config.yml)"))
        command.add_argument("-q", "--quiet", action="store_true", help=tell("print only problems and the summary"))
        ADD_OPTIONS.get(name, lambda c: None)(command)
    return top


@escaping_output()
def main(argv: list[str] | None = None) -> int:
    """The command, its help and its messages in the language the environment asks for."""
    with i18n.addressing(i18n.reader_language()):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
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
        print("auditpack: " + tell("interrupted; the previous output was left as it was."), file=sys.stderr)
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
    hint = suggest(argv[0], list(COMMANDS)) or tell("'auditpack --help' says what each command does")
    top.error(tell("unknown command '%(command)s' (expected one of %(commands)s, or none for 'build')") % {
        "command": argv[0], "commands": ", ".join(COMMANDS)} + "\n    " + tell("hint: %(hint)s") % {"hint": hint})


def _project(args):
    from . import pipeline
    project = pipeline.Project.open(args.project, args.config)
    paper = getattr(args, "paper", None)
    if paper is None:
        return project
    from .config import PAPER_SIZES  # not at the top: config brings pydantic, which --help need not load
    sizes = {size.lower(): size for size in PAPER_SIZES}
    if paper.lower() not in sizes:
        _usage(args.command, tell("--paper: no such paper (expected one of %(sizes)s)") % {
            "sizes": ", ".join(PAPER_SIZES)})
    # The command line wins over site_config.yml, for this run only.
    config = project.config.model_copy(update={"paper": sizes[paper.lower()]})
    return dataclasses.replace(project, config=config)


# --- build and check ---------------------------------------------------------------------

def _fixed_date() -> str | None:
    """SOURCE_DATE_EPOCH as the user set it: the date stamped into the output in place of the newest
    'published' date. Read here, once, and handed down; nothing below the commands reads it."""
    return os.environ.get("SOURCE_DATE_EPOCH")


def _rendering_options(command: argparse.ArgumentParser) -> None:
    """The options of every command that renders PDFs: paper, processes, cache."""
    command.add_argument("--paper", metavar="SIZE", help=tell("paper of every PDF for this run, A4 or Letter "
                                                              "(default: paper in site_config.yml, else A4)"))
    command.add_argument("-j", "--jobs", type=int, metavar="N", help=tell(
        "render PDFs in N processes (default: workers in site_config.yml, else one per core)"))
    command.add_argument("--no-cache", action="store_true",
                         help=tell("render every PDF again instead of reusing unchanged ones from build/cache"))


def _build_options(command: argparse.ArgumentParser) -> None:
    _rendering_options(command)
    command.add_argument("--clear-cache", action="store_true", help=tell("delete build/cache before building"))
    school = command.add_argument_group(
        tell("packs for one school"),
        tell("With --school or --school-file, build only that school's packs (not the site) into schools/NAME/."))
    school.add_argument("--school", metavar="NAME", help=tell("the school's name, printed in the header fields"))
    school.add_argument("--school-file", type=Path, metavar="FILE",
                        help=tell("a YAML file with name, and optionally programme, pathway and components"))
    school.add_argument("--programme", metavar="ID", help=tell("the programme (needed when there are several)"))
    school.add_argument("--pathway", metavar="ID", help=tell("keep only this pathway's tasks and wording"))
    school.add_argument("--components", metavar="IDS", help=tell("comma-separated component ids to include"))
    school.add_argument("--language", metavar="TAG", help=tell("the packs' language, one the programme is "
                                                               "published in (default: its own), e.g. cy"))
    school.add_argument("--out", type=Path, metavar="DIR", help=tell("output folder (default: schools/NAME/)"))


def _cmd_build(args) -> int:
    from . import batch, pipeline
    from .site import SiteBuildError

    project = _project(args)
    request = _school_request(args)
    if args.jobs is not None and args.jobs < 1:
        _usage("build", tell("--jobs needs a number of processes, 1 or more"))
    if args.clear_cache:
        import shutil
        shutil.rmtree(project.cache_dir, ignore_errors=True)
    options = pipeline.BuildOptions(workers=args.jobs, use_cache=not args.no_cache, fixed_date=_fixed_date())
    progress = _progress_printer(args.quiet)
    try:
        summary = batch.build_school(project, request, args.out, progress, options) if request else \
            pipeline.build(project, progress, options)
    except SiteBuildError as exc:
        print("auditpack: " + tell("the site could not be built; the previous output was kept.") + f"\n{exc}",
              file=sys.stderr)
        return 1
    if summary.warnings:
        print(warnings_text(list(summary.warnings)), file=sys.stderr)
    print(_built(summary, request.name if request else None))
    return 0


def _built(summary, school: str | None) -> str:
    """What a build made (or found up to date), for the site or for one school's packs."""
    values = {"school": school, "out": summary.output_dir, "seconds": f"{summary.seconds:.1f}",
              "pdfs": counted("%(count)d PDF", "%(count)d PDFs", summary.pdfs),
              "programmes": counted("%(count)d programme", "%(count)d programmes", summary.programmes),
              "pages": counted("%(count)d page", "%(count)d pages", summary.pages)}
    if summary.unchanged:
        return (tell("Up to date: nothing has changed since the last build, so nothing was rendered or written "
                     "(packs for %(school)s: %(pdfs)s; checked in %(seconds)s s) -> %(out)s") if school else
                tell("Up to date: nothing has changed since the last build, so nothing was rendered or written "
                     "(%(programmes)s: %(pages)s and %(pdfs)s; checked in %(seconds)s s) -> %(out)s")) % values
    values["made"] = tell("%(printed)s, %(megabytes)s MB; %(rendered)s, %(reused)s") % {
        "printed": counted("%(count)d printed page", "%(count)d printed pages", summary.pdf_pages),
        "megabytes": f"{summary.pdf_bytes / 1e6:.1f}",
        "rendered": counted("%(count)d rendered", "%(count)d rendered", summary.rendered),
        "reused": counted("%(count)d reused", "%(count)d reused", summary.reused)}
    return (tell("Built packs for %(school)s: %(pdfs)s (%(made)s) in %(seconds)s s -> %(out)s") if school else
            tell("Built %(programmes)s: %(pages)s and %(pdfs)s (%(made)s) in %(seconds)s s -> %(out)s")) % values


def _check_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=("text", "json"), default="text",
                         help=tell("text for people (default), or json for editors and CI: every problem with its "
                                   "code, file, line and column on stdout (see docs/errors.md)"))


def _cmd_check(args) -> int:
    from . import pipeline

    if args.format == "json":
        return _check_json(args)
    programmes, warnings, _translated = pipeline.checked(_project(args))
    if warnings:
        print(warnings_text(warnings), file=sys.stderr)
    for content in programmes:
        print(_checked(content))
    found = counted("no problems found, %(count)d warning", "no problems found, %(count)d warnings",
                    len(warnings)) if warnings else tell("no problems found")
    print(tell("OK: %(programmes)s, %(found)s.") % {"found": found, "programmes": counted(
        "%(count)d programme", "%(count)d programmes", len(programmes))})
    return 0


def _checked(content) -> str:
    """A programme as check found it: how many stages, tasks, components and questionnaire items."""
    stages = len(content.stages)
    tasks = sum(len(s.tasks) for s in content.stages)
    items = sum(len(q.items) for q in content.questionnaires)
    return tell("%(programme)s: %(stages)s, %(tasks)s, %(components)s, %(items)s") % {
        "programme": content.programme.id,
        "stages": counted("%(count)d stage", "%(count)d stages", stages),
        "tasks": counted("%(count)d task", "%(count)d tasks", tasks),
        "components": counted("%(count)d component", "%(count)d components", len(content.components)),
        "items": counted("%(count)d questionnaire item", "%(count)d questionnaire items", items)}


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
        _usage("build", tell("give --school or --school-file, not both"))
    if args.school_file:
        if args.programme or args.pathway or args.components or args.language:
            _usage("build", tell("with --school-file, put programme, pathway, components and language in the file"))
        return schools.request_from_file(args.school_file)
    if args.school:
        return schools.request_from_flags(args.school, args.programme, args.pathway, args.components, args.language)
    if args.programme or args.pathway or args.components or args.language or args.out:
        _usage("build", tell("--programme, --pathway, --components, --language and --out need --school NAME or "
                             "--school-file FILE"))
    return None


# --- packs for many schools ----------------------------------------------------------------

def _packs_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--schools", type=Path, required=True, metavar="FILE",
                         help=tell("CSV file, one row per school, with columns name, pathway, components and "
                                   "optionally programme (components separated by ';' or ','; blank: all)"))
    command.add_argument("--shard", metavar="I/N", help=tell("build only shard I of N (1-based), e.g. 2/4 on the "
                                                             "second of four machines; each school always lands in "
                                                             "the same shard"))
    command.add_argument("--out", type=Path, metavar="DIR", help=tell("output folder (default: schools/)"))
    _rendering_options(command)


def _cmd_packs(args) -> int:
    from . import batch, pipeline

    shard = _shard(args.shard)
    if args.jobs is not None and args.jobs < 1:
        _usage("packs", tell("--jobs needs a number of processes, 1 or more"))
    if not args.schools.is_file():
        _usage("packs", tell("--schools: no such file: %(file)s") % {"file": args.schools})
    project = _project(args)
    options = pipeline.BuildOptions(workers=args.jobs, use_cache=not args.no_cache, fixed_date=_fixed_date())
    summary = batch.build_packs(project, args.schools, args.out, shard, _progress_printer(args.quiet, "schools"),
                                options)
    for problem in summary.problems:
        print(problem.format(), file=sys.stderr)
    print(_packs_built(summary, shard))
    return 1 if summary.problems else 0


def _packs_built(summary, shard: tuple[int, int]) -> str:
    """What a packs run made: schools built and failed, in this shard, and the documents rendered."""
    stats = summary.stats
    values = {"shard": shard[0], "shards": shard[1], "seconds": f"{summary.seconds:.1f}", "out": summary.out_dir,
              "schools": counted("%(count)d school", "%(count)d schools", len(summary.built)),
              "failed": counted("%(count)d failed", "%(count)d failed", summary.failed),
              "others": counted("%(count)d other school left to other shards",
                              "%(count)d other schools left to other shards", summary.skipped),
              "rendered": counted("%(count)d document rendered", "%(count)d documents rendered", stats.rendered),
              "reused": counted("%(count)d reused", "%(count)d reused", stats.reused)}
    if shard[1] > 1:
        return tell("Built packs for %(schools)s, %(failed)s (shard %(shard)d/%(shards)d; %(others)s): "
                    "%(rendered)s, %(reused)s, in %(seconds)s s -> %(out)s") % values
    return tell("Built packs for %(schools)s, %(failed)s: %(rendered)s, %(reused)s, in %(seconds)s s "
                "-> %(out)s") % values


def _shard(value: str | None) -> tuple[int, int]:
    """``I/N`` as (I, N), 1 <= I <= N; a mistake is a usage error that says what is expected."""
    if value is None:
        return (1, 1)
    parts = value.split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        index, count = int(parts[0]), int(parts[1])
        if count >= 1 and 1 <= index <= count:
            return index, count
    _usage("packs", tell("--shard %(value)s: expected I/N with 1 <= I <= N, e.g. --shard 1/4") % {
        "value": repr(value)})


# --- editor help and versions -------------------------------------------------------------

def _new_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("programme_id", metavar="PROGRAMME_ID",
                         help=tell("id of the new programme, e.g. staff-wellbeing"))
    command.add_argument("--title", help=tell("the programme's title (default: from the id)"))


def _cmd_new(args) -> int:
    from .scaffold import new_programme

    project = _project(args)
    written = new_programme(project.content_dir, project.root, project.templates, args.programme_id, args.title)
    for path in written:
        print(tell("wrote %(path)s") % {"path": path})
    print(tell("Next: edit these files, then run 'auditpack check' and 'auditpack serve'."))
    return 0


def _schema_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=Path, metavar="DIR",
                         help=tell("where to write the schemas (default: DIR/schema)"))


def _cmd_schema(args) -> int:
    from .output import check_place, write_files
    from .schema import SCHEMA_DIR, schema_files

    project = _project(args)
    folder = check_place(args.out or project.root / SCHEMA_DIR, project.own_files)
    files = schema_files()
    write_files(folder, files)
    for name in files:
        print(tell("wrote %(path)s") % {"path": folder / name})
    print(tell("Content files name their schema on their first line, e.g.") + "\n"
          "  # yaml-language-server: $schema=../../schema/content.schema.json")
    return 0


def _diff_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("old", metavar="OLD",
                         help=tell("the earlier content: a folder, or a git revision such as v1.0"))
    command.add_argument("new", metavar="NEW", nargs="?", default=None,
                         help=tell("the later content: a folder or git revision (default: the project's content)"))


def _cmd_diff(args) -> int:
    from .diff import diff, format_changes, load_version

    for spec in (args.old, args.new):
        if spec and spec.startswith("-") and not Path(spec).is_dir():
            _usage("diff", tell("%(spec)s is neither a folder nor a git revision (a revision never starts with '-'; "
                                "to name a folder that does, write ./ before it)") % {"spec": repr(spec)})
    project = _project(args)
    old = load_version(args.old, project.root, project.config.content_dir)
    new = load_version(args.new, project.root, project.config.content_dir) if args.new else \
        load_version(str(project.content_dir), project.root, project.config.content_dir)
    print(format_changes(diff(old, new)))
    return 0


# --- preview -----------------------------------------------------------------------------------

def _serve_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--port", type=int, default=8000, help=tell("port on 127.0.0.1 (default: 8000)"))
    command.add_argument("--poll", action="store_true",
                         help=tell("look for changed files every half second instead of waiting for the system to "
                                   "report them (for a project on a network share, or in a virtual machine's or "
                                   "container's shared folder, whose changes are not reported)"))


def _cmd_serve(args) -> int:
    from .serve import serve

    return serve(_project(args), args.port, quiet=args.quiet, poll=args.poll, fixed_date=_fixed_date())


def _usage(command: str, message: str) -> NoReturn:
    """A mistake in the command, said as argparse says its own (its 'error:' as argparse writes it)."""
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
            print(f"[{done:>3}/{total}] {path}" + (" " + tell("(reused)") if reused else ""), flush=True)
            return
        made = done - reused_so_far
        eta = (time.monotonic() - started) / made * (total - done) if made else 0
        bar = "#" * (30 * done // total)
        write_raw(f"\r[{bar:<30}] {_done(done, total, unit, eta)} " + ("" if done < total else "\n"))
    return progress


def _done(done: int, total: int, unit: str, eta: float) -> str:
    """How far the work is: '12/40 PDFs, about 30 s left' (``unit``: 'PDFs' or 'schools')."""
    values = {"done": done, "total": total, "eta": f"{eta:.0f}"}
    if unit == "schools":
        return ntell("%(done)d/%(total)d schools, about %(eta)s s left",
                     "%(done)d/%(total)d schools, about %(eta)s s left", total) % values
    return ntell("%(done)d/%(total)d PDFs, about %(eta)s s left", "%(done)d/%(total)d PDFs, about %(eta)s s left",
                 total) % values


def _translate_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--language", required=True, metavar="TAG",
                         help=tell("the language to translate into, e.g. cy (Welsh), pl, ar"))
    command.add_argument("--programme", metavar="ID", help=tell("only this programme (default: every programme)"))


def _cmd_translate(args) -> int:
    """Each programme's translations/LANGUAGE.po written or brought up to date with its content."""
    from . import translations, validate

    project = _project(args)
    language = args.language.strip()
    if not i18n.is_language_tag(language) \
            or i18n.base_language(language) != i18n.base_language(i18n.locale_name(language)):
        _usage("translate", tell("--language: '%(language)s' is not a language Babel knows (e.g. cy, pl, ar, ur)") % {
            "language": args.language})
    folders = sorted(p for p in project.content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if args.programme:
        folders = [f for f in folders if f.name == args.programme]
        if not folders:
            _usage("translate", tell("--programme: no programme folder '%(programme)s' in %(folder)s") % {
                "programme": args.programme, "folder": project.content_dir})
    for folder in folders:
        content, raw, source, problems = validate.validated(folder)
        if content is None:
            raise ContentErrors([p for p in problems if validate.is_error(p)])
        if i18n.base_language(content.programme.language) == i18n.base_language(language):
            _usage("translate", tell("--language: %(programme)s is already written in '%(language)s'") % {
                "programme": folder.name, "language": content.programme.language})
        counts = translations.update_file(folder, raw, source, language, project.root)
        print(_translated(translations.file_for(folder, language), counts, language,
                          language in content.programme.translations))
    return 0


def _translated(file: Path, counts: dict[str, int], language: str, listed: bool) -> str:
    """What translate wrote: phrases translated, new and changed; and how to publish a language not listed yet."""
    values = {"file": file, "language": language,
              "translated": counted("%(count)d translated", "%(count)d translated", counts["translated"]),
              "new": counted("%(count)d to translate", "%(count)d to translate", counts["new"]),
              "changed": counted("%(count)d to check", "%(count)d to check", counts["changed"])}
    if listed:
        return tell("wrote %(file)s: %(translated)s, %(new)s, %(changed)s") % values
    return tell("wrote %(file)s: %(translated)s, %(new)s, %(changed)s; add '%(language)s' to 'translations' in "
                "programme.yml to publish it") % values


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
