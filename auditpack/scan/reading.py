"""Read every page of the given files, in worker processes, in order, a few pages in flight at a time.

Each worker loads the layouts once and then reads pages it is sent by reference (file and page
number), so no page image crosses between processes and memory does not grow with the scan.
Results come back in input order, so the output never depends on timing.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import i18n
from ..i18n import tell
from ..kinds import PDF
from .images import SUFFIXES, PageRef, Unreadable, count_pages
from .layouts import Layout
from .pages import PageFailed, PageRead, read_page

IN_FLIGHT = 4
"""Pages sent to each worker ahead of the one being read: enough to keep it busy, no more."""
SINGLE_FROM = 3
"""Fewer pages than this are read in this process: starting workers would cost more than it saves."""
_layouts: dict[str, Layout] = {}


def page_refs(files: list[Path], shown: Callable[[Path], str]) -> tuple[list[PageRef], list[tuple[str, str]]]:
    """Every page of the files, and (file, reason) for each file that is not a scan or cannot be opened."""
    refs, refused = [], []
    for file in files:
        kind = "pdf" if _starts_pdf(file) else SUFFIXES.get(file.suffix.lower())
        if kind is None:
            refused.append((shown(file), tell("it is not a scan (a PDF, TIFF, PNG, JPEG or HEIC file)")))
            continue
        try:
            pages = count_pages(file, kind)
            digest = _digest(file)
        except (Unreadable, OSError) as exc:
            refused.append((shown(file), str(exc) if isinstance(exc, Unreadable) else
                            tell("it could not be read (%(error)s)") % {"error": exc}))
            continue
        refs += [PageRef(str(file), shown(file), index, kind, digest) for index in range(pages)]
    return refs, refused


def read_pages(refs: list[PageRef], layouts: dict[str, Layout], workers: int) -> Iterator[PageRead | PageFailed]:
    if workers <= 1 or len(refs) < SINGLE_FROM:
        for ref in refs:
            yield read_page(ref, layouts)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..lifeline import Lifeline

    context = multiprocessing.get_context("spawn")
    lifeline = Lifeline(context)  # the workers end with this process, even if it is killed
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                               initargs=(lifeline.watched, layouts, i18n.reader()))
    try:
        waiting: deque = deque()
        pending = iter(refs)
        for ref in pending:
            waiting.append(pool.submit(_read, ref))
            if len(waiting) >= workers * IN_FLIGHT:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    except BaseException:  # interrupted, or the caller stopped early: end the workers now
        lifeline.cut()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        lifeline.cut()


def _start(watched, layouts: dict[str, Layout], reader: str) -> None:
    """A worker: it ends with this process, knows the layouts, and says why a page is not read in the
    language this process's messages are in (``reader``)."""
    from ..lifeline import end_with_the_parent

    end_with_the_parent(watched)
    i18n.address(reader)
    _layouts.update(layouts)


def _read(ref: PageRef) -> PageRead | PageFailed:
    return read_page(ref, _layouts)


def _starts_pdf(file: Path) -> bool:
    try:
        with open(file, "rb") as handle:
            return PDF.magic in handle.read(1024)
    except OSError:
        return False


def _digest(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_workers() -> int:
    return min(os.cpu_count() or 1, 8)
