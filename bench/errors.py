"""Benchmark reporting many problems: ``check`` on a file with 1,000, 2,000 and 4,000 of them.

    python bench/errors.py [--runs 3]

The bundled example's first stage is given N extra tasks, each owned by a role nobody declared,
and ``build.py check`` runs on it as a separate process, as a user runs it. Reporting must grow
in step with the problems: the ratio 4,000 / 1,000 is about 4 when it is linear, less when
starting Python and reading the file take a good share, and far more when it is quadratic (each
problem once read and split its whole file again: 14 s, 29 s and 131 s). The same file with
every task's owner declared shows what reading it costs without any problem to report.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import copy_project  # noqa: E402

COUNTS = (1000, 2000, 4000)


def with_tasks(root: Path, count: int, owner: str | None) -> Path:
    """A copy of the bundled example whose first stage has ``count`` more tasks, each owned by
    ``owner``, or by a different undeclared role (one problem each) when ``owner`` is None."""
    project = copy_project(root)
    stages = project / "content" / "imhars" / "stages.yml"
    tasks = "".join(f"      - id: bench-task-{i}\n        text: Task {i}.\n        owners: [{owner or f'nobody-{i}'}]\n"
                    for i in range(count))
    stages.write_text(stages.read_text(encoding="utf-8").replace("    tasks:\n", "    tasks:\n" + tasks, 1),
                      encoding="utf-8")
    return project


def check_seconds(project: Path, problems: int) -> float:
    """Wall time of ``build.py check``; it must report exactly ``problems`` problems."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", str(project)],
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    last = (result.stdout + result.stderr).strip().splitlines()[-1]
    expected = f"{problems} problems found; nothing was written." if problems else \
        "OK: 3 programme(s), no problems found."
    if last != expected:
        raise SystemExit(f"check did not report what was made ({expected!r}); it said: {last!r}")
    return seconds


def measure(runs: int) -> dict[int | str, float]:
    """Median seconds of ``check`` for each count of problems, and for the largest file without them."""
    figures: dict[int | str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in COUNTS:
            project = with_tasks(Path(tmp) / f"problems-{count}", count, None)
            figures[count] = statistics.median(check_seconds(project, count) for _ in range(runs))
        clean = with_tasks(Path(tmp) / "clean", COUNTS[-1], "head-teacher")
        figures["clean"] = statistics.median(check_seconds(clean, 0) for _ in range(runs))
    return figures


def line(figures: dict[int | str, float]) -> str:
    counts = " / ".join(f"{c:,}" for c in COUNTS)
    seconds = " / ".join(f"{figures[c]:.2f} s" for c in COUNTS)
    return (f"check with {counts} problems in one file: {seconds}; ratio {COUNTS[-1]:,} / {COUNTS[0]:,}: "
            f"{figures[COUNTS[-1]] / figures[COUNTS[0]]:.1f} (linear: 4 or less; quadratic: 16)\n"
            f"check of the same {COUNTS[-1]:,}-task file with no problems: {figures['clean']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(line(measure(args.runs)))


if __name__ == "__main__":
    main()
