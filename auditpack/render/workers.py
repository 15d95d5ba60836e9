"""The processes that render PDFs, and what runs inside them.

Workers are forked from a server process that has imported WeasyPrint once (see
:func:`start_worker_server`), and this module is all that server imports of auditpack: it
stays clear of the content model, so the server is ready before the parent has loaded the
content. Jobs carry HTML and PDF bytes, never the plan.

Workers end with their build, however it ends (see :mod:`auditpack.lifeline`); the server
ends once the build and its workers have. A killed build leaves no process behind.
"""

from __future__ import annotations

import concurrent.futures
import errno
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .. import i18n
from ..i18n import tell
from ..lifeline import Lifeline, end_with_the_parent
from ..template_folders import TemplateFolders
from .bind import Part, bind, pack_page


class WorkerEnded(OSError):
    """A worker ended in the middle of its work, killed from outside: most often by the system,
    short of memory, which picks the biggest process, a worker laying out a long pack. An OSError,
    so every command reports it as a message, not a traceback."""

    def __init__(self):
        super().__init__(errno.ECHILD, tell("a PDF worker process was killed in the middle of its work (by the "
                                            "system, if memory ran short). Run again, with fewer workers (-j 1) if "
                                            "memory is short"))


class PdfWorkers:
    """Processes that turn HTML into PDFs and bind packs, each with its own fonts.

    Importing WeasyPrint, the biggest fixed cost of a small rebuild, is paid once by the
    server they are forked from, not once per worker. With one worker, everything runs in
    this process.
    """

    def __init__(self, count: int, templates: TemplateFolders, theme: str, build_date: int):
        self.count, self.templates, self.theme, self.build_date = count, templates, theme, build_date
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._lifeline: Lifeline | None = None
        self._local = None
        self._folder: ScratchFolder | None = None

    def __enter__(self):
        return self

    def __exit__(self, failed, *exc):
        if failed:  # interrupted, or a job failed: end the workers now, not after the jobs they hold
            self._cut_lifeline()
        self._shut_down(wait=True)
        self._cut_lifeline()
        self.pool = None
        self._local = None  # its fonts' folder goes now, not at interpreter exit when rmtree may be gone
        if self._folder is not None:
            self._folder.remove()
            self._folder = None

    def release(self) -> None:
        """Let the workers end while this process finishes the build (it takes no more jobs)."""
        self._shut_down(wait=False)

    def _shut_down(self, wait: bool) -> None:
        if self._starting is not None:
            self._starting.join()
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=True)

    def _cut_lifeline(self) -> None:
        if self._lifeline is not None:
            self._lifeline.cut()

    def run(self, jobs: list[tuple]):
        """Each job is (kind, path, *arguments). The jobs are handed to the workers at once; the
        iterator returned gives (path, pdf bytes, pages) as they finish."""
        if self.count <= 1 or (len(jobs) <= 1 and self.pool is None):
            return ((path, *JOBS[kind](self.local, *arguments)) for kind, path, *arguments in jobs)
        self.start()
        futures = [self._submit(_run_in_worker, kind, path, *arguments) for kind, path, *arguments in jobs]
        return (_result(future) for future in concurrent.futures.as_completed(futures))

    def submit(self, function, *arguments):
        """Run ``function`` in a worker beside the PDFs (in this process, one worker: when its
        result is asked for). It and its arguments must be picklable."""
        if self.count <= 1:
            return _Deferred(function, arguments)
        self.start()
        return _InWorker(self._submit(_call_in_worker, function, *arguments))

    def _submit(self, function, *arguments) -> concurrent.futures.Future:
        """Submitting may start a worker, which the server makes through the temporary folder."""
        assert self.pool is not None, "started by _start"
        try:
            return self.pool.submit(function, *arguments)
        except OSError as exc:
            raise temp_folder_problem(exc) from None

    @property
    def local(self):
        if self._local is None:
            self._local = _renderer(self.templates, self.theme, self.build_date)
        return self._local

    def start(self) -> None:
        """Start the processes now (each job starts them otherwise): they set up WeasyPrint while
        this process goes on with other work."""
        if self.pool is None and self.count > 1:
            start_worker_server()
            context = _worker_context()
            # WeasyPrint copies the fonts into a folder of its own per process and removes it only
            # when the process ends normally, which a pool worker does not: it goes in this folder,
            # removed with the pool, so that no build leaves 9 MB per worker in the temporary folder.
            try:
                self._folder = ScratchFolder.make()
            except OSError as exc:
                raise temp_folder_problem(exc) from None
            self._lifeline = Lifeline(context)
            # Workers are not recycled: max_tasks_per_child deadlocks ProcessPoolExecutor on Python 3.11.
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.count, mp_context=context, initializer=_start_worker,
                initargs=(self.templates, self.theme, self.build_date, self._lifeline.watched, self._folder.path,
                          i18n.reader()))
            # Starting a worker waits until the server has imported WeasyPrint: meanwhile this
            # process goes on templating the content.
            self._starting = threading.Thread(target=self._start_processes, daemon=True)
            self._starting.start()

    def _start_processes(self) -> None:
        assert self.pool is not None, "started by _start"
        try:
            for _ in range(self.count):  # each submission starts a process while none is idle
                self.pool.submit(_ready)
        except (concurrent.futures.BrokenExecutor, OSError):
            pass  # a worker died or could not start: the caller's jobs report it, not a traceback from this thread


