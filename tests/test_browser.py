"""The built site in a real browser, headless Chromium driven by Playwright.

Every page of the mini site loads with no console error and no request leaving the machine, every
link and download on it resolves, search finds a questionnaire item, axe-core finds no serious or
critical violation (axe-core with every rule on), every Tab stop is on the screen, the search dialog
has a name, 404.html works from disk, and each page fits a 390 px phone screen without scrolling
sideways (full-page screenshots go to tests/artifacts/browser/). Every page of the bundled site is scanned
with axe and watched for requests too, on a desktop and a phone screen; on a phone each stage page shows
"Documents to print" on its first screen. Each check runs twice: the site served over http from
127.0.0.1, and opened from file:// as a school's downloaded copy is.

Needs /usr/bin/chromium (Debian's chromium package; `playwright install` cannot download here); axe-core
is kept in tests/vendor/axe-core, so nothing is fetched. Without Chromium these tests are skipped,
except under CI, where they fail.
"""

from __future__ import annotations

import functools
import html
import shutil
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .browser import (
    ARTIFACTS,
    AXE_VERSION,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    LINKS_JS,
    PHONE,
    Axe,
    Fetcher,
    Recorder,
    Site,
    Visit,
    open_site,
    require_chromium,
    require_module,
    screenshot_path,
    survey,
)

pytestmark = pytest.mark.slow  # every test drives Chromium over a built site

VARIANTS = ["http", "file"]
# A questionnaire item of each site, and a word of it to type into the search box.
MINI_ITEM = ("Staff are kind to one another.", "kind")
BUNDLED_ITEM = ("Laughter, play and enjoyment are woven into the character of the school.", "laughter")
WELSH_ITEM = ("Mae pobl yma'n trin ei gilydd â pharch a charedigrwydd, ac maen nhw'n barod i helpu.", "charedigrwydd")
FAILING_IMPACTS = ("serious", "critical")
MATERIAL_LATE_REQUESTS = ("/search/search_index.json", "/assets/javascripts/workers/", "/assets/javascripts/lunr/")


# --- fixtures: one browser for the whole run, one context and one survey per site and variant -----------

@pytest.fixture(scope="session")
def browser():
    require_module("playwright", "playwright")
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@contextmanager
def browsing(browser, site: Site, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, service_workers="block")
    context.set_default_timeout(15_000)
    try:
        yield context, Recorder(context, site)
    finally:
        context.close()


@dataclass
class Session:
    """One site in one variant, in its own browser context, with every page already visited."""
    name: str  # e.g. "mini-http"
    site: Site
    context: object
    recorder: Recorder
    visits: dict[str, Visit]


@contextmanager
def session_for(browser, axe, name, root, variant, viewport=DESKTOP):
    with open_site(root, variant) as site, browsing(browser, site, viewport) as (context, recorder):
        screen = "" if viewport is DESKTOP else "-phone"
        yield Session(f"{name}-{variant}{screen}", site, context, recorder, survey(context, recorder, site, axe))


@pytest.fixture(scope="module", params=VARIANTS)
def mini(request, browser, axe, mini_build):
    with session_for(browser, axe, "mini", mini_build / "site", request.param) as session:
        yield session


@pytest.fixture(scope="module", params=VARIANTS)
def bundled(request, browser, axe, bundled_build):
    """The bundled site over each transport; axe-core scans the copy opened from disk, as schools open a
    downloaded site (the pages are the same files over http, and a third axe pass of about 60 pages
    cost 20-35 s; the tiny site is scanned over both)."""
    scanner = axe if request.param == "file" else None
    with session_for(browser, scanner, "bundled", bundled_build / "site", request.param) as session:
        yield session


@pytest.fixture(scope="module")
def bundled_phone(browser, axe, bundled_build):
    """The bundled site on a phone screen, opened from disk as a school's downloaded copy is."""
    with session_for(browser, axe, "bundled", bundled_build / "site", "file", PHONE) as session:
        yield session


# --- checks shared by both sites ----------------------------------------------------------------------

def load_problems(session: Session) -> list[str]:
    problems = []
    for name, visit in session.visits.items():
        problems += [f"{name}: {p}" for p in ([visit.error] if visit.error else []) + visit.console]
        problems += [f"{name}: request failed: {p}" for p in visit.failed]
    return problems


