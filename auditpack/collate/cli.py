"""``auditpack collate``: the command that turns answered questionnaires into a collation report.

:func:`add_parser` adds the subcommand to the main parser; :func:`run` runs it and returns the exit
status (0 written, 1 nothing could be counted or written, 2 a mistake in the command). Every problem
is a message, never a traceback: a bad input file is listed with its reason and the rest are counted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import i18n
from ..terminal import escaping_output
from .readers import DEFAULT_MAX_BYTES, Target

DESCRIPTION = """\
Count the answers to one questionnaire and write a collation report: a web page and a PDF with
counts, medians, gaps, charts, strengths, needs, statements needing better communication and a
draft action plan, plus the tallies and statistics as CSV.

RESPONSES are any mix of files and folders (searched recursively) holding filled-in fillable PDF
response forms, files exported from the online form (.json) and tally sheets typed from the paper
collation template (.csv). A file that cannot be used is listed with the reason and the rest are
counted; identical files are counted once. No names are collected or printed."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``collate`` to the main command's subparsers."""
    command = subparsers.add_parser(
        "collate", help="count answered questionnaires and write a collation report with a draft action plan",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("responses", nargs="+", type=Path, metavar="RESPONSES",
                         help="filled PDF forms, online-form exports (.json), tally sheets (.csv), or folders of them")
    command.add_argument("--questionnaire", required=True, metavar="ID",
                         help="id of the questionnaire answered, e.g. staff-audit")
    command.add_argument("--programme", metavar="ID", default=None,
                         help="the programme holding the questionnaire, when two programmes use the same id")
    command.add_argument("--out", type=Path, default=None, metavar="DIR",
                         help="folder to write the report into (default: ./collation-<questionnaire id>); "
                              "other files in it are left alone, and it is never read as input")
    command.add_argument("--min-responses", type=_at_least(1), default=5, metavar="N",
                         help="show a question's breakdown only when it has at least N answers, so nobody's "
                              "answers can be picked out (default: 5)")
    command.add_argument("--dont-know-threshold", type=_percent, default=25.0, metavar="PERCENT",
                         help="flag a statement as needing communication when this share of answers to a "
                              "question is \"I don't know\" (default: 25)")
    command.add_argument("--actions", type=_at_least(0), default=5, metavar="N",
                         help="how many needs start the draft action plan (default: 5)")
    command.add_argument("--school", default=None, metavar="NAME", help="school name for the report's header")
    command.add_argument("--language", default=None, metavar="TAG",
                         help="write the report in a language the programme is translated into, e.g. cy "
                              "(default: the programme's own); answers in any of its languages are counted")
    command.add_argument("--max-file-size", type=_at_least(1), default=DEFAULT_MAX_BYTES // (1024 * 1024),
                         metavar="MB", help="skip input files larger than this (default: 20)")
    command.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                         help="the project folder holding site_config.yml and content/ (default: here)")
    command.add_argument("--config", type=Path, default=None, metavar="FILE",
                         help="settings file (default: DIR/site_config.yml)")
    command.add_argument("-q", "--quiet", action="store_true", help="print only skipped files and the summary")
    return command


def run(args: argparse.Namespace, fixed_date: str | None = None) -> int:
    """``fixed_date``: SOURCE_DATE_EPOCH as the user set it (see :class:`auditpack.pipeline.BuildOptions`)."""
    from .. import pipeline
    from ..errors import ContentErrors
    from ..output import COLLATION, OutputRefused, check_output

    try:
        project = pipeline.Project.open(args.project, args.config)
        checked = pipeline.checked(project)
    except ContentErrors as exc:
        print(exc.format(outcome="nothing was collated"), file=sys.stderr)
        return 1
    target = _target(checked.programmes, args.questionnaire, args.programme)
    if isinstance(target, Target) and args.language:
        target = _in_language(target, checked.translated, args.language)
    if isinstance(target, str):
        print(f"auditpack collate: {target}", file=sys.stderr)
        return 2
    out = args.out or Path(f"collation-{target.questionnaire.id}")
    clash = next((p for p in args.responses if p.is_dir() and p.resolve() == out.resolve()), None)
    if clash is not None:
        print(f"auditpack collate: the output folder {out} is also an input folder; choose another --out, "
              "so the report is never read back as answers", file=sys.stderr)
        return 2
    try:
        check_output(out, COLLATION, project.own_files)
    except OutputRefused as exc:
        print(f"auditpack collate: {exc.strerror}", file=sys.stderr)
        return 2
    return _collate(args, project, target, out, fixed_date)


