"""site_config.yml is checked like content: its strings never become HTML, and the logo it names
is a small image file inside the project, read once.

Each test is one case of the audit of issue 11 (or a close relative); each fails if its protection
is taken away. Settings problems are reported by ``check`` as well as ``build``, at the setting's
line and column, and nothing is written.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import threading
import zipfile
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from auditpack import logo as logo_module
from auditpack import pipeline
from auditpack.cli import main
from auditpack.collate.readers import Target, read_inputs
from auditpack.collate.report import render_report
from auditpack.collate.tally import Rules, collate
from auditpack.config import SiteConfig
from auditpack.render.renderer import Renderer
from auditpack.template_folders import TemplateFolders

from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text
from .test_collate_filling import RESPONSES, mini_content


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def png(width: int = 40, height: int = 20, colour=(29, 79, 115), padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    data = buffer.getvalue()
    if padding:  # an ancillary chunk PNG readers skip: a real PNG of the size wanted
        import struct
        import zlib
        body = b"auDt" + bytes(padding)
        chunk = struct.pack(">I", padding) + body + struct.pack(">I", zlib.crc32(body))
        data = data[:33] + chunk + data[33:]
    return data


def with_logo(project: Path, logo: str) -> Path:
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"brand:\n  logo: {logo}\n", encoding="utf-8")
    return config


def assert_refused_at_logo(project: Path, config: Path, message: str, command: tuple = ("check",)) -> str:
    """The command stops at the logo setting, with its file, line and column, and writes nothing."""
    code, _, stderr = run_cli(*command, "--project", str(project))
    line = config.read_text(encoding="utf-8").split("\n").index(next(
        row for row in config.read_text(encoding="utf-8").split("\n") if row.strip().startswith("logo:"))) + 1
    assert code == 1, stderr
    assert f"{config}:{line}:3: setting 'brand.logo': {message}" in stderr, stderr
    assert "Traceback" not in stderr
    assert not (project / "site").exists() and not (project / "schools").exists()
    return stderr


# --- A: the logo ------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(FIXTURES / "mini", tmp_path / "mini")


@pytest.mark.parametrize("command", [("check",), ("build", "-q")])
def test_logo_linked_to_a_secret_file_is_refused(project, tmp_path, command):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png() + b"TOP-SECRET-7731")
    (project / "logo.png").symlink_to(secret)
    stderr = assert_refused_at_logo(project, with_logo(project, "logo.png"), "the logo, or a folder on its path, is "
                                    "a link", command)
    assert "TOP-SECRET" not in stderr


def test_logo_in_a_linked_folder_is_refused(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "logo.png").write_bytes(png())
    (project / "images").symlink_to(outside)
    assert_refused_at_logo(project, with_logo(project, "images/logo.png"),
                           "the logo, or a folder on its path, is a link")


@pytest.mark.parametrize("command", [("check",), ("build", "-q", "--school", "Hillside Primary")])
def test_logo_outside_the_project_is_refused(project, tmp_path, command):
    """``../x.png`` was read from outside the project and embedded in every school's packs."""
    (tmp_path / "x.png").write_bytes(png())
    assert_refused_at_logo(project, with_logo(project, "../x.png"),
                           "not a plain path inside the project folder", command)


def test_logo_that_does_not_exist_is_reported_by_check(project):
    assert_refused_at_logo(project, with_logo(project, "images/logo.png"),
                           "the logo file does not exist")


def test_logo_too_large_is_refused(project):
    """A 50 MB logo made a 388 MB site (the logo, its copy in the zip, and one in every PDF)."""
    (project / "logo.png").write_bytes(png(padding=logo_module.MAX_BYTES))
    assert_refused_at_logo(project, with_logo(project, "logo.png"), "the logo file is too large (1,000,")


def test_logo_of_huge_dimensions_is_refused(project):
    """A few kilobytes of PNG can unpack to gigabytes of pixels when the PDF is made."""
    (project / "logo.png").write_bytes(png(width=logo_module.MAX_PIXELS + 1, height=2))
    assert_refused_at_logo(project, with_logo(project, "logo.png"), "the logo is 4,001 \u00d7 2 pixels")


