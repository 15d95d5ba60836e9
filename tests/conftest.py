"""Shared fixtures: real builds of a tiny programme and of the bundled programmes, each made once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# A date the person running the tests exported would be taken by the builds here for one the user
# chose (auditpack reads it once, on import), and the builds would no longer match each other.
os.environ.pop("SOURCE_DATE_EPOCH", None)

from auditpack import pipeline  # noqa: E402
from auditpack.template_folders import PACKAGED  # noqa: E402

from .browser import CHROMIUM, BrowserThread  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(source: Path, target: Path, with_templates: bool = False) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", "build", ".*"))
    if with_templates:
        shutil.copytree(PACKAGED, target / "templates")
    return target


@pytest.fixture(autouse=True)
def _no_build_date_carried_over(monkeypatch):
    """A build fixes SOURCE_DATE_EPOCH in this process from its content's date; a command a test
    starts must not inherit that and take it for a date the user chose."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # monkeypatch restores only what was there before


@pytest.fixture
def mini_project(tmp_path) -> Path:
    """A fresh copy of the tiny fixture programme, safe to edit."""
    return copy_project(FIXTURES / "mini", tmp_path / "mini")


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory) -> Path:
    """The tiny programme built once: its project folder, with site/ and build/ inside."""
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("mini") / "mini")
    pipeline.build(pipeline.Project.open(root))
    return root


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> Path:
    """The two bundled programmes built once, exactly as the README's quick start builds them."""
    root = tmp_path_factory.mktemp("bundled") / "project"
    root.mkdir()
    for name in ("content", "site_config.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    pipeline.build(pipeline.Project.open(root))
    return root


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
