"""Worker processes that end when the process that started them ends, however it ends.

A worker of a ProcessPoolExecutor holds the write end of its own job queue, so it never sees its
parent go: a killed build left its workers rendering, then waiting, for half an hour, and the
fork server and resource tracker with them. The parent keeps one end of a pipe, a
:class:`Lifeline`; each worker watches the other end from a thread and exits at end-of-file,
which comes when the parent cuts the lifeline (its work failed or was interrupted) or when the
system closes it (the parent was killed, even with SIGKILL). The pipe reaches workers however
they are started (forked from a server, or spawned), so this works wherever Python does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading


class Lifeline:
    """The parent's end of the pipe; ``watched`` is passed to each worker as an initializer argument."""

    def __init__(self, context):
        self.watched, self._end = context.Pipe(duplex=False)

    def cut(self) -> None:
        """End every worker now, whatever it is doing. Cutting again does nothing."""
        self._end.close()


def end_with_the_parent(watched) -> None:
    """Called first in each worker (as its pool's initializer, or by it). Ctrl+C reaches the parent
    too, which ends the workers by cutting the lifeline: here it would only interrupt a job and print
    a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_at_end_of_file, args=(watched,), daemon=True).start()


def _exit_at_end_of_file(watched) -> None:
    with contextlib.suppress(EOFError, OSError):
        watched.recv_bytes()
    os._exit(1)