@pytest.mark.parametrize("data", [b"just some text\n", b"GIF89a\x01\x00\x01\x00", b"\x89PNG\r\n\x1a\nbroken"])
def test_logo_that_is_not_an_image_is_refused_by_its_content(project, data):
    (project / "logo.png").write_bytes(data)
    assert_refused_at_logo(project, with_logo(project, "logo.png"), "the logo ")


def test_logo_that_is_a_pipe_is_refused_without_waiting(project):
    os.mkfifo(project / "logo.png")
    assert_refused_at_logo(project, with_logo(project, "logo.png"), "the logo is not a regular file")


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
ACTIVE_SVG = {
    "script": ("<script>alert(1)</script>", "a <script> element"),
    "event handler": ('<rect width="4" height="4" onclick="alert(1)"/>', "an event handler (onclick)"),
    "foreignObject": ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
                      "a <foreignObject> element"),
    "html": ('<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="http://127.0.0.1/"/>', "HTML (<iframe>)"),
    "external image": ('<image href="http://127.0.0.1:9/x.png" width="4" height="4"/>',
                       "a link to 'http://127.0.0.1:9/x.png'"),
    "file image": ('<image xlink:href="file:///etc/passwd"/>', "a link to 'file:///etc/passwd'"),
    "external use": ('<use href="http://127.0.0.1:9/s.svg#a"/>', "a link to 'http://127.0.0.1:9/s.svg#a'"),
    "link": ('<a href="javascript:alert(1)"><rect width="4" height="4"/></a>', "a <a> element"),
    "animation": ('<set attributeName="href" to="javascript:alert(1)"/>', "a <set> element"),
    "css url": ('<rect style="fill: url(http://127.0.0.1:9/f)" width="4" height="4"/>',
                "a link to 'http://127.0.0.1:9/f' in CSS"),
    "escaped css url": ('<rect style="fill: u\\72l(http://127.0.0.1:9/f)" width="4" height="4"/>',
                        "a link to 'http://127.0.0.1:9/f' in CSS"),
    "css import": ("<style>@import 'http://127.0.0.1:9/x.css';</style>", "an @import in CSS"),
    "fill url": ('<rect fill="url(\'http://127.0.0.1:9/g\')" width="4" height="4"/>', "a url() in CSS"),
}


@pytest.mark.parametrize("case", sorted(ACTIVE_SVG))
def test_svg_logo_with_active_content_is_refused(project, case):
    """An SVG with a script was published as it was, and opened from the site it runs."""
    body, found = ACTIVE_SVG[case]
    (project / "logo.svg").write_text(f"{SVG_OPEN}{body}</svg>", encoding="utf-8")
    stderr = assert_refused_at_logo(project, with_logo(project, "logo.svg"), "the SVG logo holds ")
    assert found in stderr


@pytest.mark.parametrize("prologue, message", [
    ('<?xml-stylesheet href="http://127.0.0.1:9/x.css"?>', "a processing instruction <?xml-stylesheet?>"),
    ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>', "an entity declaration (a)"),
])
def test_svg_logo_with_instructions_or_entities_is_refused(project, prologue, message):
    (project / "logo.svg").write_text(f'<?xml version="1.0"?>{prologue}{SVG_OPEN}</svg>', encoding="utf-8")
    stderr = assert_refused_at_logo(project, with_logo(project, "logo.svg"), "the SVG logo holds ")
    assert message in stderr


