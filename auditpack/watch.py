"""Noticing that a project's files changed, for the live preview.

The operating system reports each change (inotify on Linux, FSEvents on macOS,
ReadDirectoryChangesW on Windows) through watchdog, so nothing is read until something changes,
however large the project. Where no such events arrive (no inotify left, a folder on a network
share, in a virtual machine's shared folder or a container's mount) the folders are polled
instead: their entries' times and sizes, never their contents.

A burst of changes (an editor that truncates, writes and renames; a ``git checkout``) counts as
one, once no change has come for a moment.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

SETTLE = 0.2
"""Seconds without a change after which a burst of changes is over."""
LONGEST_BURST = 2.0
"""Seconds after which a burst counts as over even if changes keep coming (a program writing
continuously), so the preview still follows."""
POLL_INTERVAL = 0.5
"""Seconds between two looks at the folders when polling."""
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
"""What counts as a change. Not a file opened or closed unwritten (reading the content for a
rebuild would start the next one), nor a folder 'modified': that only says its entries changed,
and each entry's change is reported on its own."""


class Watcher:
    """Watches files and folders (a folder with all it holds) until :meth:`stop`.

    A path that does not exist yet (a project's ``templates/`` before it is made) is watched
    through its nearest existing folder, so its creation is seen; :meth:`follow` then watches it.
    Start it before reading what it watches, so that no change made while reading is missed.
    """

    def __init__(self, paths: Iterable[Path], poll: bool = False):
        self._changed = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._handler = _Handler(self._changed)
        self._folders: dict[Path, bool] = {}
        self.fallback = ""
        """Why polling is used though events were asked for; empty when it is not."""
        self._observer = self._started(PollingObserver(timeout=POLL_INTERVAL) if poll else Observer())
        self.follow(paths)

    @property
    def polling(self) -> bool:
        return isinstance(self._observer, PollingObserver)

    def follow(self, paths: Iterable[Path]) -> None:
        """Watch these paths from now on (the project's folders may have moved or appeared)."""
        paths = tuple(dict.fromkeys(Path(os.path.abspath(p)) for p in paths))
        folders = _folders(paths)
        self._handler.paths = paths
        with self._lock:
            if folders != self._folders and not self._stopped.is_set():
                self._watch(folders)

    def _watch(self, folders: dict[Path, bool]) -> None:
        try:
            self._schedule(folders)
        except FileNotFoundError:  # a folder went just now: look again, as after any change
            self._folders = {}
            self._changed.set()
            return
        except OSError as exc:  # no inotify left (a limit), or none at all: look at the folders instead
            if self.polling:
                raise
            self.fallback = exc.strerror or str(exc)
            self._observer.stop()
            self._observer.join()
            self._observer = self._started(PollingObserver(timeout=POLL_INTERVAL))
            self._schedule(folders)
        if self._folders:
            # A change made while the watches were being replaced may have gone unseen.
            self._changed.set()
        self._folders = folders

    def changed(self) -> bool:
        """Wait until something changed and the burst of changes is over: True, or False once stopped."""
        self._changed.wait()
        began = time.monotonic()
        while not self._stopped.is_set():
            self._changed.clear()
            if self._stopped.wait(SETTLE) or not self._changed.is_set() or time.monotonic() - began > LONGEST_BURST:
                break
        return not self._stopped.is_set()

    def stop(self) -> None:
        """Stop watching: the observer's threads end, and :meth:`changed` returns False."""
        with self._lock:
            self._stopped.set()
            self._changed.set()
            self._observer.stop()
            self._observer.join()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _schedule(self, folders: dict[Path, bool]) -> None:
        self._observer.unschedule_all()
        for folder, recursive in folders.items():
            self._observer.schedule(self._handler, str(folder), recursive=recursive, event_filter=CHANGES)

    @staticmethod
    def _started(observer: BaseObserver) -> BaseObserver:
        observer.start()  # before scheduling, so that a watch that cannot be made fails in schedule()
        return observer


class _Handler(FileSystemEventHandler):
    def __init__(self, changed: threading.Event):
        self.changed = changed
        self.paths: tuple[Path, ...] = ()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if any(_concerns(Path(os.fsdecode(p)), self.paths) for p in (event.src_path, event.dest_path) if p):
            self.changed.set()


def _concerns(path: Path, watched: tuple[Path, ...]) -> bool:
    """A change at ``path`` is one to a watched path, to something inside one, or to a folder on
    the way to one (its creation, removal or renaming)."""
    return any(path == p or path.is_relative_to(p) or p.is_relative_to(path) for p in watched)


def _folders(paths: tuple[Path, ...]) -> dict[Path, bool]:
    """The folders to watch, each with whether to watch all it holds: a folder itself, wholly; a
    file, or a path that does not exist yet, through its nearest existing folder, alone."""
    folders: dict[Path, bool] = {}
    for path in paths:
        if path.is_dir():
            folders[path] = True
            continue
        parent = path.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        folders.setdefault(parent, False)
    return folders
