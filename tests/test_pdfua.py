"""An accessibility checker the project does not use to write its PDFs (``pdfua``, on pikepdf) run on every
PDF of the bundled programmes: every kind, variant and pack, and a school's stamped copies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pdfua import validate

from auditpack import documents, pipeline

ALLOWED: dict[str, str] = {}
"""Checker rule id -> why a finding of it is left. Empty: every PDF passes with no error and no warning."""


def findings(paths: list[Path]) -> tuple[Counter, list[str]]:
    """Findings by rule over ``paths``, and the ones not allowed (with their file), printed for the log."""
    counts: Counter = Counter()
    refused = []
    for path in paths:
        for finding in validate(str(path)).findings:
            counts[(finding.rule_id, finding.severity.name)] += 1
            if finding.rule_id not in ALLOWED:
                refused.append(f"{path.name}: {finding.rule_id} {finding.severity.name} {finding.message}")
    print(f"pdfua on {len(paths)} PDFs: {sum(counts.values())} finding(s)")
    for (rule, severity), count in sorted(counts.items()):
        print(f"  {rule} {severity} x{count}: left because {ALLOWED.get(rule, 'NOT ALLOWED')}")
    return counts, refused


@pytest.mark.slow
def test_every_kind_variant_and_pack_passes_the_checker(bundled_build):
    project = pipeline.Project.open(bundled_build)
    checked = pipeline.checked(project)
    source = pipeline.editions(project, checked.programmes, checked.translated)[0]  # every bilingual form too
    plan = documents.plan(source.programmes, tuple(project.config.variants), bilingual=source.bilingual)
    downloads = bundled_build / "site" / "downloads"
    paths = [downloads / d.path for d in plan.all_documents] + [downloads / p.path for p in plan.packs]
    assert {d.kind for d in plan.all_documents} == {d.kind for d in plan.documents}  # variants add no kind
    assert {d.variant for d in plan.variants} >= {"large-print", "fillable", "bilingual"} and plan.packs
    assert all(path.is_file() for path in paths)
    _, refused = findings(paths)
    assert not refused, "\n".join(refused[:20])


@pytest.mark.slow
def test_a_schools_stamped_copies_pass_the_checker(school_build, bundled_programmes):
    """Every document and pack of every programme, with a long school name (apostrophes, an ampersand)
    stamped in after rendering."""
    paths = sorted(school_build.rglob("*.pdf"))
    made = {path.relative_to(school_build).parts[0] for path in paths}
    assert made == {content.programme.id for content in bundled_programmes}
    _, refused = findings(paths)
    assert not refused, "\n".join(refused[:20])
