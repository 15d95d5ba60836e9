"""Shared fixtures: real builds of a tiny programme and of the bundled programmes, each made once."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

# A date the person running the tests exported would be taken by the builds here for one the user
# chose (auditpack reads it once, on import), and the builds would no longer match each other.
os.environ.pop("SOURCE_DATE_EPOCH", None)
# Messages are in the language the environment asks for (auditpack.i18n.reader_language); the tests
# read them in English, whatever the machine's locale. tests/test_messages.py asks for others.
os.environ["LANGUAGE"] = "en_GB"

from auditpack import pipeline
from auditpack.template_folders import PACKAGED

from .browser import CHROMIUM, BrowserThread

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(source: Path, target: Path, with_templates: bool = False) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", "build", ".*"))
    if with_templates:
        shutil.copytree(PACKAGED, target / "templates")
    return target


def seal_as(key: bytes, *parts: bytes) -> str:
    """A seal made with someone else's key, exactly as auditpack.seal makes one with ours."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big") + part)
    return mac.hexdigest()


def reseal_cache(cache: Path, key: bytes, pdf: bytes | None = None) -> int:
    """Every entry of the PDF cache ``cache`` sealed again with ``key`` (another user's), as if their
    build had made it; with ``pdf``, each PDF entry swapped for those bytes first. The number of PDFs."""
    entries = [entry for entry in cache.glob("*/*") if entry.suffix != ".json"]
    for entry in entries:
        name = entry.name.split(".")[0]  # the cache key
        record = entry.with_name(f"{name}.json")
        pages = json.loads(record.read_text(encoding="utf-8"))["pages"]
        if pdf is not None and entry.suffix == ".pdf":
            entry.write_bytes(pdf)
            pages = len(pikepdf.open(entry).pages)
        record.write_text(json.dumps({"pages": pages, "seal": seal_as(key, name.encode(), entry.read_bytes(),
                                                                        b"%d" % pages)}), encoding="utf-8")
    return sum(entry.suffix == ".pdf" for entry in entries)