def request_problems(session: Session) -> list[str]:
    problems = []
    for name, visit in session.visits.items():
        problems += [f"{name}: requested {url}" for url in visit.requests if not session.site.allows(url)]
        # Material's search worker and its index may still be on their way when axe starts: they are the
        # page's own requests, whatever moment they arrive.
        problems += [f"{name}: axe-core requested {url}" for url in visit.axe_requests
                     if not any(part in url for part in MATERIAL_LATE_REQUESTS)]
    return problems


def axe_report(session: Session) -> tuple[list[str], list[str]]:
    """(serious or critical violations, the others): per page and rule a line, then one per element."""
    failing, others = [], []
    for name, visit in session.visits.items():
        if visit.axe is None:
            failing.append(f"{name}: not scanned ({visit.error})")
            continue
        for violation in visit.axe["violations"]:
            tags = ", ".join(t for t in violation["tags"] if t.startswith("wcag"))
            lines = [(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} [{tags}] "
                      f"{violation['helpUrl'].split('?')[0]}")]
            for node in violation["nodes"]:
                why = " / ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:3])
                lines.append(f"    {' '.join(map(str, node['target']))}: {' '.join(node['html'].split())[:160]}\n"
                             f"        {why}")
            aaa_only = "wcag2aaa" in violation["tags"] and not any(
                t in violation["tags"] for t in ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"))
            if aaa_only:  # reported with the others: the site's target is WCAG 2.2 AA
                lines[0] += " (AAA: reported, not failed)"
            (failing if violation["impact"] in FAILING_IMPACTS and not aaa_only else others).extend(lines)
    return failing, others


def assert_no_serious_violations(session: Session) -> None:
    assert session.visits
    failing, others = axe_report(session)
    message = f"axe-core {AXE_VERSION} on {session.name}, serious or critical:\n" + "\n".join(failing)
    if others:
        message += "\n\nand less severe:\n" + "\n".join(others)
    assert not failing, message
    if others:
        print(message)


def search_finds(session: Session, item: str, word: str, start: str = "index.html") -> None:
    """Type a word of a questionnaire item into Material's search box, as a reader would, and check
    the results lead to the page that shows the item, with the word highlighted."""
    site = session.site
    edition = start.rpartition("/")[0]
    shown_on = [p for p in site.pages if html.escape(item, quote=False) in (site.root / p).read_text("utf-8")
                and p.startswith(edition)]
    assert shown_on, f"no page of {session.name} shows {item!r}"
    page = session.recorder.attach(session.context.new_page())
    with session.recorder.recording(Visit("search", site.url(start))) as visit, closing(page):
        page.goto(visit.url)
        session.recorder.settle(page)
        box = page.locator("input.md-search__input")
        box.click()
        # The whole word at once, then a key release, which is when Material searches: typed letter
        # by letter it would search for each prefix in turn, and the list read below could be one of them.
        box.fill(word)
        box.press("End")
        # Each result link carries the terms it matched (h=...), so this waits for the word's own results.
        page.locator(f".md-search-result__item a[href*='h={word}']").first.wait_for()
        # One atomic read: Material re-renders the list as results arrive, so per-element locators can go stale.
        results = [(href or "", " ".join(text.split())) for href, text in page.locator(".md-search-result__item a")
                   .evaluate_all("links => links.map(a => [a.getAttribute('href'), a.innerText])")]
        listed = "\n".join(f"  {href} | {text[:100]}" for href, text in results)
        hits = [href for href, text in results if item in text and site.within(href)]
        assert hits, f"searching {word!r} on {session.name} did not list {item!r}; results:\n{listed}"
        assert site.page_of(hits[0]) in shown_on, f"{hits[0]} is not one of {shown_on}; results:\n{listed}"
        with page.expect_navigation():
            page.locator(".md-search-result__item a").filter(has_text=item).first.click()
        assert site.page_of(page.url) in shown_on, page.url
        session.recorder.settle(page)  # the highlighter runs once the page has fetched the search index
        assert page.get_by_text(item).first.is_visible()
        marked = page.locator("article mark", has_text=word).first
        marked.wait_for(timeout=10_000)  # raises if search.highlight never marks the word
    assert not visit.console + visit.failed, visit.console + visit.failed
    assert all(site.allows(url) for url in visit.requests), visit.requests


# --- the mini site: every check on every page -------------------------------------------------------

def test_every_page_loads_without_console_errors(mini):
    assert len(mini.visits) >= 8, sorted(mini.visits)
    problems = load_problems(mini)
    assert not problems, f"{mini.name}:\n" + "\n".join(problems)


def test_no_request_leaves_the_site(mini):
    """Only the site itself is requested (http: http://127.0.0.1:PORT/ only; file://: only file: URLs),
    by the pages, their frames, Material's search worker and axe-core alike."""
    assert all(visit.requests for visit in mini.visits.values())
    problems = request_problems(mini)
    assert not problems, f"{mini.name}:\n" + "\n".join(problems)


def test_the_request_watch_catches_and_stops_outside_requests(mini):
    """The checks above are only as good as the watch: requests aimed off the site (a fetch, an image,
    and over http a worker's fetch) are each recorded and aborted at once, not left to time out. From
    file:// Material's shim replaces Worker with an iframe, whose requests are the page's own."""
    probes = {"https://cdn.example.invalid/lib.js": "fetch(target).catch(() => {})",
              "http://127.0.0.1:9/elsewhere.png": "new Image().src = target"}
    if mini.site.variant == "http":
        probes["https://worker.example.invalid/x"] = (
            "new Worker(URL.createObjectURL(new Blob([`fetch('${target}').catch(() => {})`])))")
    page = mini.recorder.attach(mini.context.new_page())
    with mini.recorder.recording(Visit("probe", mini.site.url("index.html"))) as visit, closing(page):
        page.goto(visit.url)
        mini.recorder.settle(page)
        for url, code in probes.items():
            page.evaluate(f"target => {{ {code}; }}", url)
        # Wait for each probe to be refused, not for a quiet spell: under load a worker can start
        # its fetch well after the page's own probes have failed.
        deadline = time.monotonic() + 15
        while not all(any(f.startswith(url) for f in visit.failed) for url in probes) and time.monotonic() < deadline:
            page.wait_for_timeout(25)
        mini.recorder.settle(page, timeout=3)
    outside = {url for url in visit.requests if not mini.site.allows(url)}
    assert outside == set(probes), visit.requests
    assert all(any(f.startswith(url) for f in visit.failed) for url in outside), visit.failed


def test_every_link_and_download_resolves(mini):
    """Each href and src on each page, as the browser resolved it, is followed: in-site targets exist
    (over http: answer 200), PDFs start with %PDF-, #fragments name an element of their page, and
    every linked page is itself one of the pages checked here."""
    site, fetcher = mini.site, Fetcher(mini.context, mini.site)
    problems, followed, pdfs = [], 0, set()
    for name, visit in mini.visits.items():
        for tag, raw, url in visit.links:
            if not site.within(url):
                if site.variant == "file" and url.startswith("file:"):
                    problems.append(f"{name}: <{tag}> {raw} -> {url}: outside the site folder")
                continue  # https://... and mailto: links are for the reader to follow
            problem = fetcher.check(url)
            target = site.page_of(url)
            if not problem and target.endswith(".html") and target not in mini.visits:
                problem = "links to a page that is not checked here"
            if problem:
                problems.append(f"{name}: <{tag}> {raw} -> {url}: {problem}")
            followed += 1
            if target.endswith(".pdf"):
                pdfs.add(target)
    assert not problems, f"{mini.name}:\n" + "\n".join(problems)
    assert followed > 100 and len(pdfs) >= 20, (followed, len(pdfs))


def test_search_finds_a_questionnaire_item(mini):
    search_finds(mini, *MINI_ITEM)


def test_no_serious_accessibility_violations(mini, axe):
    assert_no_serious_violations(mini)


def test_footer_text_has_enough_contrast(mini, axe):
    """Stock Material 9.8.1 footer text is 4.47:1; templates/site/brand.css.j2 must lift it to 4.5:1."""
    with closing(mini.context.new_page()) as page:
        page.goto(mini.site.url("index.html"))
        mini.recorder.settle(page)
        options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "preload": False}
        result = axe.run(page, context=".md-footer-meta", options=options)
    checked = [" ".join(map(str, node["target"])) for rule in result["passes"] for node in rule["nodes"]]
    assert not result["violations"], [(node["target"], node["failureSummary"])
                                       for rule in result["violations"] for node in rule["nodes"]]
    assert any("md-copyright" in target for target in checked), checked


