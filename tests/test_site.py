"""The built site: every link and download resolves, nothing is fetched from the network,
and the generated project builds with stock MkDocs too."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append((tag, name, value))


def links_in(page: Path) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def site(mini_build) -> Path:
    return mini_build / "site"


def test_every_local_link_and_download_resolves(site):
    checked = 0
    for page in site_pages(site):
        for _tag, _, value in links_in(page):
            parts = urlsplit(value)
            if parts.scheme or value.startswith(("#", "mailto:")) or not parts.path:
                continue
            base = site if parts.path.startswith("/") else page.parent  # 404.html links from the root
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: {value} does not resolve"
            if target.suffix == ".pdf":
                assert target.read_bytes()[:5] == b"%PDF-"
            checked += 1
    assert checked > 100


def test_stage_pages_link_every_stage_document(site):
    page = (site / "mini" / "stage-2-gather.html").read_text(encoding="utf-8")
    for name in ("response-form", "group-recording", "collation", "audit-timetable", "action-plan",
                 "research-notes-ethos", "short-report-voice"):
        assert f'href="../downloads/mini/stage-2-gather/{name}.pdf"' in page
    assert re.search(r"\(PDF, \d+ pages?, \d+ KB\)", page)


def test_no_page_refers_to_the_network(site):
    """Scripts, styles, fonts and images all come from the site itself (no Google Fonts, no CDN)."""
    for page in site_pages(site):
        for tag, attr, value in links_in(page):
            if tag in ("script", "link", "img", "iframe", "source") and attr in ("src", "href"):
                assert not urlsplit(value).scheme, f"{page.name}: <{tag} {attr}={value}>"
    for sheet in site.rglob("*.css"):
        assert "fonts.googleapis" not in sheet.read_text(encoding="utf-8")


def test_the_theme_s_source_maps_are_left_out_but_its_scripts_are_kept(site):
    """Source maps are for developers' browser tools; schools would download 1.3 MB of them."""
    assert not list(site.rglob("*.map"))
    assert list((site / "assets" / "javascripts").glob("bundle.*.min.js"))


def test_search_index_holds_questionnaire_items(site):
    index = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert "Staff are kind to one another" in index


def test_search_shows_statements_of_the_answer_page_without_its_answer_buttons(site):
    """A result for a statement quotes the statement, not every scale label printed beneath it."""
    import json

    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    [entry] = [d for d in docs if d["location"].startswith("mini/answer-") and "kind to one another" in d["text"]]
    assert "Not yet" not in entry["text"] and "How well are we doing?" not in entry["text"]


def test_generated_project_builds_with_stock_mkdocs(mini_build, tmp_path):
    """The Markdown plus mkdocs.yml are a plain MkDocs project: the engine can be swapped later."""
    config = mini_build / "build" / "mkdocs" / "mkdocs.yml"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mini" / "stage-1-prepare.html").is_file()
    assert (tmp_path / "downloads" / "mini" / "mini-complete-pack.pdf").is_file()


def test_the_search_partial_is_materials_with_the_dialog_named():
    """auditpack's search partial is the installed Material's, the dialog's name added and nothing else,
    so a Material upgrade that changes its partial fails here instead of being hidden by the copy."""
    import material

    from auditpack.site import THEME
    from auditpack.template_folders import PACKAGED

    ours = (PACKAGED / THEME / "partials" / "search.html").read_text(encoding="utf-8")
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(encoding="utf-8")
    body = ours[ours.index("-#}") + 3:]
    named = '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">'
    assert named in body
    assert body.replace(named, '<div class="md-search" data-md-component="search" role="dialog">') \
        == theirs[theirs.index("-#}") + 3:]
