"""Time reading one filled response form: the pikepdf reader against the pypdf one it replaced.

    python bench/pdf_form.py [--copies 20] [--rounds 5] [--before REV]

The bundled staff audit's fillable form (21 statements, 42 questions) is rendered as the build
renders it and filled with random answers by pypdf (not timed), saved two ways: as an incremental
update on the original, as Acrobat Reader and most viewers save, and rewritten whole, as pdftk
does. Each file is then read by both readers in turn, the old one taken from git (``--before``,
the last commit of auditpack/collate/pdf_form.py that used pypdf), and both must find the same
answers. Figures are medians of CPU time; on a shared machine compare the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditpack import pipeline  # noqa: E402
from auditpack.collate import pdf_form  # noqa: E402
from bench.collate import fill_copies, fillable_form  # noqa: E402

PYPDF_READER = "147cf5d"
"""The last commit whose auditpack/collate/pdf_form.py read forms with pypdf."""


def reader_at(revision: str) -> types.ModuleType:
    """auditpack/collate/pdf_form.py as it was at ``revision``, importable beside today's."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:auditpack/collate/pdf_form.py"],
                            check=True, capture_output=True, text=True).stdout
    module = types.ModuleType("auditpack.collate.pdf_form_before")
    module.__package__ = "auditpack.collate"
    exec(compile(source, f"{revision}:auditpack/collate/pdf_form.py", "exec"), module.__dict__)
    return module


def timed(read, data: bytes) -> tuple[float, object]:
    """CPU seconds of this process, not wall time: reading is one thread's work, and on a shared
    machine the wall time mostly measures the others' load."""
    started = time.process_time()
    response = read(data)
    return time.process_time() - started, response


def compare(before, files: list[bytes], rounds: int) -> tuple[float, float]:
    """Median CPU seconds a file for the old and the new reader, read alternately."""
    old, new = [], []
    for _ in range(rounds):
        for data in files:
            took_old, answer_old = timed(before.read_pdf, data)
            took_new, answer_new = timed(pdf_form.read_pdf, data)
            assert answer_old == answer_new, "the two readers disagree"
            old.append(took_old)
            new.append(took_new)
    return statistics.median(old), statistics.median(new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="filled copies of each kind (default: 20)")
    parser.add_argument("--rounds", type=int, default=5, help="times each copy is read by each reader (default: 5)")
    parser.add_argument("--before", default=PYPDF_READER, help=f"git revision of the old reader ({PYPDF_READER})")
    args = parser.parse_args()
    before = reader_at(args.before)
    _, form = fillable_form(pipeline.Project.open(REPO))
    print(f"the staff audit's fillable form: {len(form) / 1024:.0f} KB; old reader from {args.before}")
    with tempfile.TemporaryDirectory() as scratch:
        kinds = {"blank form": [form]}
        for kind, incremental in (("filled, incremental update", True), ("filled, rewritten whole", False)):
            folder = Path(scratch) / kind.replace(" ", "-").replace(",", "")
            folder.mkdir()
            kinds[kind] = [path.read_bytes() for path in fill_copies(form, folder, args.copies, incremental)]
        for kind, files in kinds.items():
            old, new = compare(before, files, args.rounds)
            print(f"  {kind:28} pypdf {old * 1000:6.1f} ms CPU   pikepdf {new * 1000:6.1f} ms CPU   "
                  f"pikepdf/pypdf {new / old:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