def _collate(args, project, target: Target, out: Path, fixed_date: str | None) -> int:
    import jinja2

    from .. import pipeline
    from ..errors import TemplateProblem
    from ..output import COLLATION, claim, write_files
    from .readers import read_inputs
    from .report import by_audience_line, render_report
    from .tally import Rules, collate

    try:
        inputs = read_inputs(list(args.responses), target, args.max_file_size * 1024 * 1024, exclude=out)
    except KeyboardInterrupt:
        print("auditpack collate: interrupted; nothing was written.", file=sys.stderr)
        return 130
    if not args.quiet:
        for counted in inputs.counted:
            print(f"counted  {counted.path} ({counted.responses} response{'s' if counted.responses != 1 else ''})")
    for skip in inputs.skipped:
        print(f"skipped  {skip.path}: {skip.reason}", file=sys.stderr)
    if not inputs.counted:
        print(f"auditpack collate: no answers to '{target.questionnaire.id}' could be counted from "
              f"{inputs.files_read} file(s); no report was written.", file=sys.stderr)
        return 1
    rules = Rules(min_answers=args.min_responses, dont_know_share=args.dont_know_threshold / 100,
                  actions=args.actions)
    collation = collate(target, inputs, rules)
    date = pipeline.build_date([target.content], fixed_date)  # dated like the programme's own PDFs
    try:
        files = render_report(collation, pipeline.renderer(project, date), args.school)
    except jinja2.TemplateError as exc:
        print(f"auditpack collate: {TemplateProblem.from_jinja(exc)}", file=sys.stderr)
        return 1
    except TemplateProblem as exc:
        print(f"auditpack collate: {exc}", file=sys.stderr)
        return 1
    try:
        write_files(claim(out, COLLATION, project.own_files), files)
    except OSError as exc:
        print(f"auditpack collate: could not write the report: {exc.strerror or exc}: {exc.filename or out}",
              file=sys.stderr)
        return 1
    skipped = len(inputs.skipped)
    print(f"Counted {inputs.responses} response{'s' if inputs.responses != 1 else ''} from "
          f"{len(inputs.counted)} file{'s' if len(inputs.counted) != 1 else ''}"
          f"{f'; skipped {skipped} (listed above and in the report)' if skipped else ''}. "
          f"{len(collation.strengths)} strengths, {len(collation.needs)} needs, "
          f"{len(collation.communicate)} needing better communication.")
    if target.questionnaire.audiences:
        print(by_audience_line(target.questionnaire, inputs))
    print(f"Wrote {', '.join(sorted(f for f in files if '/' not in f))} and charts/ -> {out}")
    return 0


def _target(programmes, questionnaire_id: str, programme_id: str | None) -> Target | str:
    """The questionnaire to collate, or a message saying why the command cannot choose one."""
    every = [(content, q) for content in programmes for q in content.questionnaires]
    if programme_id is not None:
        known = [c.programme.id for c in programmes]
        if programme_id not in known:
            return f"no programme '{programme_id}' (expected one of: {', '.join(known)})"
        every = [(c, q) for c, q in every if c.programme.id == programme_id]
    found = [(c, q) for c, q in every if q.id == questionnaire_id]
    if not found:
        choices = ", ".join(f"{q.id} ({c.programme.id})" for c, q in every) or "none declared"
        return f"no questionnaire '{questionnaire_id}' (expected one of: {choices})"
    if len(found) > 1:
        names = ", ".join(c.programme.id for c, _ in found)
        return (f"questionnaire '{questionnaire_id}' is in more than one programme ({names}); "
                "choose one with --programme")
    return Target(*found[0])


def _in_language(target: Target, translated, language: str) -> Target | str:
    """The same questionnaire in a language its programme is translated into: the same ids, so the
    same answers, with its texts (and the report's own words) in that language."""
    own = target.content.programme
    if i18n.tag_key(language) == i18n.tag_key(own.language):
        return target
    for content in translated:
        if content.programme.id == own.id and content.programme.language == language:
            return Target(content, content.questionnaire(target.questionnaire.id))
    published = ", ".join([own.language, *own.translations])
    return f"--language: '{language}' is not a language {own.id} is published in (expected one of: {published})"


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is less than {minimum}")
        return value
    return parse


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"{value:g} is not between 0 and 100")
    return value


@escaping_output()
def main(argv: list[str] | None = None) -> int:
    """Run ``collate`` on its own, before it is wired into ``auditpack``: ``python -m auditpack.collate.cli``."""
    top = argparse.ArgumentParser(prog="auditpack")
    add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["collate", *(sys.argv[1:] if argv is None else argv)])
    return run(args, os.environ.get("SOURCE_DATE_EPOCH"))


if __name__ == "__main__":
    sys.exit(main())

