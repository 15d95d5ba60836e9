"""A damaged or tampered cache entry is never served: the document is rendered again."""

from __future__ import annotations

import hashlib
import json
import shutil

from auditpack import pipeline
from auditpack.render.cache import PdfCache

from .conftest import FIXTURES, copy_project

# Each entry is a PDF named by its key and a small JSON record of its SHA-256 and page count.


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
    else:  # the record made to match bytes that are not a PDF at all
        pdf.write_bytes(b"<html>" + data)
        record.write_text(json.dumps({"pages": 1, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}),
                          encoding="utf-8")


def test_a_damaged_entry_is_rendered_again_and_the_output_is_right(tmp_path):
    root = copy_project(FIXTURES / "mini", tmp_path / "mini")
    project = pipeline.Project.open(root)
    pipeline.build(project)
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
