"""Problem codes are stable: each number keeps its name for good, and docs/errors.md lists them all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from auditpack import codes

REPO = Path(__file__).resolve().parent.parent

FROZEN = {
    "AP001": "yaml-syntax", "AP002": "control-character", "AP003": "not-utf8", "AP004": "cannot-read",
    "AP005": "file-too-large", "AP006": "too-many-values", "AP007": "too-deep", "AP008": "not-a-file",
    "AP009": "link-outside", "AP010": "programme-too-large", "AP011": "empty-file", "AP012": "only-comments",
    "AP013": "unsupported-tag", "AP014": "merge-key", "AP015": "key-not-text", "AP016": "duplicate-key",
    "AP017": "invalid-character",
    "AP100": "no-programmes", "AP101": "missing-programme-file", "AP102": "unknown-key", "AP103": "missing-key",
    "AP104": "unknown-role", "AP105": "unknown-pathway", "AP106": "unknown-questionnaire",
    "AP107": "unknown-guidance", "AP108": "unknown-component", "AP109": "unknown-section", "AP110": "duplicate-id",
    "AP111": "stage-order", "AP112": "reserved-id", "AP113": "duplicate-programme", "AP114": "programme-twice",
    "AP115": "not-a-mapping", "AP116": "not-a-list", "AP117": "invalid-id", "AP118": "unknown-value",
    "AP119": "too-long", "AP120": "empty-value", "AP121": "entry-count", "AP122": "out-of-range",
    "AP123": "wrong-type", "AP124": "date-out-of-range", "AP125": "incomplete-document",
    "AP126": "duplicate-document", "AP127": "scale-order", "AP128": "changelog-version", "AP129": "invalid-value",
    "AP130": "scale-point", "AP131": "scale-code", "AP132": "judgement", "AP133": "unknown-item",
    "AP134": "record-choices", "AP135": "duplicate-record-column", "AP136": "too-many-record-columns",
    "AP170": "missing-summary", "AP171": "missing-publisher", "AP172": "missing-licence", "AP173": "missing-date",
    "AP174": "missing-short-title", "AP175": "missing-role-description", "AP176": "missing-pathway-description",
    "AP177": "missing-outcome", "AP178": "missing-glyph", "AP180": "missing-translation-file", "AP181": "untranslated",
    "AP182": "stale-translation", "AP183": "bad-translations", "AP184": "bad-language-tag",
    "AP185": "bad-bilingual-first", "AP018": "bad-translation-file",
    "AP200": "unknown-language", "AP201": "output-folder", "AP202": "low-contrast", "AP203": "unusable-logo",
    "AP300": "no-school-letters", "AP301": "choose-programme", "AP302": "no-header", "AP303": "unknown-column",
    "AP304": "repeated-column", "AP305": "missing-column", "AP306": "extra-cells", "AP307": "same-folder",
    "AP308": "unusable-folder-name", "AP309": "not-replaced", "AP310": "not-written", "AP311": "school-language",
    "AP400": "invalid-epoch", "AP401": "not-a-version", "AP402": "folder-exists",
}
"""Every code ever given out, with its name. Editors and CI match on these: a line here is never
changed or removed. A new code is added here too; a retired one stays, and its number is not reused."""


def test_no_code_changes_meaning():
    current = {c.number: c.name for c in codes.CODES}
    changed = {n: (FROZEN[n], current[n]) for n in FROZEN.keys() & current.keys() if FROZEN[n] != current[n]}
    assert not changed, f"codes that now mean something else: {changed}"
    assert not current.keys() - FROZEN.keys(), "a new code: add it to FROZEN (it is then fixed for good)"
    assert not FROZEN.keys() - current.keys(), "a code was removed: retire it, but keep the number unused"


def test_codes_are_unique_well_formed_and_in_order():
    numbers = [c.number for c in codes.CODES]
    names = [c.name for c in codes.CODES]
    assert numbers == sorted(set(numbers)) and len(set(names)) == len(names)
    assert all(re.fullmatch(r"AP[0-4]\d\d", n) for n in numbers)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)
    assert all(c.severity in ("error", "warning") and c.summary for c in codes.CODES)
    assert str(codes.UNKNOWN_ROLE) == "AP104 unknown-role"


def test_the_docs_page_lists_every_code_and_no_other():
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == codes.codes_page(), "docs/errors.md is stale: run python -m auditpack.codes > docs/errors.md"
    listed = re.findall(r"^\| (AP\d{3}) \| `([a-z0-9-]+)` \|", page, flags=re.MULTILINE)
    assert listed == [(c.number, c.name) for c in codes.CODES]


def test_the_page_is_written_by_running_the_module():
    result = subprocess.run([sys.executable, "-m", "auditpack.codes"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0 and result.stdout == codes.codes_page()


def test_every_code_is_reported_somewhere():
    """A code in the table that no check reports would be documented for nothing."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "auditpack").rglob("*.py")
                        if p.name != "codes.py")
    constants = [name for name, value in vars(codes).items() if isinstance(value, codes.Code)]
    unused = [name for name in constants if not re.search(rf"\bcodes\.{name}\b", sources)]
    assert not unused
