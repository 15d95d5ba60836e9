"""Benchmark the bundled example: full, site-only and PDF time, no-op and one-stage rebuilds,
the time each extra language adds, and the floor set by WeasyPrint alone. Prints figures and the
ratios the project targets.

    python bench/run.py [--runs 3] [--jobs N] [--schools 100] [--errors]

``--errors`` runs only the line on reporting thousands of problems (bench/errors.py).

Each build runs as a separate process on a copy of the project, as a user would run it;
figures are medians over the runs. Ratios matter more than seconds on a shared machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import measure  # noqa: E402

PEAK_MIB = [0.0]
"""The most memory any one process of any build held (see bench/measure.py)."""


def timed(command: list[str]) -> float:
    seconds, peak, _ = measure.run(command)
    PEAK_MIB[0] = max(PEAK_MIB[0], peak)
    return seconds


def copy_project(target: Path) -> Path:
    for name in ("content", "site_config.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def floor_seconds() -> tuple[float, int]:
    """Render the same documents' HTML serially straight through WeasyPrint, nothing of ours around it."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from auditpack import documents, pipeline
    from auditpack.render import fonts, print_html
    from auditpack.render.pdf import PDF_OPTIONS

    project = pipeline.Project.open(REPO)
    checked = pipeline.checked(project)
    programmes = checked.programmes + checked.translated  # every edition, as the full build makes
    plan = documents.plan(programmes, tuple(project.config.variants))
    options = pipeline.renderer(project, pipeline.build_date(programmes)).options
    env = print_html.environment(project.templates)
    htmls = [print_html.render_document(env, d, options) for d in plan.all_documents]
    theme = print_html.render_theme_css(env, options, project.config.brand, fonts.font_faces())
    started = time.perf_counter()
    font_config = FontConfiguration()
    sheets = [CSS(filename=str(project.templates.file("print/print.css")), font_config=font_config),
              CSS(string=theme, font_config=font_config)]
    pages = 0
    for doc, html in zip(plan.all_documents, htmls, strict=True):
        forms = doc.variant == "fillable"  # the same WeasyPrint work as a build: tagged PDF/UA, forms
        document = HTML(string=html, base_url=str(project.templates.file("print/print.css").parent)).render(
            stylesheets=sheets, font_config=font_config, pdf_forms=forms, **PDF_OPTIONS)
        document.write_pdf(pdf_forms=forms, **PDF_OPTIONS)
        pages += len(document.pages)
    return time.perf_counter() - started, pages


def site_only_seconds(root: Path) -> float:
    """Pages and MkDocs with no PDFs rendered, as the preview server builds them."""
    from auditpack.serve import Preview

    preview = Preview(root, None, quiet=True)
    started = time.perf_counter()
    preview.rebuild()
    return time.perf_counter() - started


def pdf_only(root: Path, jobs: int | None) -> None:
    """Every document and pack rendered and bound as a build does, no cache, no site (run as a child)."""
    from auditpack import documents, pipeline

    project = pipeline.Project.open(root)
    programmes = pipeline.check(project)
    plan = documents.plan(programmes, tuple(project.config.variants))
    with pipeline.renderer(project, pipeline.build_date(programmes), project.workers(jobs)) as renderer:
        renderer.render(plan)


def one_language(root: Path) -> int:
    """Take the other languages out of every programme of the copy at ``root``: how many there were."""
    found = 0
    for programme in sorted(root.glob("content/*/programme.yml")):
        text = programme.read_text(encoding="utf-8")
        listed = re.findall(r"^  translations: \[(.*)\]\n", text, flags=re.MULTILINE)
        found += sum(len([t for t in entry.split(",") if t.strip()]) for entry in listed)
        programme.write_text(re.sub(r"^  translations: \[.*\]\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    return found


def one_run(build: list[str], jobs: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp))
        here = build + ["--project", str(root)]
        figures = {"full": timed(here + ["--clear-cache"]), "noop": timed(here)}
        stages = root / "content" / "imhars" / "stages.yml"
        stages.write_text(stages.read_text().replace("title: Audit and measure", "title: Audit and measure it"))
        figures["one_stage"] = timed(here)
        figures["pdf"] = timed([sys.executable, __file__, "--pdf-only", str(root), *jobs])
        figures["site"] = site_only_seconds(root)
        languages = one_language(root)
        figures["one_language"] = timed(here + ["--clear-cache"])
    figures["per_language"] = (figures["full"] - figures["one_language"]) / max(languages, 1)
    figures["language/one"] = figures["per_language"] / figures["one_language"]
    figures["floor"], figures["pages"] = floor_seconds()
    figures["full/floor"] = figures["full"] / figures["floor"]
    figures["noop/full"] = figures["noop"] / figures["full"]
    figures["one_stage/full"] = figures["one_stage"] / figures["full"]
    return figures


ROWS = [("full", "full cold build", "s"), ("site", "site only (no PDFs)", "s"), ("pdf", "PDFs only (no site)", "s"),
        ("noop", "no-op rebuild", "s"), ("one_stage", "rebuild after one stage", "s"),
        ("one_language", "full build, source languages only", "s"),
        ("per_language", "time each extra language adds", "s"),
        ("language/one", "ratio extra language / source only", ""),
        ("floor", "floor: serial WeasyPrint", "s"), ("full/floor", "ratio full / floor  (<= 0.65)", ""),
        ("noop/full", "ratio no-op / full  (<= 0.05)", ""), ("one_stage/full", "ratio one stage / full (<= 0.25)", "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--schools", type=int, default=100, help="schools in the batch benchmark (0: skip it)")
    parser.add_argument("--errors", action="store_true", help="only time check with thousands of problems")
    parser.add_argument("--pdf-only", type=Path, metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    if args.pdf_only:
        return pdf_only(args.pdf_only, args.jobs)
    from bench import errors  # it copies projects with this module's copy_project
    if args.errors:
        return print(errors.line(errors.measure(args.runs)))
    build = [sys.executable, str(REPO / "build.py"), "build", "-q", *jobs]
    runs = [one_run(build, jobs) for _ in range(args.runs)]
    peak = PEAK_MIB[0]
    pages = runs[0]["pages"]
    print(f"bundled example, {args.runs} run(s); each ratio is taken within its run; last column: median")
    for key, label, unit in ROWS:
        values = [run[key] for run in runs]
        cells = "  ".join(f"{v:6.2f}" for v in values)
        print(f"{label:34s} {cells}   {statistics.median(values):6.2f} {unit}")
    print(f"PDF pages per second (full build): {pages / statistics.median(r['full'] for r in runs):.1f} "
          f"({pages} pages of documents, packs not counted)")
    print(f"peak resident memory of any build process: {peak:.0f} MiB")
    print(errors.line(errors.measure(args.runs)), flush=True)
    if args.schools:  # in a process of its own, so its peak memory is its own
        print(f"{args.schools}-school batch (bench/batch.py):", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).with_name("batch.py")), "--runs", str(args.runs),
                        "--schools", str(args.schools), *jobs], check=True)


if __name__ == "__main__":
    main()
