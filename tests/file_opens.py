"""Count how often a file is opened, seen through Python's audit events (every ``open`` and
``os.open`` raises one), so that a test can say a file is read once without timing anything."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

_COUNTERS: list[tuple[str, list[str]]] = []
"""(path, opens seen) of each count running; an audit hook stays for the life of the process."""


def _hook(event: str, args: tuple) -> None:
    if event == "open" and _COUNTERS and isinstance(args[0], (str, bytes, os.PathLike)):
        opened = os.fsdecode(args[0])
        for path, seen in _COUNTERS:
            if opened == path:
                seen.append(opened)


sys.addaudithook(_hook)


@contextlib.contextmanager
def counted_opens(path: Path):
    """A list that gains an entry each time ``path`` is opened while the block runs."""
    seen: list[str] = []
    _COUNTERS.append((str(path), seen))
    try:
        yield seen
    finally:
        _COUNTERS.remove((str(path), seen))
