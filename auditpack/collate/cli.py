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
from ..i18n import N_, counted, ntell, tell
from ..terminal import escaping_output
from .readers import DEFAULT_MAX_BYTES, Target

DESCRIPTION = N_("""\
Count the answers to one questionnaire and write a collation report: a web page and a PDF with
counts, medians, gaps, charts, strengths, needs, statements needing better communication and a
draft action plan, plus the tallies and statistics as CSV.

RESPONSES are any mix of files and folders (searched recursively) holding filled-in fillable PDF
response forms, files exported from the online form (.json) and tally sheets typed from the paper
collation template (.csv). A file that cannot be used is listed with the reason and the rest are
counted; identical files are counted once. No names are collected or printed.""")
"""The command's description, said in the reader's language where the parser is made."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``collate`` to the main command's subparsers."""
    command = subparsers.add_parser(
        "collate", help=tell("count answered questionnaires and write a collation report with a draft action plan"),
        description=tell(DESCRIPTION), formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("responses", nargs="+", type=Path, metavar="RESPONSES", help=tell(
        "filled PDF forms, online-form exports (.json), tally sheets (.csv), or folders of them"))
    command.add_argument("--questionnaire", required=True, metavar="ID",
                         help=tell("id of the questionnaire answered, e.g. staff-audit"))
    command.add_argument("--programme", metavar="ID", default=None,
                         help=tell("the programme holding the questionnaire, when two programmes use the same id"))
    command.add_argument("--out", type=Path, default=None, metavar="DIR",
                         help=tell("folder to write the report into (default: ./collation-<questionnaire id>); "
                                   "other files in it are left alone, and it is never read as input"))
    command.add_argument("--min-responses", type=_at_least(1), default=5, metavar="N",
                         help=tell("show a question's breakdown only when it has at least N answers, so nobody's "
                                   "answers can be picked out (default: 5)"))
    command.add_argument("--dont-know-threshold", type=_percent, default=25.0, metavar="PERCENT",
                         help=tell("flag a statement as needing communication when this share of answers to a "
                                   "question is \"I don't know\" (default: 25)"))
    command.add_argument("--actions", type=_at_least(0), default=5, metavar="N",
                         help=tell("how many needs start the draft action plan (default: 5)"))
    command.add_argument("--school", default=None, metavar="NAME", help=tell("school name for the report's header"))
    command.add_argument("--language", default=None, metavar="TAG",
                         help=tell("write the report in a language the programme is translated into, e.g. cy "
                                   "(default: the programme's own); answers in any of its languages are counted"))
    command.add_argument("--max-file-size", type=_at_least(1), default=DEFAULT_MAX_BYTES // (1024 * 1024),
                         metavar="MB", help=tell("skip input files larger than this (default: 20)"))
    command.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                         help=tell("the project folder holding site_config.yml and content/ (default: here)"))
    command.add_argument("--config", type=Path, default=None, metavar="FILE",
                         help=tell("settings file (default: DIR/site_config.yml)"))
    command.add_argument("-q", "--quiet", action="store_true", help=tell("print only skipped files and the summary"))
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
        print(exc.format(outcome=tell("nothing was collated")), file=sys.stderr)
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
        print("auditpack collate: " + tell("the output folder %(out)s is also an input folder; choose another "
                                           "--out, so the report is never read back as answers") % {"out": out},
              file=sys.stderr)
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
        print("auditpack collate: " + tell("interrupted; nothing was written."), file=sys.stderr)
        return 130
    if not args.quiet:
        for counted in inputs.counted:
            print(ntell("counted  %(file)s (%(count)d response)", "counted  %(file)s (%(count)d responses)",
                        counted.responses) % {"file": counted.path, "count": counted.responses})
    for skip in inputs.skipped:
        print(tell("skipped  %(file)s: %(reason)s") % {"file": skip.path, "reason": skip.reason}, file=sys.stderr)
    if not inputs.counted:
        print("auditpack collate: " + ntell(
            "no answers to '%(questionnaire)s' could be counted from %(count)d file; no report was written.",
            "no answers to '%(questionnaire)s' could be counted from %(count)d files; no report was written.",
            inputs.files_read) % {"questionnaire": target.questionnaire.id, "count": inputs.files_read},
            file=sys.stderr)
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
        print("auditpack collate: " + tell("could not write the report: %(error)s: %(file)s") % {
            "error": exc.strerror or exc, "file": exc.filename or out}, file=sys.stderr)
        return 1
    print(_summary(collation))
    if target.questionnaire.audiences:
        print(by_audience_line(target.questionnaire, inputs))
    written = ", ".join(sorted(f for f in files if "/" not in f))
    print(tell("Wrote %(files)s and charts/ -> %(out)s") % {"files": written, "out": out})
    return 0


