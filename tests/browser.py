"""Helpers for looking at the built site in a real browser: Debian's Chromium driven by Playwright,
the site served on 127.0.0.1 or opened from file://, and a record of everything each page asks for."""

from __future__ import annotations

import functools
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit
from urllib.request import url2pathname

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (containers run as root); no GPU; and none of Chromium's own calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
"""axe-core as published on npm, kept in the tests (vendor/axe-core/README.md says how to update it)."""
# Every rule axe-core has is switched on (Axe.run) but its three WCAG AAA ones (7:1 contrast, which
# Material's grey table-of-contents links miss; identical links' purpose; meta refresh): WCAG 2.0-2.2
# A and AA, best practice, and those axe leaves off by default (target-size, WCAG 2.2 AA, among them)
# or marks experimental or deprecated. The tests fail on serious and critical findings, print the rest.
# preload: False stops axe re-downloading every stylesheet with XMLHttpRequest (only its experimental
# css-orientation-lock rule reads them; it runs on the page's styles as they are); from file:// those
# downloads are refused and fill the console with errors that are axe's, not the site's. With it, axe
# makes no request at all (the tests check).
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(condition: bool, reason: str) -> None:
    """Fail under CI, where .ci/run installs everything; skip, saying why, on a developer's machine."""
    if not condition:
        if in_ci():
            pytest.fail(f"{reason} (CI is set: .ci/run must install it)", pytrace=False)
        pytest.skip(reason)


def require_module(name: str, package: str) -> None:
    try:
        __import__(name)
    except ImportError:
        require(False, f"Python package {package} is not installed (pip install -e '.[test]')")


def require_chromium() -> None:
    require(CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
            f"{CHROMIUM} is missing (apt-get install -y chromium; `playwright install` cannot download here)")


# --- the site under test ----------------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest's output clean
        pass


@dataclass
class Site:
    """A built site as the browser sees it: over http from 127.0.0.1 or as files."""
    root: Path
    variant: str  # "http" or "file"
    base: str  # URL of the site's root folder, ending in "/"

    @property
    def pages(self) -> list[str]:
        """Every generated page, as a path relative to the site root, 404.html too: from file:// no
        server shows it, but a reader can open it from the downloaded folder, and it must work there."""
        pages = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))
        return pages

    def url(self, page: str) -> str:
        return self.base + page

    def allows(self, url: str) -> bool:
        """May the page request this? Only the site itself; data: and blob: URLs carry their content
        inline and never leave the machine."""
        if url.startswith(("data:", "blob:")):
            return True
        return url.startswith(self.base) if self.variant == "http" else url.startswith("file://")

    def within(self, url: str) -> bool:
        """Is this link a page or file of the site (and so to be followed)?"""
        return url.startswith(self.base)

    def page_of(self, url: str) -> str:
        """The site-relative path of an in-site URL, without query or fragment."""
        return unquote(urlsplit(urldefrag(url).url).path)[len(urlsplit(self.base).path):]


@contextmanager
def open_site(root: Path, variant: str):
    """Yield a Site; for "http", serve the folder on 127.0.0.1 from a thread while it is in use."""
    if variant == "file":
        yield Site(root, "file", root.resolve().as_uri() + "/")
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Site(root, "http", f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- what a page did ----------------------------------------------------------------------------------

@dataclass
class Visit:
    page: str
    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # requests that failed or answered >= 400
    console: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, raw href/src, resolved URL)
    axe: dict | None = None
    axe_requests: list[str] = field(default_factory=list)  # requests made while axe ran
    error: str | None = None  # the page could not be loaded or examined at all


def _page_of(request):
    """The tab a request belongs to, or None for a worker's request or a frame already gone."""
    try:
        return request.frame.page
    except Exception:  # noqa: BLE001 - Playwright raises for service-worker and detached requests
        return None