PLAIN_SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="120" height="40" viewBox="0 0 120 40">
  <title>Trust logo</title>
  <sodipodi:namedview id="base" inkscape:zoom="1"/>
  <style>.mark { fill: url(#shade); font-family: "Atkinson Hyperlegible"; }</style>
  <defs><linearGradient id="shade"><stop offset="0" stop-color="#1d4f73"/><stop offset="1" stop-color="#0b2a40"/>
  </linearGradient><symbol id="dot"><circle cx="5" cy="5" r="5"/></symbol></defs>
  <rect class="mark" width="30" height="30" transform="translate(5 5)" style="stroke: #000; stroke-width: 1"/>
  <use xlink:href="#dot" x="40" y="10"/><text x="60" y="25" fill="url(#shade)">Trust</text>
</svg>
"""


def test_plain_svg_logo_is_accepted(project):
    """A drawing as Inkscape saves it passes: metadata, a DOCTYPE without declarations, local references."""
    (project / "logo.svg").write_text(PLAIN_SVG, encoding="utf-8")
    with_logo(project, "logo.svg")
    code, _, stderr = run_cli("check", "--project", str(project))
    assert code == 0, stderr
    assert pipeline.Project.open(project).logo.kind == "svg"


@pytest.mark.slow
def test_logo_is_read_once_and_the_same_bytes_go_to_the_site_and_the_pdfs(project):
    """The logo named in the settings is read when they are, once: what the site publishes and what
    the PDFs embed are those bytes, even if the file changes while the build runs."""
    original = png(width=64, height=32, colour=(10, 60, 90))
    (project / "logo.png").write_bytes(original)
    with_logo(project, "logo.png")
    opened = pipeline.Project.open(project)
    (project / "logo.png").write_bytes(png(width=8, height=8, colour=(200, 0, 0)))  # after the settings were read
    pipeline.build(opened)
    site = project / "site"
    assert (site / "assets" / "logo.png").read_bytes() == original
    with zipfile.ZipFile(next(site.glob("*.zip"))) as archive:
        assert archive.read("assets/logo.png") == original
    assert 'src="assets/logo.png"' in (site / "index.html").read_text(encoding="utf-8")
    import pypdf
    cover = pypdf.PdfReader(site / "downloads" / "mini" / "mini-complete-pack.pdf").pages[0]
    assert [(image.image.size) for image in cover.images] == [(64, 32)]


# --- B: strings in the settings -------------------------------------------------------------

class Decoy:
    """A real HTTP server on the loopback address that counts what is asked of it."""

    def __init__(self):
        self.requests: list[str] = []
        decoy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                decoy.requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def decoy():
    server = Decoy()
    yield server
    server.close()


def hostile_strings(decoy_url: str) -> dict[str, str]:
    img = '<img src="' + decoy_url + '/{}.png">'
    return {
        "site_name": "Tom & Jerry's \"School\" <3 <script>alert('name')</script>" + img.format("name"),
        "site_description": 'Say "hi" & <b>bye</b> "><script>alert(\'description\')</script>' + img.format("desc"),
        "publisher": "A & B <i>Trust</i> \"><script>alert('publisher')</script>" + img.format("publisher"),
        "footer": "Tom & Jerry <3 \u00a9 2025 [Our trust](https://example.org/trust)"
                  "<script>alert('footer')</script>" + img.format("footer"),
    }


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, decoy) -> Path:
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("hostile-settings") / "mini")
    (project / "logo.png").write_bytes(png())
    import yaml
    settings = {**hostile_strings(decoy.url), "brand": {"logo": "logo.png"}}
    (project / "site_config.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert code == 0, stderr
    return project


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: list[str] = []
        self.copyright = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag if tag != "div" or dict(attrs).get("class") != "md-copyright__highlight" else "copyright")

    def handle_endtag(self, tag):
        while self._in and self._in.pop() not in (tag, "copyright" if tag == "div" else tag):
            pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        if self._in and self._in[-1] == "title":
            self.title += data
        if "copyright" in self._in:
            self.copyright += data


def parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def site_pages(project: Path) -> list[Path]:
    return sorted((project / "site").rglob("*.html"))


@pytest.mark.slow
def test_no_setting_becomes_a_script_or_an_element(hostile_site, decoy):
    for path in site_pages(hostile_site):
        page = parsed(path)
        assert not [s for s in page.scripts if "alert" in s], path
        assert not [t for t, a in page.tags if any(v and decoy.url in v for v in a.values())], path
        assert not [(t, a) for t, a in page.tags if any(name.startswith("on") for name in a)], path


@pytest.mark.slow
def test_settings_show_as_the_text_written(hostile_site):
    page = parsed(hostile_site / "site" / "index.html")
    assert page.title.strip() == "Tom & Jerry's \u201cSchool\u201d \u20393"
    meta = {a.get("name"): a for t, a in page.tags if t == "meta" and a.get("name")}
    assert meta["description"] == {"name": "description", "content": "Say \u201chi\u201d & bye \u201c\u203a"}
    assert meta["author"] == {"name": "author", "content": "A & B Trust \u201c\u203a"}
    logo_link = next(a for t, a in page.tags if t == "a" and "md-logo" in (a.get("class") or ""))
    assert logo_link["aria-label"] == logo_link["title"] == "Tom & Jerry's \u201cSchool\u201d \u20393"


@pytest.mark.slow
def test_footer_is_inline_markdown_cleaned_like_content(hostile_site):
    page = parsed(hostile_site / "site" / "index.html")
    assert " ".join(page.copyright.split()) == "Tom & Jerry <3 \u00a9 2025 Our trust"
    links = [a for t, a in page.tags if t == "a" and a.get("href") == "https://example.org/trust"]
    assert links and links[0].get("rel") == "noopener noreferrer"


@pytest.mark.slow
def test_pdfs_show_the_footer_as_text(hostile_site):
    text = all_text(hostile_site / "site" / "downloads" / "mini" / "mini-complete-pack.pdf")
    assert "Tom & Jerry <3 \u00a9 2025 Our trust" in text
    assert "alert" not in text and "<script" not in text and "<img" not in text


@pytest.mark.slow
def test_collation_report_shows_the_footer_as_text(tmp_path, decoy):
    content = mini_content()
    target = Target(content, content.questionnaire("wellbeing"))
    collation = collate(target, read_inputs([RESPONSES], target), Rules())
    config = SiteConfig(**hostile_strings(decoy.url))
    files = render_report(collation, Renderer(TemplateFolders(), config, pipeline.build_date([content])))
    html = files["collation-report.html"]
    assert "alert" not in html and decoy.url not in html
    assert re.search(r"Tom &amp; Jerry &lt;3 \u00a9 2025 "
                     r"<a href=\"https://example.org/trust\"[^>]*>Our trust</a>", html)
    (tmp_path / "report.pdf").write_bytes(files["collation-report.pdf"])
    text = all_text(tmp_path / "report.pdf")
    assert "Tom & Jerry <3 \u00a9 2025 Our trust" in text and "alert" not in text


def _open_every_page(browser, pages: list[str]) -> list[str]:
    """Open each page from file:// as a school's downloaded copy is, until the network is idle;
    every request any page makes is recorded."""
    context = browser.new_context()
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    try:
        for url in pages:
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return asked


@pytest.mark.slow
def test_an_image_in_the_settings_is_never_fetched(chromium, hostile_site, decoy):
    """An <img> in the footer was fetched from a loopback server by every page of the site."""
    pages = [path.as_uri() for path in site_pages(hostile_site)]
    asked = chromium.run(_open_every_page, pages)
    assert len(asked) > len(pages)  # the pages, their stylesheets and scripts were loaded
    assert not [url for url in asked if url.startswith(decoy.url)], asked
    assert decoy.requests == []


# --- D: settings that passed check and failed the build ------------------------------------------

def test_check_reports_an_unknown_language_with_its_line_and_a_suggestion(project):
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "language: eng\n", encoding="utf-8")
    code, _, stderr = run_cli("check", "--project", str(project))
    assert code == 1 and f"{config}:3:1: setting 'language': the site cannot be built in this language" in stderr
    assert "hint: did you mean 'en'?" in stderr and "Traceback" not in stderr


@functools.cache
def _material_languages() -> list[str]:
    import material
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    return sorted(p.stem for p in folder.glob("*.html"))


def test_every_language_the_theme_has_is_accepted_and_no_other(tmp_path):
    from auditpack.config import site_languages

    assert list(site_languages()) == _material_languages() and "cy" in site_languages()
    for language in ("xx", "en-GB", "EN", "", "../en"):
        config = tmp_path / "site_config.yml"
        config.write_text(f"language: '{language}'\n", encoding="utf-8")
        code, _, stderr = run_cli("check", "--project", str(tmp_path))
        assert code == 1 and "setting 'language'" in stderr, (language, stderr)
