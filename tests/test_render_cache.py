"""A damaged or tampered cache entry is never served: the document is rendered again."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil

import pikepdf
import pytest

from auditpack import pipeline
from auditpack.render.cache import PdfCache

from .conftest import reseal_cache

# Each entry is a PDF named by its key and a small JSON record of its page count and seal.


def _entries(cache_dir):
    return sorted(cache_dir.rglob("*.pdf"))


DAMAGE = ("truncated", "bit flipped", "garbage record", "record missing", "not a pdf")


def _damage(pdf, how: str) -> None:
    data, record = pdf.read_bytes(), pdf.with_suffix(".json")
    if how == "truncated":
        pdf.write_bytes(data[: len(data) // 2])
    elif how == "bit flipped":
        pdf.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    elif how == "garbage record":
        record.write_text("{not json", encoding="utf-8")
    elif how == "record missing":
        record.unlink()
    else:  # bytes that are not a PDF at all, with a record of the kind earlier versions trusted
        pdf.write_bytes(b"<html>" + data)
        record.write_text(json.dumps({"pages": 1, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}),
                          encoding="utf-8")


@pytest.mark.slow
def test_a_damaged_entry_is_rendered_again_and_the_output_is_right(mini_build, tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)  # built, with a cache entry for each PDF
    project = pipeline.Project.open(root)
    good = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*.pdf")}
    entries = _entries(project.cache_dir)
    assert len(entries) == len(good) > len(DAMAGE)
    for number, pdf in enumerate(entries):  # every entry damaged, each of the five ways in turn
        _damage(pdf, DAMAGE[number % len(DAMAGE)])
    shutil.rmtree(root / "site")  # so the build has to make every PDF again
    summary = pipeline.build(project)
    assert summary.reused == 0 and summary.rendered == len(good)
    assert {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*.pdf")} == good


def test_entries_are_written_whole_and_read_back_with_their_page_count(tmp_path):
    cache = PdfCache(tmp_path)
    cache.put("ab" * 32, b"%PDF-1.7 fake but whole", 3)
    assert cache.get("ab" * 32) == (b"%PDF-1.7 fake but whole", 3)
    assert cache.get("cd" * 32) is None
    assert not list(tmp_path.rglob(".*"))  # no temporary files left behind
    assert PdfCache(None).get("ab" * 32) is None  # --no-cache: nothing is ever read


@pytest.mark.slow
def test_a_cache_that_came_with_the_project_from_someone_else_is_never_published(mini_build, tmp_path):
    """A project folder built by another user, whose cache entries were then swapped for PDFs its
    content never made, each with a record sealed by that user's own key: every document is
    rendered again here and none of the swapped PDFs reaches the site. (The folder is a copy of the
    tiny build with every cache entry sealed again with a key of 'theirs', made as auditpack makes
    each user's: random bytes. Their own build of it rendered the same entries again.)"""
    good = {p.relative_to(mini_build / "site"): p.read_bytes() for p in (mini_build / "site").rglob("*.pdf")}

    root = tmp_path / "mini"
    shutil.copytree(mini_build, root, ignore=shutil.ignore_patterns("site"))
    planted = pikepdf.new()
    planted.add_blank_page()
    buffer = tmp_path / "planted.pdf"
    planted.save(buffer)
    assert reseal_cache(root / "build" / "cache", secrets.token_bytes(32), buffer.read_bytes()) == len(good)

    summary = pipeline.build(pipeline.Project.open(root))
    assert summary.reused == 0 and summary.rendered == len(good)
    assert {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*.pdf")} == good


def test_entries_this_user_made_are_reused(tmp_path):
    cache = PdfCache(tmp_path)
    cache.put("ef" * 32, b"%PDF-1.7 whole", 2)
    record = json.loads((tmp_path / "ef" / f"{'ef' * 32}.json").read_text())
    assert set(record) == {"pages", "seal"} and PdfCache(tmp_path).get("ef" * 32) == (b"%PDF-1.7 whole", 2)
    (tmp_path / "ef" / f"{'ef' * 32}.json").write_text(json.dumps({**record, "pages": 3}))
    assert PdfCache(tmp_path).get("ef" * 32) is None  # the page count is sealed too