@pytest.fixture(autouse=True)
def _no_build_date_carried_over(monkeypatch):
    """A build fixes SOURCE_DATE_EPOCH in this process from its content's date; a command a test
    starts must not inherit that and take it for a date the user chose."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # monkeypatch restores only what was there before


def translated_mini(root: Path, language: str, translate) -> Path:
    """A copy of the tiny programme at ``root`` also published in ``language``: its translation file
    written by ``auditpack translate`` and every entry given ``translate(number, address, source)``."""
    import io

    from babel.messages.pofile import read_po, write_po

    from auditpack.cli import main

    project = copy_project(FIXTURES / "mini", root)
    programme = project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace(
        '  version: "2.1"\n', f'  version: "2.1"\n  translations: [{language}]\n', 1), encoding="utf-8")
    assert main(["translate", "--language", language, "--project", str(project)]) == 0
    po = project / "content" / "mini" / "translations" / f"{language}.po"
    catalogue = read_po(po.open("rb"))
    for number, message in enumerate(m for m in catalogue if m.id and m.context):
        message.string = translate(number, message.context, message.id)
    out = io.BytesIO()
    write_po(out, catalogue)
    po.write_bytes(out.getvalue())
    return project


@pytest.fixture
def mini_project(tmp_path) -> Path:
    """A fresh copy of the tiny fixture programme, safe to edit."""
    return copy_project(FIXTURES / "mini", tmp_path / "mini")


def built_once(tmp_path_factory, key: str, folder: str, make) -> Path:
    """``make(root)``, ``root`` a folder named ``folder``, run once for the whole test run, even when
    pytest-xdist splits the run between processes: the first to get here builds in a folder all of
    them share, the others wait for it and use that build. A build left unfinished (its maker failed)
    is made again, never used."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run; each has its own basetemp inside
    root, done = base / "built" / key / folder, base / "built" / f"{key}.done"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(base / "built" / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            make(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory) -> Path:
    """The tiny programme built once: its project folder, with site/ and build/ inside. Tests copy it
    (with its cache, so a build of the copy renders only what the test changed) and never change it."""
    def make(root: Path) -> None:
        copy_project(FIXTURES / "mini", root)
        pipeline.build(pipeline.Project.open(root))
    return built_once(tmp_path_factory, "mini", "mini", make)


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> Path:
    """The two bundled programmes built once, exactly as the README's quick start builds them."""
    def make(root: Path) -> None:
        root.mkdir()
        for name in ("content", "site_config.yml"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
        pipeline.build(pipeline.Project.open(root))
    return built_once(tmp_path_factory, "bundled", "project", make)


@pytest.fixture(scope="session")
def bundled_letter_build(tmp_path_factory) -> Path:
    """The bundled programmes built once on Letter, as `build --paper Letter` builds them (the content
    is the repository's own, linked, not copied)."""
    def make(root: Path) -> None:
        root.mkdir()
        (root / "content").symlink_to(REPO / "content")
        (root / "site_config.yml").write_bytes((REPO / "site_config.yml").read_bytes())
        project = pipeline.Project.open(root)
        pipeline.build(dataclasses.replace(project, config=project.config.model_copy(update={"paper": "Letter"})))
    return built_once(tmp_path_factory, "bundled-letter", "project", make)


LONG_NAME = ("The Very Long Named St Anne's & St Joseph's Church of England Voluntary Aided Primary School "
             "and Nursery of St Michael")
"""A school name near the 120-character limit, with an apostrophe and an ampersand: it must be stamped
whole, at the minimum size or larger, and escaped, never markup."""


@pytest.fixture(scope="session")
def school_build(bundled_build, tmp_path_factory) -> Path:
    """Every bundled programme's documents and packs for one school with a very long name, made once by
    `build --school` as a school's copies are made: ``schools/PROGRAMME/`` (each programme in a folder
    of its own: a second `build --school` of the same school replaces the first one's folder). The stamped name is drawn
    after rendering, so the print-size and pdfua checks read these copies as well as the site's."""
    def make(root: Path) -> None:
        shutil.copytree(bundled_build, root, ignore=shutil.ignore_patterns("site"))
        for content in pipeline.check(pipeline.Project.open(root)):
            done = subprocess.run([sys.executable, "-m", "auditpack", "build", "--project", str(root), "--school",
                                   LONG_NAME, "--programme", content.programme.id, "-q",
                                   "--out", str(root / "schools" / content.programme.id)],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-2000:]
    return built_once(tmp_path_factory, "school", "project", make) / "schools"


@pytest.fixture(scope="session")
def bundled_programmes():
    return pipeline.check(pipeline.Project.open(REPO))


def require(condition, reason: str) -> None:
    """Fail under CI, where .ci/run installs every tool; skip, saying why, on a machine without it."""
    if not condition:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{reason} (CI is set: .ci/run must install it)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run, driven from a thread of its own (see BrowserThread)."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing (apt-get install -y chromium; "
                                      "`playwright install` cannot download here)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(False, "playwright is not installed (pip install -e '.[test]')")
    thread = BrowserThread()
    yield thread
    thread.close()


# The Debian packages the tests use as independent readers, named once for the header below.
SYSTEM_TOOLS = {"qpdf": "qpdf", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils",
                "pdftk": "pdftk-java", "mutool": "mupdf-tools", "chromium": "chromium"}


def missing_system_packages() -> list[str]:
    return sorted({package for tool, package in SYSTEM_TOOLS.items() if shutil.which(tool) is None})


@pytest.hookimpl(trylast=True)  # after -m has deselected: only the tests that will run are counted
def pytest_collection_modifyitems(items):
    """The files with the most slow tests first, then those with the most tests, each file's tests in
    their own order. pytest-xdist (``--dist loadfile --no-loadscope-reorder``) hands whole files to its
    workers in this order as they become free, so the long files start early and the short ones fill
    in at the end; its own order, most tests first, left the long files with few tests
    (test_render_packs, test_freshness) to run alone at the end while the other worker idled."""
    slow = Counter(item.path for item in items if item.get_closest_marker("slow"))
    count = Counter(item.path for item in items)
    first_seen = {path: index for index, path in enumerate(dict.fromkeys(item.path for item in items))}
    items.sort(key=lambda item: (-slow[item.path], -count[item.path], first_seen[item.path]))


def pytest_report_header(config):
    """Say at the top of a run which system tools the tests will use or skip."""
    missing = missing_system_packages()
    if not missing:
        return "system tools: all present (" + ", ".join(sorted(set(SYSTEM_TOOLS.values()))) + ")"
    return f"system tools missing: {', '.join(missing)}"


def pytest_terminal_summary(terminalreporter):
    """Name the missing packages again at the end, where `-q` still shows it, so skips are no surprise."""
    missing = missing_system_packages()
    if missing:
        terminalreporter.write_line(f"system tools missing: {', '.join(missing)}; the tests that use them "
                                    f"skip (install: apt-get install -y {' '.join(missing)})")
