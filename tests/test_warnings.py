"""Recommended but missing: a programme without a summary, publisher, licence, date, short title, role
and pathway descriptions or stage outcomes passes ``check`` and builds, with a located warning for
each, and its documents leave the missing parts out (never "None", never an empty heading)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from auditpack import codes, documents, pipeline
from auditpack.recommended import SHORT_TITLE_ADVISED
from auditpack.render import print_html
from auditpack.template_folders import PACKAGED, TemplateFolders

from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text

REPO = Path(__file__).resolve().parent.parent

EXPECTED = [  # (code, file, line, column) of every warning about tests/fixtures/sparse
    ("AP170", "programme.yml", 4, 1), ("AP171", "programme.yml", 4, 1), ("AP172", "programme.yml", 4, 1),
    ("AP173", "programme.yml", 4, 1), ("AP175", "programme.yml", 9, 5), ("AP175", "programme.yml", 11, 5),
    ("AP176", "programme.yml", 17, 5), ("AP177", "stages.yml", 2, 5), ("AP177", "stages.yml", 24, 5),
]


def run(*args, cwd: Path):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


@pytest.fixture
def sparse(tmp_path) -> Path:
    return copy_project(FIXTURES / "sparse", tmp_path / "sparse")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_passes_with_a_located_warning_for_each_missing_key(sparse):
    result = run("check", cwd=sparse)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "OK: 1 programme, no problems found, 9 warnings."
    shown = re.findall(r"^(\S+):(\d+):(\d+): warning: .* \[(AP\d+) [a-z-]+\]$", result.stderr, re.MULTILINE)
    assert sorted((code, Path(file).name, int(line), int(col)) for file, line, col, code in shown) == EXPECTED
    assert "content/sparse/programme.yml:9:5: warning: role 'lead' has no 'description' " \
           "[AP175 missing-role-description]\n      - id: lead\n        ^\n" \
           "    hint: add 'description:'" in result.stderr
    assert result.stderr.rstrip().endswith(
        "9 warnings: nothing is refused because of them; the documents leave out what a warning says is missing.")


def test_check_json_gives_each_warning_its_code_severity_and_position(sparse):
    result = run("check", "--format", "json", cwd=sparse)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == {"errors": 0, "warnings": 9, "programmes": 1}
    found = sorted((p["code"], Path(p["file"]).name, p["line"], p["column"]) for p in report["problems"])
    assert found == EXPECTED
    assert {p["severity"] for p in report["problems"]} == {"warning"}
    assert all(p["file"].startswith("content/sparse/") and p["hint"] for p in report["problems"])
    assert all(code.severity == "warning" for code in codes.CODES if code.number in {e[0] for e in EXPECTED})


def test_warnings_are_counted_apart_when_another_programme_has_a_problem(sparse):
    """A programme with errors gets no warnings (they would bury the errors); another's still show."""
    broken = copy_project(FIXTURES / "mini" / "content" / "mini", sparse / "content" / "mini")
    edit(broken / "stages.yml", "owners: [lead]", "owners: [leed]")
    result = run("check", cwd=sparse)
    assert result.returncode == 1
    assert result.stderr.rstrip().endswith("1 problem found and 9 warnings; nothing was written.")
    assert "unknown role 'leed'" in result.stderr and "warning: stage 1 has no 'outcome'" in result.stderr


def test_a_version_without_a_date_takes_its_changelog_entry_date(sparse):
    (sparse / "content" / "sparse" / "changelog.yml").write_text(
        'changelog:\n  - version: "0.1"\n    date: 2026-02-03\n    changes: [First draft.]\n', encoding="utf-8")
    checked = pipeline.checked(pipeline.Project.open(sparse))
    assert str(checked.programmes[0].programme.published) == "2026-02-03"
    assert codes.MISSING_DATE not in [w.code for w in checked.warnings]


