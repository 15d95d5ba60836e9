"""SIGTERM stops a command as Ctrl+C does.

A CI job being cancelled, a service manager or ``kill`` sends SIGTERM, whose default action
ends the process on the spot: no message, and a half-made output folder left for the next
build to clear. Raised as :class:`Terminated`, a kind of KeyboardInterrupt, it takes the
same way out as Ctrl+C: every ``finally`` and ``with`` runs, so the staging folder is removed,
the build lock released and the PDF workers ended, and the previous output stays as it was.
"""

from __future__ import annotations

import contextlib
import signal
import threading


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived. The command exits with 143, as a shell reports a process that SIGTERM
    ended (128 + 15), so scripts can tell it from Ctrl+C (130) and from a content problem (1)."""


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Within this block, SIGTERM raises :class:`Terminated` in the main thread; a second SIGTERM
    ends the process at once, as if nothing handled it. Signals can be handled only in the main
    thread, so elsewhere (a test calling the command line from a thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated()
