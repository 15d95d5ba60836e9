"""Markup in content never reaches the site or the PDFs as markup.

Every payload in fixtures/hostile/markup.yml is put into the text fields of the mini programme,
the real pipeline builds it (MkDocs and WeasyPrint), and the output is read back: the site's
HTML parsed tag by tag, and every PDF's text, links, actions and attachments read with pypdf
and PDFium. The sanitiser itself is also tested alone, so a failure says which layer broke.
"""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pypdf
import pytest
import yaml

from auditpack import pipeline
from auditpack.load import load_yaml_file
from auditpack.render import safe
from auditpack.render.text import md, md_inline

from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text

PAYLOADS: dict[str, str] = yaml.safe_load((FIXTURES / "hostile" / "markup.yml").read_text(encoding="utf-8"))
BLOCK = "\n\n".join(PAYLOADS.values())
LINE = " ".join(PAYLOADS.values())

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "img", "style", "svg", "form", "input", "meta", "base",
                  "link", "frame", "frameset"}
"""Tags no content may bring in (the theme's own scripts, forms and icons are told apart below)."""
REMOVED_WITH_CONTENT = ("xss-script", "xss-style", "xss-svg-script", "xss-comment")
"""Markers that only live inside a script, a style or a comment: their text must go too."""
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
SITE_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]


# --- the sanitiser alone -------------------------------------------------------------------

class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside script and style elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._open = tag if tag in ("script", "style") else None

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.script_text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def dangers(html: str, allowed_tags=frozenset()) -> list[str]:
    """What in ``html`` could run, style, frame or fetch something; empty when it is safe."""
    found = []
    page = parse(html)
    for tag, attrs in page.tags:
        if tag in FORBIDDEN_TAGS and tag not in allowed_tags:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "data", "xlink:href") and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(UNSAFE_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
    found += [f"script text {t[:40]!r}" for t in page.script_text if "alert" in t or "xss-" in t]
    return found


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_print_markdown_is_cleaned(name):
    for html in (str(md(PAYLOADS[name])), str(md_inline(PAYLOADS[name]))):
        assert dangers(html) == [], html
        assert not any(marker in html for marker in REMOVED_WITH_CONTENT), html


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_site_markdown_is_cleaned_even_after_mkdocs_renders_it_again(name):
    """The site's text goes through Markdown twice (ours, then MkDocs' with attr_list and md_in_html)."""
    text = PAYLOADS[name]
    block, inline = str(safe.safe_markdown(text)), str(safe.safe_inline(text))
    for page in (block, f"- {inline}", f"| a |\n| - |\n| {inline} |", f"## {inline}",
                 "!!! note\n\n    " + block.replace("\n", "\n    ")):
        html = markdown.markdown(page, extensions=SITE_EXTENSIONS)
        assert dangers(html) == [], (page, html)


def test_sanitiser_keeps_what_authors_mean():
    assert str(safe.safe_markdown("Plain *Markdown* stays as written.")) == "Plain *Markdown* stays as written."
    html = markdown.markdown(str(safe.safe_markdown(PAYLOADS["ok_link"])), extensions=SITE_EXTENSIONS)
    assert '<a href="https://example.org/guide"' in html and "<strong>bold</strong>" in html
    assert str(md_inline("Scores *below* 3 & <b>above</b> 1")) == "Scores <em>below</em> 3 &amp; <b>above</b> 1"


def test_titles_for_the_navigation_cannot_become_markup():
    """MkDocs prints navigation titles unescaped, and Material's <title> unescapes them once more."""
    assert safe.plain_title("1. Prepare the audit") == "1. Prepare the audit"
    assert safe.plain_title('<script>alert("x")</script>Stage <b onclick=x>one</b>') == "Stage one"
    for title in ("&lt;/title&gt;&lt;script&gt;alert(1)", "a <b", "x &#60;img onerror=y&#62;", "</title><script>"):
        plain = safe.plain_title(title)
        assert not set("<>") & set(html_module.unescape(html_module.unescape(plain))), plain


# --- the real build --------------------------------------------------------------------------

def _inject(project: Path) -> None:
    """Hostile text in every kind of text field: blocks, single lines, table cells, titles and notes."""
    folder = project / "content" / "mini"
    data = {name: load_yaml_file(folder / name)[0] for name in ("programme.yml", "stages.yml", "guidance.yml")}
    programme = data["programme.yml"]
    programme["programme"].update(summary=BLOCK, audience=LINE, title='<script>alert("xss-title")</script>Mini',
                                  short_title='<img src=x onerror=alert("xss-short")>Mini audit')
    programme["roles"][0].update(name='<svg onload=alert("xss-role")>Audit lead', description=LINE)
    programme["pathways"][0].update(name='[Supported](javascript:alert("xss-pathway"))', description=LINE)
    stages = data["stages.yml"]["stages"]
    stages[0].update(title='<script>alert("xss-stage-title")</script>Prepare', purpose=BLOCK, outcome=LINE,
                     notes=BLOCK, time='<iframe src="https://evil.example/"></iframe>2 weeks')
    stages[0]["tasks"][0]["text"] = LINE
    stages[0]["tasks"][2]["time"] = '<b onmouseover=alert("xss-time")>30 minutes a week</b>'
    stages[1]["tasks"][0]["text"] = BLOCK
    data["stages.yml"]["components"][0].update(description=BLOCK, questions=[LINE, PAYLOADS["js_link"]])
    data["stages.yml"]["components"][0]["activities"][0]["with"] = '<a href="javascript:alert(1)">six</a> pupils'
    guidance = data["guidance.yml"]
    guidance["guidance"][0].update(purpose=BLOCK, aims=[LINE], steps=[LINE, BLOCK], notes=[BLOCK])
    q = guidance["questionnaires"][0]
    q.update(introduction=BLOCK, scale_note=BLOCK, dont_know_label='<i onclick=alert("xss-dk")>Not sure</i>')
    # Not q["scale"][0]["description"]: the print templates show it as escaped plain text rather than
    # Markdown, so the PDF would (harmlessly) print the words "<script>alert(...)" and trip the text check.
    q["scale"][1]["label"] = '[Partly](javascript:alert("xss-label"))'
    q["dimensions"][0]["question"] = '<iframe srcdoc="<script>alert(1)</script>"></iframe>Doing well?'
    q["sections"][0].update(description=BLOCK, title='<style>*{}</style>People')
    q["sections"][0]["items"][0]["text"] = LINE
    q["sections"][1]["items"][0]["text"] = BLOCK
    for name, content in data.items():
        (folder / name).write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("hostile") / "mini")
    _inject(project)
    pipeline.build(pipeline.Project.open(project))
    return project


