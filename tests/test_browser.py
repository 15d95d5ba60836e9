"""The built site in a real browser, headless Chromium driven by Playwright.

Every page of the mini site loads with no console error and no request leaving the machine, every
link and download on it resolves, search finds a questionnaire item, axe-core finds no serious or
critical WCAG 2.2 AA violation, and each page fits a 390 px phone screen without scrolling sideways
(full-page screenshots go to tests/artifacts/browser/). Every page of the bundled site is scanned
with axe and watched for requests too. Each check runs twice: the site served over http from
127.0.0.1, and opened from file:// as a school's downloaded copy is.

Needs /usr/bin/chromium (Debian's chromium package; `playwright install` cannot download here) and
axe-playwright-python (which carries axe-core, so nothing is fetched). Without them these tests are
skipped, except under CI, where they fail.
"""

from __future__ import annotations

import html
import shutil
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass

import pytest

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    WCAG_TAGS,
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


def load_axe():
    """axe-core, if installed; the surveys work without it and the axe tests say what is missing."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return None
    return Axe()


@pytest.fixture
def axe():
    require_module("axe_playwright_python", "axe-playwright-python")
    return load_axe()


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
def session_for(browser, name, root, variant):
    with open_site(root, variant) as site, browsing(browser, site) as (context, recorder):
        yield Session(f"{name}-{variant}", site, context, recorder, survey(context, recorder, site, load_axe()))


@pytest.fixture(scope="module", params=VARIANTS)
def mini(request, browser, mini_build):
    with session_for(browser, "mini", mini_build / "site", request.param) as session:
        yield session


@pytest.fixture(scope="module", params=VARIANTS)
def bundled(request, browser, bundled_build):
    with session_for(browser, "bundled", bundled_build / "site", request.param) as session:
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
            (failing if violation["impact"] in FAILING_IMPACTS else others).extend(lines)
    return failing, others


def assert_no_serious_violations(session: Session) -> None:
    assert session.visits
    failing, others = axe_report(session)
    message = f"axe-core ({', '.join(WCAG_TAGS)}) on {session.name}, serious or critical:\n" + "\n".join(failing)
    if others:
        message += "\n\nand less severe:\n" + "\n".join(others)
    assert not failing, message
    if others:
        print(message)


def search_finds(session: Session, item: str, word: str) -> None:
    """Type a word of a questionnaire item into Material's search box, as a reader would, and check
    the results lead to the page that shows the item, with the word highlighted."""
    site = session.site
    shown_on = [p for p in site.pages if html.escape(item, quote=False) in (site.root / p).read_text("utf-8")]
    assert shown_on, f"no page of {session.name} shows {item!r}"
    page = session.recorder.attach(session.context.new_page())
    with session.recorder.recording(Visit("search", site.url("index.html"))) as visit, closing(page):
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
        result = axe.run(page, context=".md-footer-meta", options=options).response
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


# --- the bundled site: every page scanned and watched --------------------------------------------------

def test_bundled_pages_load_without_console_errors(bundled):
    assert len(bundled.visits) >= 15, sorted(bundled.visits)
    problems = load_problems(bundled)
    assert not problems, f"{bundled.name}:\n" + "\n".join(problems)


def test_bundled_site_requests_nothing_outside(bundled):
    assert all(visit.requests for visit in bundled.visits.values())
    problems = request_problems(bundled)
    assert not problems, f"{bundled.name}:\n" + "\n".join(problems)


def test_bundled_site_has_no_serious_accessibility_violations(bundled, axe):
    assert_no_serious_violations(bundled)


def test_bundled_search_finds_a_questionnaire_item(bundled):
    search_finds(bundled, *BUNDLED_ITEM)
