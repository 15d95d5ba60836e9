"""``auditpack serve``: a live preview for advisors.

Pages are rebuilt within about a second of saving a YAML file, template or setting, and open
browsers reload themselves. PDFs are rendered only when one is opened, so editing stays fast.
Content errors are printed and shown as a banner over the last good preview; the server
never stops because of them.
"""

from __future__ import annotations

import http.server
import json
import re
import sys
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import documents, site
from .errors import ContentErrors, TemplateProblem
from .output import PREVIEW, replacing, write_files
from .pipeline import Project, print_options, check, pin_build_date, site_sources
from .render.packs import PackRenderer, PdfOutput
from .render.pages import DOWNLOADS

STATUS = "/__auditpack__/status"
ASSETS = "/__auditpack__/"
MAX_PATH = 1024
"""Characters in a request's path; the site's own are far shorter, and a path longer than the
system allows would fail to open with an error of its own."""
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f\x7f\\]")


class Preview:
    """The last good preview site, its plan, and PDFs rendered so far."""

    def __init__(self, root: Path, config_file: Path | None, quiet: bool = False):
        self.root, self.config_file, self.quiet = root, config_file, quiet
        self.project = Project.open(root, config_file)
        self.folder = self.project.root / self.project.config.work_dir / "preview"
        self.version = 0
        self.error = ""
        self.lock = threading.Lock()
        self._renderer: PackRenderer | None = None
        self._pdfs: dict[str, bytes] = {}

    @property
    def site_dir(self) -> Path:
        return self.folder / "site"

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            project = Project.open(self.root, self.config_file)
            programmes = check(project)
            pin_build_date(programmes)
            plan = documents.plan(programmes, tuple(project.config.variants))
            placeholders = {d.path: PdfOutput(d.path, d.title, b"", 0) for d in plan.all_documents}
            placeholders |= {p.path: PdfOutput(p.path, p.title, b"", 0) for p in plan.packs}
            files, settings, _ = site_sources(project, programmes, plan, placeholders)
            with replacing(self.folder, PREVIEW, project.own_files) as work:
                write_files(work, files)
                site.build_site(site.write_project(work, settings), work / "site")
        except (ContentErrors, TemplateProblem, site.SiteBuildError, OSError) as exc:
            message = exc.format() if isinstance(exc, ContentErrors) else str(exc)
            with self.lock:
                self.error, self.version = message, self.version + 1
            print(message, file=sys.stderr, flush=True)
            return
        with self.lock:
            self.project, self.error, self.version = project, "", self.version + 1
            self._renderer = PackRenderer(plan, project.templates, print_options(project), project.config.brand)
            self._pdfs.clear()
        if not self.quiet:
            print(f"Rebuilt the preview in {time.perf_counter() - started:.2f} s", flush=True)

    def pdf(self, path: str) -> bytes | None:
        """A PDF of the current content, rendered the first time it is asked for."""
        with self.lock:
            if path not in self._pdfs and self._renderer is not None:
                output = self._renderer.by_path(path)
                if output is None:
                    return None
                self._pdfs[path] = output.data
            return self._pdfs.get(path)

    def watched(self) -> tuple:
        """A fingerprint of every file the preview depends on."""
        project = self.project
        roots = [project.content_dir, *project.templates.roots]
        files = [p for root in roots if root.exists() for p in sorted(root.rglob("*")) if p.is_file()]
        files.append(self.config_file or project.root / "site_config.yml")
        # Contents, not only times: an edit of the same length within one timestamp tick
        # (staff -> stuff) would otherwise go unseen.
        return tuple((str(p), p.stat().st_mtime_ns, zlib.crc32(p.read_bytes())) for p in files if p.exists())


def serve(project: Project, port: int, quiet: bool = False, ready=None) -> int:
    preview = Preview(project.root, None, quiet)
    # Fingerprint before the first build, not in the watcher thread: a save made while the
    # first build runs, or before the thread is scheduled, must still count as an edit.
    seen = preview.watched()
    preview.rebuild()
    server = _Server(("127.0.0.1", port), _handler(preview))
    stop = threading.Event()
    threading.Thread(target=_watch, args=(preview, seen, stop), daemon=True).start()
    try:  # from the moment the address is printed, Ctrl+C or SIGTERM is a stop, not a failure
        print(f"Previewing at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        if ready:
            ready(server)
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        stop.set()
        server.server_close()
    return 0


def _watch(preview: Preview, seen: tuple, stop: threading.Event, interval: float = 0.3) -> None:
    while not stop.wait(interval):
        current = _fingerprint(preview)
        if current is None or current == seen:
            continue
        # An editor may be half way through saving (many truncate the file, then write it):
        # rebuild once two looks a moment apart agree, or a half-written file shows as an error.
        if stop.wait(interval / 3) or _fingerprint(preview) != current:
            continue
        seen = current
        preview.rebuild()


def _fingerprint(preview: Preview) -> tuple | None:
    try:
        return preview.watched()
    except OSError:
        return None  # a file vanished mid-scan while an editor saved it; look again


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """One line, not a traceback, for a request that could not be answered; none when the
        browser left before the answer (it moved to another page while a PDF was rendered)."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            print(f"auditpack serve: could not answer a request: {type(exc).__name__}: {exc}", file=sys.stderr,
                  flush=True)


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
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.site_dir), **kwargs)

        def do_HEAD(self):
            if _request_path(self.path) is None:
                return self.send_error(400, "No file of the site has this name")
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
            if path.startswith(f"/{DOWNLOADS}/") and path.endswith(".pdf"):
                return self._pdf(path.removeprefix(f"/{DOWNLOADS}/"))
            if path.endswith("/"):
                path += "index.html"
            if path.endswith(".html"):
                return self._page(path)
            return super().do_GET()

        def _page(self, path: str):
            file = (preview.site_dir / path.lstrip("/")).resolve()
            if not file.is_relative_to(preview.site_dir.resolve()) or not file.is_file():
                return self.send_error(404)
            inject = (f'<link rel="stylesheet" href="{ASSETS}preview.css">'
                      f'<script src="{ASSETS}preview.js" defer></script></head>')
            self._send(file.read_text(encoding="utf-8").replace("</head>", inject, 1).encode(), "text/html; charset=utf-8")

        def _asset(self, name: str):
            file = preview.project.templates.file(f"site/preview/{name}")
            if name not in ("preview.js", "preview.css") or not file.is_file():
                return self.send_error(404)
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self._send(file.read_bytes(), f"{kind}; charset=utf-8")

        def _pdf(self, relative: str):
            try:
                data = preview.pdf(relative)
            except (TemplateProblem, ContentErrors) as exc:
                return self.send_error(500, explain=str(exc))
            if data is None:
                return self.send_error(404)
            self._send(data, "application/pdf")

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
