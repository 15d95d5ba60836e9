"""``auditpack serve``: a live preview for advisors.

Pages are rebuilt within about a second of saving a YAML file, template or setting, and open
browsers reload themselves. PDFs are rendered only when one is opened, so editing stays fast.
Content errors are printed and shown as a banner over the last good preview; the server
never stops because of them. Every edition is previewed: a programme's translations at /cy/,
/ar/, as the build writes them.
"""

from __future__ import annotations

import http.server
import json
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import documents, i18n, site
from .errors import ContentErrors, TemplateProblem
from .i18n import tell
from .kinds import FORMATS, format_of
from .output import PREVIEW, replacing, write_files
from .pipeline import Project, alternates, build_date, checked, editions, renderer, site_sources
from .render.packs import PdfOutput
from .render.pages import DOWNLOADS
from .render.renderer import Renderer
from .watch import POLL_INTERVAL, Watcher

STATUS = "/__auditpack__/status"
ASSETS = "/__auditpack__/"
MAX_PATH = 1024
"""Characters in a request's path; the site's own are far shorter, and a path longer than the
system allows would fail to open with an error of its own."""
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f\x7f\\]")


class Preview:
    """The last good preview site, its plan, and PDFs rendered so far."""

    def __init__(self, root: Path, config_file: Path | None, quiet: bool = False, fixed_date: str | None = None):
        self.root, self.config_file, self.quiet, self.fixed_date = root, config_file, quiet, fixed_date
        self.project = Project.open(root, config_file)
        self.folder = self.project.root / self.project.config.work_dir / "preview"
        self.version = 0
        self.error = ""
        self.lock = threading.Lock()
        self.swapping = threading.Lock()
        """Held while the site folder is written and swapped, and while a request reads a file from it:
        a page asked for during a rebuild waits for the new site instead of finding no folder (404)."""
        self._plans: dict[str, documents.Plan] = {}
        """Each edition's plan, by its folder ('' for the programmes as written)."""
        self._renderer: Renderer | None = None
        self._pdfs: dict[tuple[str, str], bytes] = {}

    @property
    def site_dir(self) -> Path:
        return self.folder / "site"

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            project = Project.open(self.root, self.config_file)
            programmes, _warnings, translated = checked(project)
            date = build_date(programmes, self.fixed_date)
            every = editions(project, programmes, translated)
            plans = {e.folder: documents.plan(e.programmes, tuple(project.config.variants), bilingual=e.bilingual)
                     for e in every}
            with self.swapping, replacing(self.folder, PREVIEW, project.own_files) as work:
                for edition in every:  # the source edition first: MkDocs empties its site folder
                    plan = plans[edition.folder]
                    with i18n.speaking(edition.language):  # the pages' own words, as the build writes them
                        files, settings, _ = site_sources(project, edition.programmes, plan, _placeholders(plan),
                                                          alternates(edition, every),
                                                          edition.language if edition.folder else None)
                    write_files(work / edition.folder, files)
                    site.build_site(site.write_project(work / edition.folder, settings),
                                    work / "site" / edition.folder, date)
            pdf_renderer = renderer(project, date)  # PDFs are rendered here, one when it is opened
        except (ContentErrors, TemplateProblem, site.SiteBuildError, OSError) as exc:
            message = exc.format() if isinstance(exc, ContentErrors) else str(exc)
            with self.lock:
                self.error, self.version = message, self.version + 1
            print(message, file=sys.stderr, flush=True)
            return
        with self.lock:
            self.project, self.error, self.version = project, "", self.version + 1
            self._plans, self._renderer = plans, pdf_renderer
            self._pdfs.clear()
        if not self.quiet:
            print(tell("Rebuilt the preview in %(seconds).2f s") % {"seconds": time.perf_counter() - started},
                  flush=True)

    def edition_of(self, path: str) -> tuple[str, str] | None:
        """(edition folder, path under its downloads) of a request for a download, else None."""
        with self.lock:
            folders = list(self._plans)
        for folder in sorted(folders, key=len, reverse=True):  # a translation's folder before the top
            prefix = f"/{folder}/{DOWNLOADS}/" if folder else f"/{DOWNLOADS}/"
            if path.startswith(prefix):
                return folder, path.removeprefix(prefix)
        return None

    def pdf(self, path: str, folder: str = "") -> bytes | None:
        """A PDF of the current content in one edition, rendered the first time it is asked for."""
        with self.lock:
            plan = self._plans.get(folder)
            if (folder, path) not in self._pdfs and self._renderer is not None and plan is not None:
                output = self._renderer.render(plan, {path}).get(path)
                if output is None:
                    return None
                self._pdfs[(folder, path)] = output.data
            return self._pdfs.get((folder, path))

    def watched(self) -> list[Path]:
        """The folders and files the preview depends on, existing or not: a project's templates/
        or content/ made after the preview started counts as an edit."""
        project = self.project
        return [project.content_dir, project.root / "templates", *project.templates.roots,
                self.config_file or project.root / "site_config.yml"]


def _placeholders(plan: documents.Plan) -> dict[str, PdfOutput]:
    """An empty output for every file the plan makes, so the pages can link them before they exist."""
    empty = {d.path: PdfOutput(d.path, d.title, b"", 0) for d in plan.all_documents}
    empty |= {p.path: PdfOutput(p.path, p.title, b"", 0) for p in plan.packs}
    return empty | {e.path: PdfOutput(e.path, e.title, b"", 0) for e in plan.editions}


