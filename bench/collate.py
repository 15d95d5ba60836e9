#!/usr/bin/env python3
"""Time ``auditpack collate`` on 500 filled response forms of the bundled staff audit (21 statements, 42 questions).

    python bench/collate.py [--copies 500] [--keep DIR] [--engine incremental|rewrite|both]

The fillable form is rendered exactly as the build renders it, then filled with random answers by pypdf
(filling is not timed) in two ways: saved as an incremental update on top of the original file, as
Acrobat Reader and most viewers save a filled form, which is the slow case for a reader (WeasyPrint keeps
every object, the PDF/UA structure tree included, in one compressed object stream that pypdf parses
whole); and rewritten whole, as pdftk and pypdf's default save do. Timed: reading and checking every
file, the statistics, and rendering the report (web page, PDF, charts, CSV), as ``auditpack collate`` does.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditpack import documents, pipeline  # noqa: E402
from auditpack.collate.readers import Target, read_inputs  # noqa: E402
from auditpack.collate.report import render_report  # noqa: E402
from auditpack.collate.tally import Rules, collate  # noqa: E402
from auditpack.render import fonts, print_html  # noqa: E402
from auditpack.render.pdf import PdfRenderer  # noqa: E402

PROGRAMME, QUESTIONNAIRE = "blackpool-ara", "staff-audit"


def fillable_form(project: pipeline.Project) -> tuple[Target, bytes]:
    """The staff audit's fillable response form, rendered as the build renders it."""
    programmes = pipeline.check(project)
    content = next(c for c in programmes if c.programme.id == PROGRAMME)
    plan = documents.plan(programmes, ("fillable",))
    doc = next(d for d in plan.variants if d.kind == "response-form" and d.variant == "fillable"
               and d.questionnaire.id == QUESTIONNAIRE)
    options = print_html.PrintOptions(paper=project.config.paper, footer=project.config.footer)
    env = print_html.environment(project.templates)
    renderer = PdfRenderer(project.templates,
                           print_html.render_theme_css(env, options, project.config.brand, fonts.font_faces()))
    siblings = [d for d in plan.documents if d.content is content and d.stage is doc.stage]
    layout = renderer.layout(print_html.render_document(env, doc, options, siblings), forms=True)
    return Target(content, content.questionnaire(QUESTIONNAIRE)), renderer.write(layout, forms=True).data


def _fill(job) -> None:
    form, options, seed, path, incremental = job
    import pypdf

    rng = random.Random(seed)
    values = {name: f"/{rng.randrange(len(opts))}" for name, opts in options.items() if rng.random() > 0.1}
    writer = pypdf.PdfWriter(io.BytesIO(form), incremental=incremental)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    with open(path, "wb") as handle:
        writer.write(handle)


def fill_copies(form: bytes, folder: Path, copies: int, incremental: bool) -> list[Path]:
    """Filled copies in ``folder`` (kept ones reused), with 10% of questions left unanswered."""
    import pypdf

    fields = (ref.get_object() for ref in pypdf.PdfReader(io.BytesIO(form)).trailer["/Root"]["/AcroForm"]["/Fields"])
    options = {str(f["/T"]): list(f["/Opt"]) for f in fields if "/Opt" in f}
    paths = [folder / f"response-{n:04d}.pdf" for n in range(copies)]
    jobs = [(form, options, n, path, incremental) for n, path in enumerate(paths) if not path.exists()]
    with ProcessPoolExecutor() as pool:
        list(pool.map(_fill, jobs, chunksize=8))
    return paths


def time_collation(project, target, paths: list[Path]) -> dict[str, float]:
    t0 = time.perf_counter()
    inputs = read_inputs(paths, target)
    t1 = time.perf_counter()
    collation = collate(target, inputs, Rules())
    t2 = time.perf_counter()
    render_report(collation, project.templates, project.config)
    t3 = time.perf_counter()
    assert inputs.responses == len(paths) and not inputs.skipped, inputs.skipped[:3]
    return {"read": t1 - t0, "statistics": t2 - t1, "report": t3 - t2, "total": t3 - t0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the filled copies under this folder")
    parser.add_argument("--engine", choices=("incremental", "rewrite", "both"), default="both")
    args = parser.parse_args()
    project = pipeline.Project.open(REPO)
    target, form = fillable_form(project)
    engines = ("incremental", "rewrite") if args.engine == "both" else (args.engine,)
    with tempfile.TemporaryDirectory() as scratch:
        for engine in engines:
            folder = (args.keep or Path(scratch)) / engine
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            paths = fill_copies(form, folder, args.copies, engine == "incremental")
            size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
            print(f"{engine}: filled {len(paths)} copies in {time.perf_counter() - started:.1f} s "
                  f"({size:.0f} KB each; not timed below)")
            took = time_collation(project, target, paths)
            print(f"  read and checked every PDF: {took['read']:.1f} s ({took['read'] / len(paths) * 1000:.0f} ms "
                  f"a file, {os.cpu_count()} CPU(s)); statistics {took['statistics'] * 1000:.0f} ms; "
                  f"report (web page, PDF, charts, CSV) {took['report']:.1f} s")
            print(f"  collate {len(paths)} filled PDFs ({engine}): {took['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