def test_pages_fit_a_phone_screen(mini, browser):
    """At 390 px wide no page scrolls sideways; a full-page screenshot of each is kept to look at."""
    site = mini.site
    shutil.rmtree(ARTIFACTS / mini.name, ignore_errors=True)
    problems = []
    with browsing(browser, site, PHONE) as (context, recorder), closing(context.new_page()) as page:
        for name in site.pages:
            page.goto(site.url(name))
            recorder.settle(page)
            scroll_width, inner_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]")
            shot = screenshot_path(mini.name, name)
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            if inner_width != PHONE["width"] or scroll_width > inner_width + 1:
                problems.append(f"{name}: {scroll_width} px wide in a {inner_width} px window; too wide: "
                                f"{page.evaluate(WIDE_ELEMENTS_JS)} (screenshot {shot})")
    assert not problems, f"{mini.name}:\n" + "\n".join(problems)


# The outermost elements sticking out past the right edge (those inside a box that scrolls or clips
# sideways, like Material's table wrapper, do not widen the page), to say what breaks the layout.
WIDE_ELEMENTS_JS = """() => {
    const clipped = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        return false;
    };
    const wide = e => e.getBoundingClientRect().right > innerWidth + 1 && !clipped(e);
    return Array.from(document.querySelectorAll('body *'))
        .filter(e => wide(e) && !(e.parentElement && e.parentElement !== document.body && wide(e.parentElement)))
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (typeof e.className === 'string' && e.className.trim()
                     ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
}"""


