"""Benchmark the bundled example: full, site-only and PDF time, no-op and one-stage rebuilds,
and the floor set by WeasyPrint alone. Prints figures and the ratios the project targets.

    python bench/run.py [--runs 3] [--jobs N]

Each build runs as a separate process on a copy of the project, as a user would run it;
figures are medians over the runs. Ratios matter more than seconds on a shared machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def copy_project(target: Path) -> Path:
    for name in ("content", "templates", "site_config.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def floor_seconds() -> tuple[float, int]:
    """Render the same documents' HTML serially straight through WeasyPrint, nothing of ours around it."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from auditpack import documents, pipeline
    from auditpack.render import fonts, print_html

    project = pipeline.Project.open(REPO)
    programmes = pipeline.check(project)
    plan = documents.plan(programmes, tuple(project.config.variants))
    options = pipeline.print_options(project)
    env = print_html.environment(project.templates_dir)
    htmls = [print_html.render_document(env, d, options) for d in plan.all_documents]
    theme = print_html.render_theme_css(env, options, project.config.brand, fonts.font_faces())
    started = time.perf_counter()
    font_config = FontConfiguration()
    sheets = [CSS(filename=str(project.templates_dir / "print" / "print.css"), font_config=font_config),
              CSS(string=theme, font_config=font_config)]
    pages = 0
    for html in htmls:
        document = HTML(string=html, base_url=str(project.templates_dir / "print")).render(
            stylesheets=sheets, font_config=font_config)
        document.write_pdf()
        pages += len(document.pages)
    return time.perf_counter() - started, pages


def site_only_seconds(root: Path) -> float:
    """Pages and MkDocs with no PDFs rendered, as the preview server builds them."""
    from auditpack.serve import Preview

    preview = Preview(root, None, quiet=True)
    started = time.perf_counter()
    preview.rebuild()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    build = [sys.executable, str(REPO / "build.py"), "build", "-q"] + (["--jobs", str(args.jobs)] if args.jobs else [])
    results: dict[str, list[float]] = {k: [] for k in ("full", "pdf_cold", "noop", "one_stage", "site", "floor")}
    pages = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_project(Path(tmp))
            here = build + ["--project", str(root)]
            results["full"].append(timed(here + ["--clear-cache"]))
            results["noop"].append(timed(here))
            stages = root / "content" / "imhars" / "stages.yml"
            stages.write_text(stages.read_text().replace("title: Audit and measure", "title: Audit and measure it"))
            results["one_stage"].append(timed(here))
            results["site"].append(site_only_seconds(root))
        floor, pages = floor_seconds()
        results["floor"].append(floor)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = {k: statistics.median(v) for k, v in results.items() if v}
    print(f"runs: {args.runs} (medians below)")
    print(f"full cold build:          {median['full']:6.1f} s   ({pages / median['full']:.1f} PDF pages/s)")
    print(f"site only (no PDFs):      {median['site']:6.1f} s")
    print(f"no-op rebuild:            {median['noop']:6.1f} s")
    print(f"rebuild after one stage:  {median['one_stage']:6.1f} s")
    print(f"floor (serial WeasyPrint, {pages} pages of the same documents): {median['floor']:6.1f} s")
    print(f"peak resident memory of a build process: {peak:.0f} MiB")
    print(f"ratio full / floor:       {median['full'] / median['floor']:.2f}   (target <= 0.65)")
    print(f"ratio no-op / full:       {median['noop'] / median['full']:.3f}  (target <= 0.05)")
    print(f"ratio one stage / full:   {median['one_stage'] / median['full']:.2f}   (target <= 0.25)")
    print("100-school batch: not measured: 'auditpack packs --schools' is not built yet")


if __name__ == "__main__":
    main()