class Recorder:
    """Listens to one browser context: every request any page, frame or worker makes is recorded
    against the current visit, and those the site may not make are aborted at once (so a stray CDN
    link fails fast instead of waiting for a timeout) but recorded all the same."""

    def __init__(self, context, site: Site):
        self.site = site
        self.visit: Visit | None = None
        self.in_flight: set = set()
        self.last_activity = time.monotonic()
        context.on("request", self._request)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.route(lambda url: not site.allows(url), lambda route: route.abort("blockedbyclient"))

    def _touch(self):
        self.last_activity = time.monotonic()

    def _request(self, request):
        self._touch()
        self.in_flight.add(request)
        if self.visit is not None:
            self.visit.requests.append(request.url)

    def _finished(self, request):
        self._touch()
        self.in_flight.discard(request)

    def _failed(self, request):
        self._finished(request)
        if self.visit is not None:
            self.visit.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        if response.status >= 400 and self.visit is not None:
            self.visit.failed.append(f"{response.url}: HTTP {response.status}")

    def attach(self, page):
        """Send this tab's console errors, uncaught exceptions and websockets to the current visit.
        When the tab closes, its requests stop counting as in flight (their last event may never come)."""
        page.on("console", self._console)
        page.on("close", lambda closed: self.in_flight.difference_update(
            {r for r in self.in_flight if _page_of(r) in (closed, None)}))
        page.on("pageerror", lambda error: self.visit and self.visit.console.append(f"uncaught: {error}"))
        page.on("websocket", lambda socket: self.visit and self.visit.requests.append(socket.url))
        return page

    def _console(self, message):
        if message.type == "error" and self.visit is not None:
            self.visit.console.append(f"console.error: {message.text} ({message.location.get('url')})")

    @contextmanager
    def recording(self, visit: Visit):
        """Record everything that happens until the block ends against this visit."""
        self.visit = visit
        try:
            yield visit
        finally:
            self.visit = None

    def settle(self, page, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Wait for the load event and then until no request has been in flight for `quiet` seconds:
        Material starts its search worker after load, and the worker then fetches the index."""
        page.wait_for_load_state("load")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.in_flight and time.monotonic() - self.last_activity >= quiet:
                return
            page.wait_for_timeout(25)  # lets Playwright deliver events, unlike time.sleep
        raise TimeoutError(f"still loading after {timeout} s: {[r.url for r in self.in_flight]}")


LINKS_JS = """() => Array.from(document.querySelectorAll(
    'a[href], area[href], link[href], script[src], img[src], source[src], iframe[src]')).map(e => {
        const attr = e.hasAttribute('href') ? 'href' : 'src';
        const raw = e.getAttribute(attr);
        let resolved; try { resolved = new URL(raw, document.baseURI).href } catch (x) { resolved = raw }
        return [e.tagName.toLowerCase(), raw, resolved];
    })"""


EVERY_RULE_JS = """([context, options, every]) => axe.run(context ? context : document, every
    ? {...options, rules: Object.fromEntries(axe.getRules().map(rule => [rule.ruleId, {enabled: true}]))}
    : options)"""

SETTLED_JS = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))).then(() => true)"""
"""Resolves when every finite CSS transition and animation has ended: axe measures colours as drawn, so
a header fading in after a scroll would read as low contrast half-way through (CI saw #9fb4c4 on
#1d4f73, the topic's white at partial opacity)."""


class Axe:
    """axe-core injected into a page and run there."""

    def __init__(self, script: Path = AXE_SCRIPT):
        self.script = script.read_text(encoding="utf-8")

    def run(self, page, context=None, options=None) -> dict:
        """axe.run on the page as it stands (``context``: a selector, else the whole document)."""
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(self.script)
        page.evaluate(SETTLED_JS)
        return page.evaluate(EVERY_RULE_JS, [context, options or AXE_OPTIONS, options is None])


def survey(context, recorder: Recorder, site: Site, axe=None) -> dict[str, Visit]:
    """Open every page of the site in turn in one tab, wait until it is quiet, then collect its links
    and, with `axe`, an axe-core scan. (A fresh tab per page costs 0.2 s more and shares the context's
    storage all the same.)"""
    visits = {}
    page = recorder.attach(context.new_page())
    try:
        for name in site.pages:
            with recorder.recording(Visit(name, site.url(name))) as visit:
                visits[name] = visit
                try:
                    page.goto(visit.url, wait_until="load")
                    recorder.settle(page)
                    visit.links = [tuple(link) for link in page.evaluate(LINKS_JS)]
                    if axe is not None:
                        before = len(visit.requests)
                        visit.axe = axe.run(page)
                        recorder.settle(page, quiet=0.05)
                        visit.axe_requests = visit.requests[before:]
                except Exception as exc:  # noqa: BLE001 - reported by every test that reads this visit
                    visit.error = f"{type(exc).__name__}: {exc}"
    finally:
        page.close()
    return visits


# --- following links ------------------------------------------------------------------------------

class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value or "")


def ids_in(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


class Fetcher:
    """Follows in-site links as the browser would: over http through Playwright's request client
    (a real GET to the local server); from file:// by reading the file the URL names, which is all
    a browser does with a file: link. Each URL is fetched once."""

    def __init__(self, context, site: Site):
        self.context, self.site = context, site
        self._cache: dict[str, tuple[bytes | None, str | None]] = {}

    def get(self, url: str) -> tuple[bytes | None, str | None]:
        """(body, None) or (None, why it failed)."""
        url = urldefrag(url).url
        if url not in self._cache:
            self._cache[url] = self._get(url)
        return self._cache[url]

    def _get(self, url: str):
        if self.site.variant == "http":
            response = self.context.request.get(url, max_redirects=0, fail_on_status_code=False)
            if response.status != 200:
                return None, f"HTTP {response.status}"
            return response.body(), None
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.site.root.resolve()):
            return None, "outside the site folder"
        if not path.is_file():
            return None, "no such file" + (" (a folder: from file:// the browser lists it)" if path.is_dir() else "")
        return path.read_bytes(), None

    def check(self, url: str) -> str | None:
        """Why this in-site link does not resolve, or None when it does."""
        body, problem = self.get(url)
        if problem:
            return problem
        path = urlsplit(url).path
        if path.endswith(".pdf") and not body.startswith(b"%PDF-"):
            return f"not a PDF (starts {body[:8]!r})"
        fragment = urldefrag(url).fragment
        if fragment and path.endswith((".html", "/")) and unquote(fragment) not in ids_in(body.decode("utf-8")):
            return f"no element with id {unquote(fragment)!r}"
        return None


def screenshot_path(session_name: str, page: str) -> Path:
    return ARTIFACTS / session_name / Path(page).with_suffix(".png")


class BrowserThread:
    """Chromium driven from a thread of its own.

    Playwright's sync API allows one instance per thread, and other test modules keep one open in the
    main thread for the whole run; a thread of our own never fights over it. Each scenario runs there
    with the browser as its first argument and hands back plain values, or raises its assertion error.
    """

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(1, thread_name_prefix="chromium")
        self.pool.submit(self._start).result()

    def _start(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def _stop(self):
        self.browser.close()
        self.playwright.stop()

    def run(self, scenario, *args):
        return self.pool.submit(scenario, self.browser, *args).result()

    def close(self):
        self.pool.submit(self._stop).result()
        self.pool.shutdown()