def serve(project: Project, port: int, quiet: bool = False, ready=None, poll: bool = False,
          fixed_date: str | None = None) -> int:
    """``fixed_date``: SOURCE_DATE_EPOCH as the user set it (see :class:`auditpack.pipeline.BuildOptions`)."""
    preview = Preview(project.root, None, quiet, fixed_date)
    # Watch before the first build, not after: a save made while it runs must still count as an edit.
    with Watcher(preview.watched(), poll) as watcher:
        if watcher.fallback:
            print(tell("auditpack serve: the system does not report changes to files (%(reason)s); looking for them "
                       "every %(seconds)s s instead") % {"reason": watcher.fallback, "seconds": POLL_INTERVAL},
                  file=sys.stderr, flush=True)
        preview.rebuild()
        server = _Server(("127.0.0.1", port), _handler(preview))
        watching = threading.Thread(target=_watch, args=(preview, watcher, i18n.reader()),
                                    name="auditpack serve: watch")
        watching.start()
        interrupted = False
        try:  # from the moment the address is printed, Ctrl+C or SIGTERM is a stop, not a failure
            print(tell("Previewing at %(address)s (Ctrl+C to stop)") % {
                "address": f"http://127.0.0.1:{server.server_address[1]}/"}, flush=True)
            if ready:
                ready(server)
            server.serve_forever()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            watcher.stop()
            watching.join()  # a rebuild under way ends first, so no thread outlives the command
            server.server_close()
    if interrupted:
        print(tell("Stopped."))  # last, after anything that rebuild printed
    return 0


def _watch(preview: Preview, watcher: Watcher, reader: str | None = None) -> None:
    """Rebuild after each burst of changes, and watch the folders the settings now name; messages
    in the ``reader``'s language (a thread does not inherit the caller's)."""
    with i18n.addressing(reader or i18n.reader()):
        while watcher.changed():
            preview.rebuild()
            watcher.follow(preview.watched())


class _Server(http.server.ThreadingHTTPServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = i18n.reader()
        """The language of messages, for the threads that answer requests (which do not inherit it)."""

    def handle_error(self, request, client_address):
        """One line, not a traceback, for a request that could not be answered; none when the
        browser left before the answer (it moved to another page while a PDF was rendered)."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            with i18n.addressing(self.reader):
                message = tell("auditpack serve: could not answer a request: %(error)s") % {
                    "error": f"{type(exc).__name__}: {exc}"}
            print(message, file=sys.stderr, flush=True)


def _request_path(url: str) -> str | None:
    """The path a request URL names, decoded; None when no file of the preview could have it: an
    escape that is not UTF-8, a control character or backslash, '.' or '..' as a part (never a
    file outside the site), or a name or path longer than the system allows."""
    try:
        path = unquote(urlsplit(url).path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = path.split("/")
    if parts[0] or len(path) > MAX_PATH or any(
            part in (".", "..") or len(part.encode()) > 255 or _NOT_IN_NAMES.search(part) for part in parts):
        return None
    return path


def _handler(preview: Preview):
    reader = i18n.reader()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.site_dir), **kwargs)

        def do_HEAD(self):
            if _request_path(self.path) is None:
                return self.send_error(400, "No file of the site has this name")
            with preview.swapping:
                super().do_HEAD()

        def do_GET(self):
            path = _request_path(self.path)
            if path is None:
                return self.send_error(400, "No file of the site has this name")
            if path == STATUS:
                with preview.lock:
                    body = json.dumps({"version": preview.version, "error": preview.error})
                return self._send(body.encode(), "application/json")
            if path.startswith(ASSETS):
                return self._asset(path.removeprefix(ASSETS))
            download = preview.edition_of(path)
            if download and path.endswith(tuple(f.extension for f in FORMATS.values())):
                return self._pdf(*download)
            if path.endswith("/"):
                path += "index.html"
            with preview.swapping:
                if path.endswith(".html"):
                    return self._page(path)
                return super().do_GET()

        def _page(self, path: str):
            file = (preview.site_dir / path.lstrip("/")).resolve()
            if not file.is_relative_to(preview.site_dir.resolve()) or not file.is_file():
                return self.send_error(404)
            inject = (f'<link rel="stylesheet" href="{ASSETS}preview.css">'
                      f'<script src="{ASSETS}preview.js" defer></script></head>')
            page = file.read_text(encoding="utf-8").replace("</head>", inject, 1)
            self._send(page.encode(), "text/html; charset=utf-8")

        def _asset(self, name: str):
            file = preview.project.templates.file(f"site/preview/{name}")
            if name not in ("preview.js", "preview.css") or not file.is_file():
                return self.send_error(404)
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self._send(file.read_bytes(), f"{kind}; charset=utf-8")

        def _pdf(self, folder: str, relative: str):
            try:
                with i18n.addressing(reader):  # request threads do not inherit the reader's language
                    data = preview.pdf(relative, folder)
            except (TemplateProblem, ContentErrors) as exc:
                return self.send_error(500, explain=str(exc))
            if data is None:
                return self.send_error(404)
            self._send(data, format_of(relative).media_type)

        def _send(self, body: bytes, kind: str):
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            if not preview.quiet and args and str(args[1]).startswith(("4", "5")):
                super().log_message(format, *args)

    return Handler