class ScratchFolder:
    """The workers' temporary folder, claimed with a lock for as long as its build runs.

    A build killed outright (SIGKILL, a power cut, the OOM killer) cannot remove it, and each holds
    about 18 MB of fonts; the lock goes with the process however it ends, so the next build removes
    the folders whose lock nobody holds (:meth:`sweep`). Only folders with auditpack's name and
    claim file are ever touched."""

    PREFIX = "auditpack-workers-"
    CLAIM = ".claimed-by-a-build"

    def __init__(self, path: str, claim: int | None):
        self.path, self._claim = path, claim

    @classmethod
    def make(cls) -> ScratchFolder:
        """The claim is locked before it takes its name, so a sweep never sees it unlocked."""
        cls.sweep()
        path = tempfile.mkdtemp(prefix=cls.PREFIX)
        if sys.platform == "win32":
            return cls(path, None)
        import fcntl
        unnamed = os.path.join(path, cls.CLAIM + ".new")
        claim = os.open(unnamed, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(claim, fcntl.LOCK_EX)
        os.rename(unnamed, os.path.join(path, cls.CLAIM))
        return cls(path, claim)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._claim is not None:
            os.close(self._claim)

    @classmethod
    def sweep(cls) -> None:
        """Remove the folders of builds that ended without removing theirs."""
        if sys.platform == "win32":
            return  # no flock; a folder there is removed by the build that made it, or left
        try:
            entries = list(os.scandir(tempfile.gettempdir()))
        except OSError:
            return  # making the new folder will say what is wrong with the temporary folder
        for entry in entries:
            if entry.name.startswith(cls.PREFIX) and entry.is_dir(follow_symlinks=False):
                cls._remove_if_abandoned(entry.path)

    @classmethod
    def _remove_if_abandoned(cls, path: str) -> None:
        import fcntl
        try:
            claim = os.open(os.path.join(path, cls.CLAIM), os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return  # not claimed the way this version claims: not known to be a build's, left alone
        try:
            if os.fstat(claim).st_uid != os.getuid():
                return
            fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # a running build holds it
        finally:
            os.close(claim)
        shutil.rmtree(path, ignore_errors=True)


class _Deferred:
    def __init__(self, function, arguments):
        self.function, self.arguments = function, arguments

    def result(self):
        return self.function(*self.arguments)


class _InWorker:
    def __init__(self, future: concurrent.futures.Future):
        self.future = future

    def result(self):
        return _result(self.future)


def _result(future: concurrent.futures.Future):
    try:
        return future.result()
    except concurrent.futures.BrokenExecutor:
        raise WorkerEnded() from None


def default_workers() -> int:
    """One per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def start_worker_server() -> None:
    """Start the process that PDF workers are forked from, if it is not running yet.

    It imports WeasyPrint once for every worker, while the caller goes on. Workers
    are not forked from the caller itself: forking a process that runs threads (the preview
    server, a test runner) can deadlock, and so can forking one that has set up Pango. The
    server ends when the caller and every worker have ended. Elsewhere than on Linux,
    workers are spawned and each imports WeasyPrint itself."""
    if _worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        try:
            forkserver.ensure_running()
        except OSError as exc:  # its socket is made in the temporary folder
            raise temp_folder_problem(exc) from None


def temp_folder_problem(exc: OSError) -> OSError:
    """The error, naming the temporary folder and what to do: starting workers and loading fonts
    write there, and 'No space left on device' or 'AF_UNIX path too long' alone does not say where."""
    try:
        folder = _users_temporary_folder or tempfile.gettempdir()
    except OSError:
        return exc  # no usable temporary folder at all: that error lists the folders tried
    return OSError(exc.errno, tell("the temporary folder cannot be used (%(reason)s); make room there, or set TMPDIR "
                                   "to another folder (a short path you can write to)") % {
                                       "reason": exc.strerror or exc}, folder)


def _worker_context():
    # Linux only: on macOS, forking a process that has loaded system frameworks can crash.
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["auditpack.render.workers", "auditpack.render.preload"])
        return context
    return multiprocessing.get_context("spawn")


def render_html(renderer, html: str, forms: bool) -> tuple[bytes, int]:
    pdf = renderer.write(renderer.layout(html, forms=forms), forms=forms)
    return pdf.data, pdf.pages


def bind_pack(renderer, cover_htmls: list[str], parts: list[Part], language: str) -> tuple[bytes, int]:
    """A long contents list can push the cover onto another page, which moves every page number
    in it: take the first version of the cover that fills exactly the pages it assumed. Every page's
    "Pack page N of M" (in the pack's ``language``) is laid out once, in the forms' font, and drawn
    as it is bound."""
    from .stamp import StampSheet  # not at the top: the stamp reads the content model, which the server never loads

    for cover_pages, html in enumerate(cover_htmls, start=1):
        cover = renderer.layout(html)
        if len(cover.pages) == cover_pages:
            pages = cover_pages + sum(p.pages for p in parts)
            with i18n.speaking(language):  # bind() looks each page's label up by the same words
                labels = StampSheet.render(renderer, [pack_page(n, pages) for n in range(1, pages + 1)], layouts=1)
                return bind(renderer.write(cover).data, parts, labels), pages
    raise ValueError(f"a pack's contents list runs to more than {len(cover_htmls)} pages")


JOBS: dict[str, Callable[..., tuple[bytes, int]]] = {"document": render_html, "pack": bind_pack}
_worker = None
_worker_problem: Exception | None = None
"""Why this worker could not set up, raised by each of its jobs: an initializer that raises
prints a traceback and breaks the pool, and the build could only say that a worker died."""


_users_temporary_folder: str | None = None
"""In a worker, the temporary folder the user chose, which messages name (see _start_worker)."""

IMPORTED_BEFORE_START = False
"""Whether this worker came with WeasyPrint loaded by the server (checked by the tests)."""


def _start_worker(templates: TemplateFolders, theme: str, build_date: int, lifeline, folder: str,
                  reader: str) -> None:
    """Set up fonts and stylesheets as soon as the process starts, in the temporary ``folder`` the
    pool removes when it ends (this process only renders, so its temporary files all go there).
    Its messages are in the ``reader``'s language, as its parent's are."""
    global _worker, _worker_problem, _users_temporary_folder, IMPORTED_BEFORE_START
    end_with_the_parent(lifeline)
    i18n.address(reader)
    _users_temporary_folder = str(Path(folder).parent)
    tempfile.tempdir = folder
    IMPORTED_BEFORE_START = "weasyprint" in sys.modules
    try:
        _worker = _renderer(templates, theme, build_date)
    except Exception as exc:  # noqa: BLE001 - raised by each job, as it would be if this process rendered alone
        _worker_problem = exc


def _renderer(templates: TemplateFolders, theme: str, build_date: int):
    """Setting up reads the templates and fonts and writes only the fonts WeasyPrint copies to the
    temporary folder: an error there, or in a write (which names no file), is about that folder."""
    from .pdf import PdfRenderer
    try:
        return PdfRenderer(templates, theme, build_date)
    except OSError as exc:
        if not exc.filename or Path(os.fsdecode(exc.filename)).is_relative_to(tempfile.gettempdir()):
            raise temp_folder_problem(exc) from None
        raise


def _ready() -> None:
    """Nothing: submitted once per worker so that every process starts at once."""


def _run_in_worker(kind: str, path: str, *arguments) -> tuple[str, bytes, int]:
    return (path, *_call_in_worker(JOBS[kind], _worker, *arguments))


def _call_in_worker(function, *arguments):
    if _worker_problem is not None:
        raise _worker_problem
    return function(*arguments)