@pytest.mark.slow
def test_no_markup_from_content_survives_into_the_site(hostile_build):
    site = hostile_build / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # The theme's own <script>, <form>, <input>, <meta>, <link> and <svg> icons are allowed
        # where the theme puts them; content may add none, and nothing may carry a handler.
        problems = list(dangers(html, allowed_tags={"script", "form", "input", "meta", "link", "svg"}))
        theme_scripts = [attrs.get("src", "") for tag, attrs in parse(html).tags if tag == "script"]
        problems += [f"script {src}" for src in theme_scripts
                     if src and not re.fullmatch(r"(\./|(\.\./)*/?)assets/[\w./-]+", src)]
        assert problems == [], f"{page.relative_to(site)}: {problems}"
        assert not re.search(r"<script>\s*alert|<img|<iframe|<style", html), page
    for index in site.rglob("search*"):
        if index.is_file():
            text = index.read_text(encoding="utf-8", errors="replace")
            assert "<script>alert" not in text and "onerror=alert" not in text and "<iframe" not in text, index


@pytest.mark.slow
def test_hostile_text_is_shown_not_lost(hostile_build):
    """Cleaning removes markup, not the author's words: the text around each payload is still there."""
    stage = (hostile_build / "site" / "mini" / "stage-1-prepare.html").read_text(encoding="utf-8")
    for words in ("Script text.", "Image text.", "Frame text.", "Styled text.", "Mixed-case link", "Attached passwd"):
        assert words in stage, words
    assert '<a href="https://example.org/guide"' in stage
    nav = yaml.safe_load((hostile_build / "build" / "mkdocs" / "mkdocs.yml").read_text().split("\n", 1)[1])["nav"]
    assert "1. Prepare" in str(nav) and "<" not in str(nav)


def _pdf_problems(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    problems = []
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        problems.append("embedded files")
    for key in ("/OpenAction", "/AA"):
        if key in root and "/JavaScript" in str(root[key].get_object()):
            problems.append(f"{key} runs JavaScript")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append("document JavaScript")
    for number, page in enumerate(reader.pages, start=1):
        for reference in page.get("/Annots") or []:
            annot = reference.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                problems.append(f"page {number}: file attachment")
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            kind = action.get("/S")
            if kind in ("/JavaScript", "/Launch", "/GoToR", "/SubmitForm", "/ImportData"):
                problems.append(f"page {number}: {kind} action")
            uri = str(action.get("/URI", ""))
            if uri and not uri.startswith(("https://", "http://", "mailto:")):
                problems.append(f"page {number}: link to {uri}")
    text = all_text(path)
    problems += [f"text {marker}" for marker in REMOVED_WITH_CONTENT if marker in text]
    if b"root:x:0:0" in path.read_bytes():
        problems.append("/etc/passwd content")
    return problems


@pytest.mark.slow
def test_no_markup_from_content_survives_into_the_pdfs(hostile_build):
    pdfs = sorted((hostile_build / "site" / "downloads").rglob("*.pdf"))
    assert len(pdfs) > 20
    problems = {str(p.relative_to(hostile_build)): _pdf_problems(p) for p in pdfs}
    assert {path: found for path, found in problems.items() if found} == {}
    briefing = hostile_build / "site" / "downloads" / "mini" / "stage-1-prepare" / "briefing.pdf"
    text = all_text(briefing)
    assert "Script text." in text and "Frame text." in text
    links = [str(a.get_object()["/A"].get("/URI", "")) for page in pypdf.PdfReader(briefing).pages
             for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert "https://example.org/guide" in links
