"""The PDF renderer reads only the project's templates and fonts: no other file, no network.

Hostile HTML is laid out by the real WeasyPrint through ``PdfRenderer`` (the sanitiser is
bypassed on purpose, so this tests the URL fetcher itself), while a real HTTP server on
127.0.0.1 counts every request it receives. Then the same is tried through content in a
real build, where the sanitiser and the fetcher both stand in the way.
"""

from __future__ import annotations

import http.server
import logging
import shutil
import threading
from pathlib import Path
from typing import ClassVar

import pypdf
import pytest
import yaml

from auditpack import pipeline
from auditpack.load import load_yaml_file
from auditpack.render import fonts as font_files
from auditpack.render import print_html
from auditpack.render.pdf import PdfRenderer
from auditpack.template_folders import PACKAGED, TemplateFolders

from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text, fonts

SECRET = "auditpack-secret-7c1f"


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []  # shared by every handler the server makes

    def do_GET(self):  # the name http.server calls
        type(self).requests.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A real HTTP server on a free local port; yields its base URL and the requests it received."""
    handler = type("Recorder", (_Recorder,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def templates(tmp_path) -> Path:
    """A project's own copy of the print templates, with a symlink inside it that points outside."""
    folder = tmp_path / "project" / "templates"
    shutil.copytree(PACKAGED / "print", folder / "print")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (folder / "print" / "innocent.css").symlink_to(tmp_path / "secret.txt")
    return folder


def _hostile_html(base: str, secret: Path, templates: Path) -> str:
    inside = (templates / "print").as_uri()
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>Hostile</title>
<link rel="stylesheet" href="{base}/linked.css">
<link rel="stylesheet" href="{secret.as_uri()}">
<link rel="stylesheet" href="innocent.css">
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="{secret.as_uri()}">
<style>
@import url("{base}/imported.css");
@font-face {{ font-family: Remote; src: url("{base}/font.woff2"); }}
body {{ background: url("{base}/background.png"); font-family: Remote, sans-serif; }}
</style></head>
<body><h1>Hostile document</h1>
<p>Visible words.</p>
<img src="file:///etc/passwd" alt="passwd">
<img src="{secret.as_uri()}" alt="secret">
<img src="../../../../../../../../etc/passwd" alt="relative escape">
<img src="{inside}/../../../secret.txt" alt="dot-dot escape">
<img src="{inside}/%2e%2e/%2e%2e/%2e%2e/secret.txt" alt="encoded escape">
<img src="{base}/image.png" alt="network">
<img src="http://localhost:{base.rsplit(':', 1)[1]}/by-name.png" alt="network by name">
<object data="{base}/object.svg"></object>
<embed src="{base}/embed.svg">
<iframe src="{base}/frame.html"></iframe>
<svg width="10" height="10"><image href="{base}/svg-image.png" width="10" height="10"/></svg>
<a rel="attachment" href="file:///etc/passwd">passwd attached</a>
<a rel="attachment" href="{secret.as_uri()}">secret attached</a>
<div style="background-image: url('{base}/inline-style.png')">inline style</div>
</body></html>"""


def test_pdf_renderer_fetches_nothing_outside_templates_and_fonts(server, templates, tmp_path, caplog):
    base, requests = server
    secret = tmp_path / "secret.txt"
    renderer = PdfRenderer(TemplateFolders((templates,)), theme_css="", build_date=0)
    with caplog.at_level(logging.WARNING):
        document = renderer.layout(_hostile_html(base, secret, templates))
        pdf = renderer.write(document).data
    assert requests == [], f"the renderer made network requests: {requests}"
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    reader = pypdf.PdfReader(path)
    assert reader.attachments == {}
    assert all(annot.get_object().get("/Subtype") != "/FileAttachment"
               for page in reader.pages for annot in page.get("/Annots") or [])
    assert SECRET.encode() not in pdf and b"root:x:0:0" not in pdf
    assert "Visible words." in all_text(path)
    refused = "\n".join(r.getMessage() for r in caplog.records if r.name == "auditpack")
    for url in ("file:///etc/passwd", secret.as_uri(), f"{base}/image.png", f"{base}/linked.css",
                f"{base}/imported.css", "innocent.css"):
        assert url in refused, f"no warning names {url}:\n{refused}"


def test_a_file_url_naming_a_host_is_refused_before_the_host_is_looked_up(templates, monkeypatch, caplog):
    import socket

    looked_up = []

    def no_network(host, *args, **kwargs):
        looked_up.append(host)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "gethostbyname", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    url = f"file://files.example.invalid{(templates / 'print' / 'print.css').resolve()}"
    html = (f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{url}"></head>'
            '<body><p>Words.</p></body></html>')
    with caplog.at_level(logging.WARNING):
        renderer = PdfRenderer(TemplateFolders((templates,)), theme_css="", build_date=0)
        renderer.write(renderer.layout(html))
    assert looked_up == []
    assert url in "\n".join(r.getMessage() for r in caplog.records if r.name == "auditpack")


def test_pdf_renderer_still_reads_its_own_templates_and_fonts(templates, tmp_path):
    """The fetcher is a fence, not a wall: print.css and the packaged fonts load."""
    brand = pipeline.Project.open(FIXTURES / "mini").config.brand
    env = print_html.environment(TemplateFolders((templates,)))
    theme = print_html.render_theme_css(env, print_html.PrintOptions(), brand, font_files.font_faces())
    renderer = PdfRenderer(TemplateFolders((templates,)), theme, build_date=0)
    html = ('<html lang="en"><head><title>t</title></head>'
            '<body><p class="x">Words in the packaged font.</p></body></html>')
    path = tmp_path / "ok.pdf"
    path.write_bytes(renderer.write(renderer.layout(html)).data)
    assert any("Atkinson" in name or "Noto" in name for name, _ in fonts(pypdf.PdfReader(path)))


@pytest.mark.slow
def test_content_cannot_make_a_build_fetch_anything(server, tmp_path):
    """Images, links and styles in content pointing at the network or /etc/passwd, through the real pipeline."""
    base, requests = server
    project = copy_project(FIXTURES / "mini", tmp_path / "mini")
    stages_file = project / "content" / "mini" / "stages.yml"
    data = load_yaml_file(stages_file)[0]
    hostile = (f'![remote]({base}/md-image.png) <img src="{base}/html-image.png"> '
               f'![passwd](file:///etc/passwd) <img src="file:///etc/passwd"> '
               f'<link rel="stylesheet" href="{base}/style.css"> <a rel="attachment" href="file:///etc/passwd">x</a> '
               f'<div style="background: url({base}/style-attr.png)">Fetch nothing.</div>')
    data["stages"][0].update(purpose=hostile, notes=hostile)
    data["stages"][0]["tasks"][0]["text"] = hostile
    stages_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    pipeline.build(pipeline.Project.open(project))
    assert requests == [], f"the build made network requests: {requests}"
    for pdf in (project / "site" / "downloads").rglob("*.pdf"):
        assert pypdf.PdfReader(pdf).attachments == {}, pdf
        assert b"root:x:0:0" not in pdf.read_bytes(), pdf
    stage = (project / "site" / "mini" / "stage-1-prepare.html").read_text(encoding="utf-8")
    assert "Fetch nothing." in stage and base not in stage and "/etc/passwd" not in stage