def test_axe_is_the_current_one_with_every_rule_on(mini):
    """The scans above ran the kept axe-core with every one of its rules, those axe leaves off by
    default included; WCAG AAA findings are reported, not failed (the site's target is AA)."""
    for name, visit in mini.visits.items():
        assert visit.axe is not None, (name, visit.error)
        assert visit.axe["testEngine"]["version"] == AXE_VERSION, name
        assert "runOnly" not in visit.axe["toolOptions"], name
        rules = visit.axe["toolOptions"]["rules"]
        off = {rule for rule, setting in rules.items() if not setting["enabled"]}
        assert len(rules) > 100 and not off, (name, off)
        assert rules["target-size"]["enabled"] and rules["region"]["enabled"], name


# The element with focus where every transition it started (a drawer sliding in) ends: each running
# transition is taken to its end state at once, rather than waited out on every Tab press (waiting was
# most of this test's time: a link's colour and the search box's width fade for a quarter second).
FOCUSED_BOX_JS = """async () => {
    for (let round = 0; round < 10 && document.getAnimations().length; round++)
        for (const animation of document.getAnimations())
            try { animation.finish(); } catch (endless) { animation.cancel(); }
    await new Promise(requestAnimationFrame);
    const e = document.activeElement, box = e.getBoundingClientRect();
    return [e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''),
            box.left, box.top, box.width, box.height, innerWidth, innerHeight];
}"""
TAB_STOPS = 40  # past the header, the search box and into the navigation on every page


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_tab_stop_is_seen(mini, browser, screen):
    """Pressing Tab from the top of each page, every element that takes focus has a size and lies on
    the screen: Material's search results box (0 px high until search opens) and, on a phone, the
    navigation drawer's links (off the left edge until it opens) were Tab stops no one could see."""
    site, problems = mini.site, []
    with browsing(browser, site, screen) as (context, recorder), closing(context.new_page()) as page:
        for name in site.pages:
            page.goto(site.url(name))
            recorder.settle(page)
            for stop in range(1, TAB_STOPS + 1):
                page.keyboard.press("Tab")
                what, left, top, width, height, right_edge, bottom_edge = page.evaluate(FOCUSED_BOX_JS)
                if width < 1 or height < 1 or left + width <= 0 or top + height <= 0 or left >= right_edge \
                        or top >= bottom_edge:
                    problems.append(f"{name}: Tab stop {stop}, {what}: {width:.0f}x{height:.0f} px at "
                                    f"({left:.0f}, {top:.0f}) in a {right_edge}x{bottom_edge} window")
    assert not problems, f"{mini.name}:\n" + "\n".join(problems)


