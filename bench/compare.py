"""Compare the cold build time of two revisions of auditpack on the same programmes, run by turns.

    python bench/compare.py BEFORE [AFTER] [--runs 5] [--programmes imhars blackpool-ara]

BEFORE and AFTER are git revisions (AFTER defaults to the working tree). Each is exported to a
folder of its own and builds the same copy of the chosen programmes with ``--clear-cache``, as a
user would; the two take turns, so a machine that gets busier part way through slows both alike.
Prints each run, the medians and the ratio AFTER / BEFORE (the figure a change is judged by).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import measure  # noqa: E402


def export(revision: str | None, target: Path) -> Path:
    """The source of ``revision`` (None: the working tree) in ``target``."""
    if revision is None:
        skipped = {".git", ".venv", "site", "build", ".cache"}  # at the top only: templates/site is source
        shutil.copytree(REPO, target, ignore=lambda folder, names: skipped & set(names) if folder == str(REPO) else ())
    else:
        target.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def project(source: Path, programmes: list[str], target: Path) -> Path:
    """A project holding only ``programmes`` of ``source``'s content, so both revisions build the same."""
    for name in programmes:
        shutil.copytree(source / "content" / name, target / "content" / name)
    shutil.copy(source / "site_config.yml", target / "site_config.yml")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--programmes", nargs="+", default=["imhars", "blackpool-ara"])
    parser.add_argument("--content-of", choices=("before", "after"), default="after",
                        help="whose content both build (an older revision may not know a newer key)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"before": export(args.before, Path(tmp) / "before"), "after": export(args.after, Path(tmp) / "after")}
        root = project(trees[args.content_of], args.programmes, Path(tmp) / "project")
        times: dict[str, list[float]] = {"before": [], "after": []}
        for run in range(args.runs):
            for name, tree in trees.items():
                build = [sys.executable, str(tree / "build.py"), "build", "-q", "--clear-cache"]
                seconds, _, _ = measure.run([*build, "--project", str(root)])
                times[name].append(seconds)
            print(f"run {run + 1}: before {times['before'][-1]:6.2f} s   after {times['after'][-1]:6.2f} s", flush=True)
    before, after = (statistics.median(times[name]) for name in ("before", "after"))
    print(f"median: before {before:.2f} s ({args.before}), after {after:.2f} s ({args.after or 'working tree'}); "
          f"after / before = {after / before:.3f}  ({', '.join(args.programmes)}, content of {args.content_of})")


if __name__ == "__main__":
    main()
