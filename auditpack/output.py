"""Writing output folders so that a failed build never damages the previous one.

Everything is written into a fresh sibling folder; only when it is complete is
it swapped in place of the old folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path):
    """Yield an empty folder to fill; on success it becomes ``target``, on failure it is removed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def write_files(folder: Path, files: dict[str, bytes | str]) -> None:
    """Write ``{relative path: content}``, refusing any path that would leave ``folder``."""
    root = folder.resolve()
    for relative, data in sorted(files.items()):
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise ValueError(f"refusing to write outside the output folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