def test_search_dialog_is_named_in_the_sites_words(mini):
    """The search dialog has a name, the theme's own word for search in the site's language: the one
    Material gives the search options beside it (no English assumed here)."""
    with closing(mini.context.new_page()) as page:
        page.goto(mini.site.url("index.html"))
        mini.recorder.settle(page)
        word = page.locator(".md-search__options").get_attribute("aria-label")
        assert word
        assert page.get_by_role("dialog", name=word, exact=True).count() == 1


class _MissingPagesShow404(SimpleHTTPRequestHandler):
    """A web host as schools' publishers use (GitHub Pages, Netlify): a missing address in any folder
    is answered with the site's 404.html."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def test_404_page_works_from_disk_and_from_a_host(mini, mini_build):
    """404.html opened from the downloaded folder loads its styles and scripts and links within the
    folder (the surveys above visit it from file:// too); a host that shows it for a missing page in a
    sub-folder gets it styled and whole as well."""
    if mini.site.variant == "file":
        visit = mini.visits["404.html"]
        links = [url for tag, raw, url in visit.links if url.startswith("file:")]
        assert links and all(mini.site.within(url) for url in links), links
        assert not visit.failed and not visit.console, visit.failed + visit.console
        return
    root = mini_build / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_MissingPagesShow404, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        site = Site(root, "http", base)
        with browsing(mini.context.browser, site) as (context, recorder), closing(context.new_page()) as page:
            recorder.attach(page)
            with recorder.recording(Visit("missing", base + "mini/no-such-page.html")) as visit:
                page.goto(visit.url)
                recorder.settle(page)
                styled = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position")
            links = [url for _, _, url in page.evaluate(LINKS_JS)]
    finally:
        server.shutdown()
        server.server_close()
    # Chromium's preload scanner asks for the stylesheets relative to the missing page before the
    # page's script sets the base; those requests fail, but the page is styled and its links are right.
    assert styled == "sticky", (styled, visit.failed)
    assert all(url.startswith(base) and "/mini/assets/" not in url for url in links if url.startswith("http://127"))


# --- the bundled site: every page scanned and watched --------------------------------------------------

def test_bundled_pages_load_without_console_errors(bundled):
    assert len(bundled.visits) >= 15, sorted(bundled.visits)
    problems = load_problems(bundled)
    assert not problems, f"{bundled.name}:\n" + "\n".join(problems)


def test_bundled_site_requests_nothing_outside(bundled):
    assert all(visit.requests for visit in bundled.visits.values())
    problems = request_problems(bundled)
    assert not problems, f"{bundled.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("bundled", ["file"], indirect=True)
def test_bundled_site_has_no_serious_accessibility_violations(bundled):
    assert_no_serious_violations(bundled)  # a page not scanned fails there


def test_bundled_search_finds_a_questionnaire_item(bundled):
    search_finds(bundled, *BUNDLED_ITEM)


def test_the_welsh_edition_searches_its_own_pages(bundled):
    """Search in the Welsh edition finds a Welsh statement on a Welsh page (Material has no Welsh
    stemmer, so words are matched as written)."""
    search_finds(bundled, *WELSH_ITEM, start="cy/index.html")


def test_bundled_site_on_a_phone_has_no_serious_accessibility_violations(bundled_phone):
    assert_no_serious_violations(bundled_phone)


def test_documents_to_print_on_a_stage_pages_first_screen(bundled_phone, browser):
    """On a phone, each stage page's "Documents to print" table starts on the first screen, before
    the task lists: printing is what a school came for. A screenshot of each is kept to look at."""
    site, problems, measured = bundled_phone.site, [], []
    stages = [p for p in site.pages if "/stage-" in p]
    assert len(stages) >= 10, stages
    with browsing(browser, site, PHONE) as (context, recorder), closing(context.new_page()) as page:
        for name in stages:
            page.goto(site.url(name))
            recorder.settle(page)
            heading = page.locator("h2#documents-to-print")
            top = heading.evaluate("h => h.getBoundingClientRect().top + scrollY")
            tasks = page.locator("h2#tasks-by-role").evaluate("h => h.getBoundingClientRect().top + scrollY")
            shot = screenshot_path(bundled_phone.name, name)
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
            measured.append(f"{name}: {top:.0f} px")
            if top + 40 > PHONE["height"] or top > tasks:
                problems.append(f"{name}: 'Documents to print' at {top:.0f} px, tasks at {tasks:.0f} px ({shot})")
    print("\n".join(measured))
    assert not problems, "\n".join(problems)