def test_a_missing_short_title_is_the_title_and_a_long_one_is_warned_about(sparse):
    [content] = pipeline.check(pipeline.Project.open(sparse))
    assert content.programme.short_title == "Sparse wellbeing audit"
    long_title = "A whole-school review of wellbeing, belonging and support"
    assert len(long_title) > SHORT_TITLE_ADVISED
    edit(sparse / "content" / "sparse" / "programme.yml", "Sparse wellbeing audit", long_title)
    checked = pipeline.checked(pipeline.Project.open(sparse))
    assert checked.programmes[0].programme.short_title == long_title
    [warning] = [w for w in checked.warnings if w.code == codes.MISSING_SHORT_TITLE]
    assert (warning.location.line, warning.location.column) == (6, 3)  # at the title


def empty_headings(html: str) -> list[str]:
    return re.findall(r"<(h[1-6]|dt|th)\b[^>]*>\s*</\1>", html)


def empty_blocks(html: str) -> list[str]:
    """Headings, terms and paragraphs with nothing in them: what a missing value would leave."""
    return re.findall(r"<(h[1-6]|dt|dd|th|p)\b[^>]*>\s*</\1>|<div>\s*</div>", html)


def test_every_printed_page_of_a_sparse_programme_leaves_the_gaps_out(sparse):
    """The print HTML of every document and pack cover: no "None", no empty heading or paragraph."""
    [content] = pipeline.check(pipeline.Project.open(sparse))
    plan = documents.plan([content])
    env = print_html.environment(TemplateFolders((PACKAGED,)))
    options = print_html.PrintOptions()
    pages = [print_html.render_document(env, doc, options) for doc in plan.all_documents]
    pages += [print_html.render_cover(env, pack, [], options) for pack in plan.packs]
    assert len(pages) > 15
    for html in pages:
        assert "None" not in html
        assert not empty_blocks(html), empty_blocks(html)
        assert 'content=""' not in html  # no empty author or date in the PDF's metadata
    gather = next(d for d in plan.documents if d.kind == "briefing" and d.stage.id == "gather")
    briefing = print_html.render_document(env, gather, options)
    assert "<th>Role</th></tr>" in briefing and "Who they are" not in briefing  # none of its roles described


@pytest.mark.slow
def test_a_sparse_programme_builds_and_its_documents_leave_the_gaps_out(sparse):
    result = run("build", "-q", cwd=sparse)
    assert result.returncode == 0, result.stderr
    assert "9 warnings" in result.stderr and "warning: the programme has no 'licence'" in result.stderr
    site = sparse / "site"
    pdfs = sorted((site / "downloads").rglob("*.pdf"))
    assert len(pdfs) > 10
    for pdf in pdfs:
        text = all_text(pdf)
        assert "None" not in text, pdf.name
        assert "What it produces" not in text, pdf.name  # no stage has an outcome
    cover = all_text(next(p for p in pdfs if "complete" in p.name))
    assert "Version 0.1" in cover and "Version 0.1," not in cover  # no date after the version
    briefing = all_text(next(p for p in pdfs if p.name.endswith("briefing.pdf")))
    assert "Who is involved" in briefing and "Runs the audit" not in briefing
    for path in (site / "downloads").rglob("*.docx"):
        word = docx.Document(str(path))
        footer = word.sections[0].footer.paragraphs[0].text
        assert footer == "Sparse wellbeing audit version 0.1 · Test footer", (path.name, footer)  # no date
        assert word.core_properties.author == ""
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert ">None<" not in html and " None " not in html, page
        assert not empty_headings(html), (page, empty_headings(html))
    overview = (site / "sparse" / "index.html").read_text(encoding="utf-8")
    assert "Published by" not in overview and "<strong>Version</strong> 0.1." in overview
    assert "<strong>Supported</strong></li>" in overview  # a pathway without a description: its name alone
    assert "<small>" not in overview  # no licence line
    stage = next(p for p in pages if "prepare" in p.as_posix()).read_text(encoding="utf-8")
    assert "What this stage produces" not in stage
