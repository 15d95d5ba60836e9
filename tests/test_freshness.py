"""A rebuild with nothing changed does nothing; any change to an input or to the output rebuilds."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import sys

import pytest

from auditpack import pipeline
from auditpack.errors import ContentErrors
from auditpack.template_folders import PACKAGED

from .conftest import REPO, reseal_cache

pytestmark = pytest.mark.slow  # each test builds the tiny programme again, some several times


@pytest.fixture
def built(mini_build, tmp_path):
    """A project with its own copy of the templates, built: a copy of the tiny build, whose cached PDFs
    the build takes (the same HTML), so only the site is made again."""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    shutil.copytree(PACKAGED, root / "templates")
    project = pipeline.Project.open(root)
    first = pipeline.build(project)
    assert not first.unchanged
    return root, project


def _run(*args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it: the build date this test process pinned is not passed on."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          check=True, env=env)


def _stamps(root):
    return {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}


def test_nothing_changed_means_nothing_rendered_or_written(built):
    root, project = built
    before = _stamps(root)
    again = pipeline.build(project)
    assert again.unchanged and again.rendered == 0
    assert (again.pdfs, again.pages) == (28, 9)
    assert _stamps(root) == before


def test_the_command_says_the_site_is_up_to_date(built):
    root, _ = built
    run = _run("--project", str(root))
    assert run.stdout.startswith("Up to date: nothing has changed since the last build")
    assert "28 PDFs" in run.stdout


CHANGES = ("content", "template", "settings", "output deleted", "output edited", "stylesheet")


def _make(change: str, root) -> None:
    if change == "content":
        path = root / "content" / "mini" / "guidance.yml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # even a blank line
    elif change == "template":
        path = root / "templates" / "print" / "briefing.html.j2"
        path.write_text(path.read_text(encoding="utf-8") + "{# note #}", encoding="utf-8")
    elif change == "stylesheet":
        path = root / "templates" / "print" / "print.css"
        path.write_text(path.read_text(encoding="utf-8") + "\n/* note */\n", encoding="utf-8")
    elif change == "settings":
        path = root / "site_config.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("Test footer", "Another footer"), encoding="utf-8")
    elif change == "output deleted":
        next((root / "site").rglob("*.pdf")).unlink()
    else:
        page = root / "site" / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- x --></body>"), encoding="utf-8")


def test_any_change_to_inputs_or_output_builds_again(built):
    root, _ = built
    for change in CHANGES:
        _make(change, root)
        project = pipeline.Project.open(root)
        assert not pipeline.build(project).unchanged, change
        assert pipeline.build(project).unchanged, change  # and once rebuilt, it is current again


def test_clearing_the_cache_or_not_using_it_builds_again(built):
    root, project = built
    assert not pipeline.build(project, options=pipeline.BuildOptions(use_cache=False)).unchanged
    assert "Up to date" in _run("--project", str(root)).stdout
    cleared = _run("-q", "--clear-cache", "--project", str(root)).stdout
    assert cleared.startswith("Built") and "28 rendered, 0 reused" in cleared


def test_a_failed_build_never_counts_as_current(built):
    root, project = built
    stages = root / "content" / "mini" / "stages.yml"
    good = stages.read_text(encoding="utf-8")
    stages.write_text(good.replace("title: Gather views", "titel: Gather views"), encoding="utf-8")
    with pytest.raises(ContentErrors):
        pipeline.build(project)
    stages.write_text(good, encoding="utf-8")
    assert pipeline.build(project).unchanged  # the site on disk is still that of this content


def test_a_site_that_came_with_the_project_from_someone_else_is_built_again(mini_build, tmp_path):
    """Another user's build left a site and a record saying it is current; here it is not trusted:
    the record is sealed with their key, not this user's, so the build renders and writes again.
    (Their build: a copy of the tiny build with the record and every cache entry sealed again with a
    key of theirs, made as auditpack makes each user's: random bytes.)"""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    key = secrets.token_bytes(32)
    reseal_cache(root / "build" / "cache", key)
    (root / "site" / "index.html").write_text("<p>not what the content says</p>", encoding="utf-8")
    record = root / "build" / "cache" / "last-build.json"
    shown = json.loads(record.read_text(encoding="utf-8"))
    shown["output"] = str(root / "site")  # as their build of this folder wrote it
    shown["files"]["index.html"] = [(root / "site" / "index.html").stat().st_size,
                                    (root / "site" / "index.html").stat().st_mtime_ns]
    body = json.dumps({k: v for k, v in shown.items() if k != "seal"}, sort_keys=True).encode()
    shown["seal"] = hmac.new(key, len(body).to_bytes(8, "big") + body, hashlib.sha256).hexdigest()
    record.write_text(json.dumps(shown), encoding="utf-8")  # matches the planted page, sealed with their key

    summary = pipeline.build(pipeline.Project.open(root))
    assert not summary.unchanged and summary.rendered == summary.pdfs
    assert "not what the content says" not in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert pipeline.build(pipeline.Project.open(root)).unchanged  # this user's own record is trusted
