"""The bundled programmes built end to end, as the README's quick start builds them."""

import os
import re
import subprocess
import sys

import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.output import MARKER

from .conftest import REPO
from .pdf_reading import open_pdf, page_texts
from .test_cli import run

pytestmark = pytest.mark.slow  # the bundled programmes built whole; the tiny one once per date


def test_every_document_of_both_programmes_is_built_and_readable(bundled_build):
    project = pipeline.Project.open(bundled_build)
    programmes = pipeline.check(project)
    the_plan = plan(programmes, tuple(project.config.variants))
    downloads = bundled_build / "site" / "downloads"
    assert len(the_plan.documents) >= 40 and len(the_plan.variants) >= 20
    pages = {}  # each document opened strictly once; a pack's length is checked against these counts
    for doc in the_plan.all_documents:
        path = downloads / doc.path
        reader = open_pdf(path)
        pages[doc.path] = len(reader.pages)
        first = page_texts(path)[0]
        assert doc.programme.short_title in first and doc.title in first, doc.path
        assert reader.metadata.title.startswith(doc.title)
    for pack in the_plan.packs:
        reader = open_pdf(downloads / pack.path)
        texts = page_texts(downloads / pack.path)
        cover = next(i for i, text in enumerate(texts) if "Page 1 of" in text)  # the first document starts
        assert cover >= 1 and "Contents" in texts[0]
        expected = cover + sum(pages[d.path] for d in pack.documents)
        assert len(reader.pages) == expected, pack.path


def test_every_stage_page_offers_its_three_forms_and_pack(bundled_build):
    project = pipeline.Project.open(bundled_build)
    for content in pipeline.check(project):
        for stage in content.stages:
            folder = f"stage-{stage.number}-{stage.id}"
            page = (bundled_build / "site" / content.programme.id / f"{folder}.html").read_text(encoding="utf-8")
            for kind in ("briefing", "group-recording", "collation"):
                assert f"../downloads/{content.programme.id}/{folder}/{kind}.pdf" in page
            assert f"../downloads/{content.programme.id}/{folder}-pack.pdf" in page


def test_staff_audit_response_form_has_all_21_statements(bundled_build):
    path = bundled_build / "site/downloads/blackpool-ara/stage-2-individual-responses/response-form.pdf"
    pages = page_texts(path)
    text = " ".join(pages)
    for number in range(1, 22):
        assert f"{number}. " in text
    for page in pages:  # each grid's heading, repeated on every page, offers "I don't know"
        if re.search(r"\b\d+\. [A-Z]", page):
            assert "I don't know" in page


def test_downloads_page_lists_every_pdf(bundled_build):
    page = (bundled_build / "site" / "downloads.html").read_text(encoding="utf-8")
    pdfs = sorted(p.relative_to(bundled_build / "site").as_posix()
                  for p in (bundled_build / "site" / "downloads").rglob("*.pdf"))
    assert pdfs and all(f'href="{pdf}"' in page for pdf in pdfs)


def test_whole_site_zip_for_schools_to_keep(bundled_build):
    import zipfile

    site = bundled_build / "site"
    archive = site / "school-audit-resources.zip"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="school-audit-resources.zip"' in home
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        assert z.testzip() is None
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p != archive}
    assert names == on_disk - {MARKER}  # auditpack's bookkeeping, not part of the download


def test_whats_changed_page(bundled_build):
    page = (bundled_build / "site" / "imhars" / "changes.html").read_text(encoding="utf-8")
    assert "Version 1.0 (1 September 2026)" in page
    assert "changes.html" in (bundled_build / "site" / "imhars" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("epoch", ["soon", "-1", "1e9", "4294967296"])
def test_a_source_date_epoch_output_cannot_be_stamped_with_is_reported(mini_project, monkeypatch, epoch):
    """Read by MkDocs, gzip and fontTools, which stopped with a traceback."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run("build", "-q", "--project", str(mini_project))
    assert result.returncode == 1
    assert result.stderr == (f"SOURCE_DATE_EPOCH: {epoch!r} is not a time the site and PDFs can be stamped with "
                             "(expected a whole number of seconds since 1970, from 0 to 4294967295)\n"
                             "    hint: unset it to date the build by the newest 'published' date\n"
                             "1 problem found; nothing was written.\n")
    assert not (mini_project / "site").exists()


CHILDREN_AFTER = """
import os, sys
from auditpack.cli import main

status = main(sys.argv[1:])
def parent(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])
children = [pid for pid in os.listdir("/proc") if pid.isdigit() and parent(pid) == os.getpid()]
print(status, "weasyprint" in sys.modules, len(children))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table in /proc")
@pytest.mark.parametrize("command", [["build"], ["build", "--school", "St Anne's"]])
def test_content_that_fails_validation_starts_no_pdf_worker(mini_project, command):
    """No worker process, nor the server workers are forked from (which imports WeasyPrint), is
    started for content that is refused: the content is validated first."""
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text(encoding="utf-8") + "\n  - id: [not closed\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", CHILDREN_AFTER, *command, "-j", "2", "-q",
                             "--project", str(mini_project)], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert "stages.yml:" in result.stderr
    assert result.stdout == "1 False 0\n"


def test_the_build_date_is_handed_down_not_left_in_the_environment(mini_project, monkeypatch):
    """A date the user fixed reaches what a worker writes (MkDocs stamps it into the sitemap's gzip
    header), and the build leaves the environment of its process as it found it."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    pipeline.build(pipeline.Project.open(mini_project), options=pipeline.BuildOptions(workers=2, fixed_date="86400"))
    assert "SOURCE_DATE_EPOCH" not in os.environ
    header = (mini_project / "site" / "sitemap.xml.gz").read_bytes()[:8]
    assert int.from_bytes(header[4:8], "little") == 86400
