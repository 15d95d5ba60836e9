"""``auditpack scan FILES... --out DIR``: read filled paper forms into answers collate counts.

Exit status: 0 when every page was read and every answer is certain (blank pages, the backs of a
duplex scan, are listed and left out); 1 when anything was left for review or refused, or no form was
found (the rest is still written); 2 when the command itself cannot run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..i18n import N_, counted, tell

HELP = N_("read scanned or photographed paper forms into answers files that collate counts")  # as in cli.COMMANDS


def add_parser(subparsers) -> argparse.ArgumentParser:
    said = tell(HELP)
    parser = subparsers.add_parser("scan", help=said, description=said[0].upper() + said[1:] + ".",
                                   formatter_class=argparse.RawDescriptionHelpFormatter, epilog=(
                                       tell("Scan each person's pages together, in any order and either way up.")
                                       + "\n" + tell("Then: auditpack collate --questionnaire ID DIR")))
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help=tell("scanner PDFs or TIFFs, phone photos (JPEG, PNG, HEIC), or folders of them"))
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help=tell("folder for the answers, pictures and review page (made or replaced)"))
    parser.add_argument("--layouts", type=Path, action="append", default=[], metavar="FOLDER",
                        help=tell("also find forms in this build's output (an earlier print); may be repeated"))
    parser.add_argument("--apply-review", type=Path, metavar="FILE",
                        help=tell("apply the decisions saved from DIR/review.html, instead of reading scans"))
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help=tell("read pages in N processes (default: one per core)"))
    parser.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                        help=tell("the project folder holding site_config.yml (default: here)"))
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help=tell("settings file (default: DIR/site_config.yml)"))
    parser.add_argument("-q", "--quiet", action="store_true", help=tell("print only problems and the summary"))
    return parser


def run(args: argparse.Namespace) -> int:
    from .. import pipeline
    from ..errors import ContentErrors
    from ..output import SCAN, OutputRefused, check_output

    try:
        project = pipeline.Project.open(args.project, args.config)
        programmes = pipeline.check(project)
    except ContentErrors as exc:
        print(exc.format(outcome=tell("nothing was scanned")), file=sys.stderr)
        return 2
    try:
        check_output(args.out, SCAN, project.own_files)
    except OutputRefused as exc:
        print(f"auditpack scan: {exc.strerror}", file=sys.stderr)
        return 2
    if args.apply_review:
        return _apply(args, project, programmes)
    if not args.files:
        print("auditpack scan: " + tell("name the scans to read (files or folders), or --apply-review FILE"),
              file=sys.stderr)
        return 2
    return _scan(args, project, programmes)


def _scan(args, project, programmes) -> int:
    from ..collate.readers import find_files, shown_path
    from ..output import SCAN, replacing, write_files
    from .assemble import assemble
    from .layouts import find_layouts
    from .reading import default_workers, page_refs, read_pages
    from .results import files_of, state_of
    from .review import review_html

    folders = [project.output_dir, project.root / "schools", *args.layouts]
    layouts, bad_layouts = find_layouts([f for f in folders if f.exists()])
    for path, reason in bad_layouts:
        print(tell("layout   %(file)s: %(reason)s") % {"file": path, "reason": reason}, file=sys.stderr)
    if not layouts:
        print("auditpack scan: " + tell("this project has no scannable forms built yet: run auditpack build first "
                                        "(or give the output folder of the build the forms were printed from with "
                                        "--layouts)"), file=sys.stderr)
        return 2
    files, missing = find_files(list(args.files), exclude=args.out)
    refs, refused_files = page_refs(files, shown_path)
    refused_files = [(s.path, str(s.reason)) for s in missing] + refused_files
    reads = []
    try:
        for read in read_pages(refs, layouts, args.jobs or default_workers()):
            reads.append(read)
            if not args.quiet:
                print(tell("read     %(page)s") % {"page": read.ref.where}, file=sys.stdout)
    except KeyboardInterrupt:
        print("auditpack scan: " + tell("interrupted; nothing was written."), file=sys.stderr)
        return 130
    assembled = assemble(reads, layouts)
    assembled.refused[:0] = refused_files
    state, pictures = state_of(assembled)
    html = review_html(state, str(args.out), project.templates, _names(programmes))
    try:
        with replacing(args.out, SCAN, project.own_files) as staging:
            write_files(staging, files_of(state, pictures, html))
    except OSError as exc:
        print("auditpack scan: " + tell("could not write the results: %(error)s: %(file)s") % {
            "error": exc.strerror or exc, "file": exc.filename or args.out}, file=sys.stderr)
        return 2
    return _report(state, args.out)


def _apply(args, project, programmes) -> int:
    from ..answer_formats import SCAN_STATE
    from ..files import NotRegularFile, TooLarge, read_regular
    from ..output import SCAN, claim, write_files
    from .results import BadDecisions, apply_decisions, files_of
    from .review import review_html

    try:
        state = json.loads(read_regular(args.out / SCAN_STATE, 64 * 1024 * 1024))
        decisions = json.loads(read_regular(args.apply_review, 16 * 1024 * 1024))
    except (OSError, NotRegularFile, TooLarge, ValueError, RecursionError) as exc:
        which = args.apply_review if isinstance(exc, ValueError) else getattr(exc, "filename", None) or args.out
        print(f"auditpack scan: {which}: " + tell("cannot be read as a scan's state or decisions file (%(error)s)") % {
            "error": type(exc).__name__}, file=sys.stderr)
        return 2
    try:
        settled, unknown = apply_decisions(state, decisions)
        html = review_html(state, str(args.out), project.templates, _names(programmes))
        files = files_of(state, None, html)
    except BadDecisions as exc:
        print(f"auditpack scan: {args.apply_review}: {exc}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, AttributeError, ValueError):
        print("auditpack scan: " + tell("%(file)s is not as scan wrote it (was it edited?); scan the forms again") % {
            "file": args.out / SCAN_STATE}, file=sys.stderr)
        return 2
    for doubt_id in unknown:
        print(tell("ignored  %(doubt)s: no such open question in %(out)s (decided already, or from another scan)") % {
            "doubt": doubt_id[:80], "out": args.out}, file=sys.stderr)
    try:
        write_files(claim(args.out, SCAN, project.own_files), files)
    except OSError as exc:
        print("auditpack scan: " + tell("could not write the results: %(error)s") % {"error": exc.strerror or exc},
              file=sys.stderr)
        return 2
    print(counted("Applied %(count)d decision.", "Applied %(count)d decisions.", settled))
    return _report(state, args.out)


def _report(state, out: Path) -> int:
    for where, reason in state["refused"]:
        print(tell("refused  %(page)s: %(reason)s") % {"page": where, "reason": reason}, file=sys.stderr)
    for where in state["blank"]:  # the back of a single-sided form in a duplex scan: expected, not a fault
        print(tell("blank    %(page)s: left out (a blank page)") % {"page": where}, file=sys.stderr)
    doubts = sum(len(r["doubts"]) for r in state["responses"])
    print(_read(state, out))
    if doubts:
        print(tell("Open %(page)s in a browser to decide, then: auditpack scan --apply-review decisions.json "
                   "--out %(out)s") % {"page": out / "review.html", "out": out})
    if not state["responses"]:
        print("auditpack scan: " + tell("no page of a scannable form was found"), file=sys.stderr)
    return 1 if doubts or state["refused"] or not state["responses"] else 0


def _read(state, out: Path) -> str:
    """What the scan read: forms with answers written, waiting for review, pages refused and blank."""
    responses = state["responses"]
    forms, refused, blank = len(responses), len(state["refused"]), len(state["blank"])
    written = sum(1 for r in responses if not r["doubts"] and not r.get("left_out"))
    waiting = sum(1 for r in responses if r["doubts"])
    questions = sum(len(r["doubts"]) for r in responses)
    return tell("Read %(forms)s: %(written)s, %(waiting)s (%(questions)s); %(refused)s; %(blank)s -> %(out)s") % {
        "out": out,
        "forms": counted("%(count)d form", "%(count)d forms", forms),
        "written": counted("%(count)d with answers written", "%(count)d with answers written", written),
        "waiting": counted("%(count)d waiting for review", "%(count)d waiting for review", waiting),
        "questions": counted("%(count)d question", "%(count)d questions", questions),
        "refused": counted("%(count)d page or file refused", "%(count)d pages or files refused", refused),
        "blank": counted("%(count)d blank page", "%(count)d blank pages", blank)}


def _names(programmes):
    """How the review page names questions and answers, from the programmes' content; in the page's
    language, its statements as the forms print them."""
    from ..answer_formats import DONT_KNOW
    from ..i18n import gettext as _
    from .review import Names

    questionnaires = {q.id: q for content in programmes for q in content.questionnaires}

    def question(questionnaire_id: str, field: str) -> str:
        _kind, item_id, dimension_id = (field.split(":", 2) + ["", ""])[:3]
        q = questionnaires.get(questionnaire_id)
        item = next((i for i in q.items if i.id == item_id), None) if q else None
        dimension = next((d for d in q.dimensions if d.id == dimension_id), None) if q else None
        if q is None or item is None:
            return _("statement %(item)s, %(question)s") % {"item": item_id, "question": dimension_id}
        text = " ".join(item.text.split())
        values = {"number": q.item_number(item), "text": text if len(text) <= 90 else text[:89] + "…",
                  "question": dimension.short if dimension else ""}
        if dimension and len(q.dimensions) > 1:
            return _("statement %(number)s (%(text)s), %(question)s") % values
        return _("statement %(number)s (%(text)s)") % values

    def answer(questionnaire_id: str, value: str) -> str:
        q = questionnaires.get(questionnaire_id)
        point = next((p for p in q.scale if p.key == value), None) if q else None
        if point is not None:
            return f"{value} {point.label}"
        return f"? {q.dont_know_label}" if q and value == DONT_KNOW else value  # as the form prints it

    return Names(question, answer)
