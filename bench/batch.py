"""Benchmark ``auditpack packs --schools``: 100 personalised school packs of the bundled example.

    python bench/batch.py [--runs 1] [--schools 100] [--jobs N]

Each run copies the project to a temporary folder and builds, cold (no cache), as a separate
process: ``build.py packs --schools schools.csv``. It is compared with rendering only the distinct
documents once: every distinct tailoring's plan through ``render_all``, uncached, with the same
number of workers, without packs, stamping or zips, also in a process of its own. Targets: the
batch takes at most 1.5 times as long, and its peak resident memory stays under 1 GiB.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import measure as measured  # noqa: E402
from bench.run import copy_project  # noqa: E402

FIRST = ["St Anne's", "Ysgol Gynradd", "Ysgol Gymraeg", "Holy Trinity", "St Mary's", "Oakfield", "Bryn",
         "Pen-y-bryn", "Hillside", "O'Connell", "Riverside", "Llanfair", "Gwaun", "St David's", "Ty'n-y-coed"]
SECOND = ["Primary", "Junior", "Infant", "Academy", "C of E Primary", "Ŵyl", "Tŷ Gwyn", "Church School",
          "Community School"]
IMHARS_PATHWAYS = ["self-led", "borough-partnership"]
IMHARS_COMPONENTS = [
    "",  # all of them
    "pupil-voice;ethos-and-environment",
    "leadership-and-management;staff-development-health-and-wellbeing;working-with-parents-and-carers",
    "curriculum-teaching-and-learning,identifying-need-and-monitoring-impact",
]


def schools_csv(count: int = 100) -> str:
    """A deterministic batch: mostly iMHARS across two pathways and four component choices (eight
    tailorings), and some Academic Resilience schools; names with apostrophes and Welsh letters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "programme", "pathway", "components"])
    for n in range(count):
        name = f"{FIRST[n % len(FIRST)]} {SECOND[(n // len(FIRST) + n) % len(SECOND)]} {n + 1}"
        if n % 5 == 4:
            writer.writerow([name, "blackpool-ara", "", ""])
        else:
            writer.writerow([name, "imhars", IMHARS_PATHWAYS[n % 2], IMHARS_COMPONENTS[(n // 2) % 4]])
    return out.getvalue()


def distinct_documents(root: Path, schools: Path, jobs: int | None) -> int:
    """Render each distinct tailoring's documents once, uncached, in one pool of workers started
    as the batch starts its own; returns how many were rendered."""
    from auditpack import batch, documents, pipeline
    from auditpack.render.packs import render_all

    project = pipeline.Project.open(root)
    programmes = pipeline.check(project)
    pipeline.pin_build_date(programmes)
    requests, problems = batch.read_schools(schools, programmes, root / "schools")
    assert not problems, [p.format() for p in problems]
    rendered = 0
    with pipeline._started_workers(project, pipeline.BuildOptions(workers=jobs)) as pool:  # one pool, as the batch
        for content, group in batch._tailorings(programmes, requests):
            plan = dataclasses.replace(documents.plan([content], tuple(project.config.variants)), packs=())
            options = pipeline.print_options(project, pathway=group[0].request.pathway, for_school=True)
            rendered += len(render_all(plan, project.templates, options, project.config.brand,
                                       workers=project.workers(jobs), cache_dir=None, pool=pool))
    return rendered


def _timed(command: list[str]) -> tuple[float, float, str]:
    return measured.run(command, capture=True)


def measure(runs: int = 1, schools: int = 100, jobs: int | None = None) -> dict:
    """Figures for ``runs`` cold batches (medians): seconds, distinct-documents seconds, their ratio,
    the peak resident memory in MiB of any one process of the batch, and both commands' summaries.

    The batch shares documents that are the same in several tailorings (through the cache), which
    the distinct-documents run renders once per tailoring: the ratio can be below 1."""
    jobs_args = ["--jobs", str(jobs)] if jobs else []
    batch_times, distinct_times, peak, summary, distinct = [], [], 0.0, "", ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_project(Path(tmp))
            csv_file = root / "schools.csv"
            csv_file.write_text(schools_csv(schools), encoding="utf-8")
            seconds, batch_peak, summary = _timed([sys.executable, str(REPO / "build.py"), "packs", "-q",
                                                   "--schools", str(csv_file), "--project", str(root), *jobs_args])
            batch_times.append(seconds)
            peak = max(peak, batch_peak)
            built = sorted(p.name for p in (root / "schools").glob("*.zip"))
            assert len(built) == schools, f"{len(built)} zips for {schools} schools"
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_project(Path(tmp))
            csv_file = root / "schools.csv"
            csv_file.write_text(schools_csv(schools), encoding="utf-8")
            seconds, _, distinct = _timed([sys.executable, str(Path(__file__).resolve()), "--distinct-only",
                                           str(root), *jobs_args])
            distinct_times.append(seconds)
    batch_s, distinct_s = statistics.median(batch_times), statistics.median(distinct_times)
    return {"schools": schools, "batch_seconds": batch_s, "distinct_seconds": distinct_s,
            "ratio": batch_s / distinct_s, "peak_mib": peak, "summary": summary.strip(), "distinct": distinct.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--distinct-only", type=Path, metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.distinct_only:
        count = distinct_documents(args.distinct_only, args.distinct_only / "schools.csv", args.jobs)
        print(f"distinct documents once: {count} rendered (each tailoring's own, uncached)")
        return
    figures = measure(args.runs, args.schools, args.jobs)
    print(figures["summary"])
    print(figures["distinct"])
    print(f"{figures['schools']}-school batch, cold:            {figures['batch_seconds']:6.1f} s")
    print(f"distinct documents rendered once:        {figures['distinct_seconds']:6.1f} s")
    print(f"ratio batch / distinct documents:        {figures['ratio']:6.2f}   (target <= 1.5)")
    print(f"peak resident memory of one process:     {figures['peak_mib']:6.0f} MiB (target < 1024)")


if __name__ == "__main__":
    main()