def _summary(collation) -> str:
    """How many responses were counted from how many files, how many skipped, and what they found."""
    inputs = collation.inputs
    read = ntell("Counted %(count)d response from %(files)s", "Counted %(count)d responses from %(files)s",
                 inputs.responses) % {"count": inputs.responses, "files": counted(
                     "%(count)d file", "%(count)d files", len(inputs.counted))}
    skipped = len(inputs.skipped)
    if skipped:
        read = ntell("%(counted)s; skipped %(count)d (listed above and in the report)",
                     "%(counted)s; skipped %(count)d (listed above and in the report)", skipped) % {
            "counted": read, "count": skipped}
    found = tell("%(strengths)s, %(needs)s, %(communicate)s.") % {
        "strengths": counted("%(count)d strength", "%(count)d strengths", len(collation.strengths)),
        "needs": counted("%(count)d need", "%(count)d needs", len(collation.needs)),
        "communicate": counted("%(count)d needing better communication", "%(count)d needing better communication",
                             len(collation.communicate))}
    return tell("%(counted)s. %(found)s") % {"counted": read, "found": found}


def _target(programmes, questionnaire_id: str, programme_id: str | None) -> Target | str:
    """The questionnaire to collate, or a message saying why the command cannot choose one."""
    every = [(content, q) for content in programmes for q in content.questionnaires]
    if programme_id is not None:
        known = [c.programme.id for c in programmes]
        if programme_id not in known:
            return tell("no programme '%(programme)s' (expected one of: %(known)s)") % {
                "programme": programme_id, "known": ", ".join(known)}
        every = [(c, q) for c, q in every if c.programme.id == programme_id]
    found = [(c, q) for c, q in every if q.id == questionnaire_id]
    if not found:
        choices = ", ".join(f"{q.id} ({c.programme.id})" for c, q in every) or tell("none declared")
        return tell("no questionnaire '%(questionnaire)s' (expected one of: %(choices)s)") % {
            "questionnaire": questionnaire_id, "choices": choices}
    if len(found) > 1:
        names = ", ".join(c.programme.id for c, _ in found)
        return tell("questionnaire '%(questionnaire)s' is in more than one programme (%(programmes)s); "
                    "choose one with --programme") % {"questionnaire": questionnaire_id, "programmes": names}
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
    return tell("--language: '%(language)s' is not a language %(programme)s is published in (expected one of: "
                "%(published)s)") % {"language": language, "programme": own.id, "published": published}


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(tell("'%(text)s' is not a whole number") % {"text": text}) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(tell("%(value)d is less than %(minimum)d") % {
                "value": value, "minimum": minimum})
        return value
    return parse


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(tell("'%(text)s' is not a percentage") % {"text": text}) from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(tell("%(value)s is not between 0 and 100") % {"value": f"{value:g}"})
    return value


@escaping_output()
def main(argv: list[str] | None = None) -> int:
    """Run ``collate`` on its own, before it is wired into ``auditpack``: ``python -m auditpack.collate.cli``;
    its help and messages in the language the environment asks for, as ``auditpack``'s are."""
    with i18n.addressing(i18n.reader_language()):
        top = argparse.ArgumentParser(prog="auditpack")
        add_parser(top.add_subparsers(dest="command", required=True))
        args = top.parse_args(["collate", *(sys.argv[1:] if argv is None else argv)])
        return run(args, os.environ.get("SOURCE_DATE_EPOCH"))


if __name__ == "__main__":
    sys.exit(main())

