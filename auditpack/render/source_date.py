"""SOURCE_DATE_EPOCH, set only while the tools that read it run.

A build's date is a value handed to whatever renders (see :func:`auditpack.pipeline.build_date`).
Two tools stamp a date into what they write, fontTools into fonts and MkDocs into the sitemap, and
they read it only from the environment; :func:`dated` sets it there while they run and puts back
what was there, so a build leaves the environment of its process as it found it.
"""

from __future__ import annotations

import contextlib
import os
import threading

VARIABLE = "SOURCE_DATE_EPOCH"

_lock = threading.Condition()
_users = 0
_before: str | None = None


@contextlib.contextmanager
def dated(epoch: int):
    """SOURCE_DATE_EPOCH is ``epoch`` (seconds since 1970) inside the block.

    The environment is the process's, and the preview lays out a PDF in one thread while it builds
    the site in another: blocks with the same date share it, and one with another date waits."""
    global _users, _before
    value = str(epoch)
    with _lock:
        _lock.wait_for(lambda: _users == 0 or os.environ.get(VARIABLE) == value)
        if _users == 0:
            _before = os.environ.get(VARIABLE)
            os.environ[VARIABLE] = value
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                if _before is None:
                    os.environ.pop(VARIABLE, None)
                else:
                    os.environ[VARIABLE] = _before
                _lock.notify_all()
