"""Scale kinds: a categorical scale (R, A, G) is validated, counted and reported by its codes, never by numbers.

The fixture programme tests/fixtures/rag has one questionnaire rated Red, Amber or Green with "Don't know",
whose judgement makes G a strength and R a need.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from auditpack import codes, pipeline, wording
from auditpack.answer_formats import allowed_values, blank_sheet, write_sheet
from auditpack.collate.answers import Counted, Inputs
from auditpack.collate.readers import Target
from auditpack.collate.report import statistics_csv
from auditpack.collate.tally import collate
from auditpack.collate.tally_csv import read_tally
from auditpack.validate import load_programme

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAG = FIXTURES / "rag"
QUESTIONNAIRE = "content/rag/questionnaire.yml"


def rag_content():
    return pipeline.check(pipeline.Project.open(RAG))[0]


def rag_target(content=None) -> Target:
    content = content or rag_content()
    return Target(content, content.questionnaire("principles"))


def counted(counts: dict[tuple[str, str], Counter]) -> Inputs:
    return Inputs([Counted("sheet.csv", "tally", "d", counts, max(sum(c.values()) for c in counts.values()))])


@pytest.fixture
def rag_project(tmp_path) -> Path:
    shutil.copytree(RAG, tmp_path / "rag")
    return tmp_path / "rag"


def problems_after(project: Path, old: str, new: str) -> list:
    path = project / QUESTIONNAIRE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    content, errors = load_programme(project / "content" / "rag")
    assert content is None
    return errors


def test_answer_keys_are_codes_for_a_categorical_scale_and_numbers_for_an_ordinal_one():
    q = rag_content().questionnaire("principles")
    assert not q.ordinal and [p.key for p in q.scale] == ["R", "A", "G"]
    assert allowed_values(q, q.dimensions[0]) == ["R", "A", "G", "dk"]
    assert wording.choices(q) == "one of R, A or G" and wording.noun(q) == "answer"
    mini = pipeline.check(pipeline.Project.open(FIXTURES / "mini"))[0].questionnaire("wellbeing")
    assert mini.ordinal and [p.key for p in mini.scale] == ["1", "2", "3", "4"]
    assert wording.choices(mini) == "a score from 1 to 4"


@pytest.mark.parametrize("old, new, code, line, words", [
    ("      - code: A\n", "      - label: Amber\n", codes.SCALE_POINT, 11,
     "point 'Amber' of a categorical scale has no 'code'"),
    ("      - code: G\n", "      - code: R\n", codes.SCALE_CODE, 14, "code 'R' is already used by point 'Red'"),
    ("      - code: G\n", "      - code: dk\n", codes.SCALE_CODE, 14, "code 'dk' is already used by the answer 'dk'"),
    ("      - code: G\n", "      - code: r\n", codes.SCALE_CODE, 14, "code 'r' is already used by point 'Red'"),
    ("      - code: A\n", "      - code: A\n        value: 2\n", codes.SCALE_POINT, 12,
     "point 'Amber' has a 'value', which a categorical scale does not use"),
    ("    scale_kind: categorical\n", "", codes.SCALE_POINT, 7, "point 'Red' of an ordinal scale has no 'value'"),
    ("      need: [R]\n", "      need: [X]\n", codes.JUDGEMENT, 20, "'need' names code 'X', which no point"),
    ("      need: [R]\n", "      need: [G]\n", codes.JUDGEMENT, 20, "code 'G' counts both as a strength and as a need"),
    ("      share: 0.5\n", "      share: 0.5\n      need_below: 2\n", codes.JUDGEMENT, 22,
     "'need_below' compares medians, which a categorical scale has none of"),
    ("      - code: A\n", "      - code: Amber\n", codes.SCALE_CODE, 11, "'Amber' is not a code"),
])
def test_a_bad_categorical_scale_is_a_located_problem(rag_project, old, new, code, line, words):
    errors = problems_after(rag_project, old, new)
    found = [e for e in errors if e.code == code]
    assert found, [f"{e.code} {e.message}" for e in errors]
    assert words in found[0].message
    assert found[0].location.line == line, found[0].message


def test_an_ordinal_judgement_that_names_codes_is_refused(tmp_path):
    project = shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    path = project / "content" / "mini" / "guidance.yml"
    rule = "    judgement:\n      need: [R]\n    dimensions:\n"
    path.write_text(path.read_text().replace("    dimensions:\n", rule, 1))
    content, errors = load_programme(project / "content" / "mini")
    assert content is None
    [problem] = errors
    assert problem.code == codes.JUDGEMENT and "'need' lists codes, which an ordinal scale has none of" in \
        problem.message and problem.location.line == 23


def test_counts_shares_and_the_most_common_answer_with_no_median_or_mean():
    totals = {("leaders-value", "rating"): Counter({"G": 4, "A": 1, "dk": 1}),
              ("plan-exists", "rating"): Counter({"R": 3, "A": 3, "G": 1}),
              ("pupils-heard", "rating"): Counter({"A": 5, "R": 1})}
    c = collate(rag_target(), counted(totals))
    leaders, plan, pupils = c.items
    [x] = leaders.questions
    assert x.counts == (0, 1, 4) and x.dont_know == 1 and x.answers == 6
    assert x.median is None and x.mean is None and leaders.gap is None
    assert x.most_common == ("G",) and plan.questions[0].most_common == ("R", "A")
    assert [round(s, 3) for s in x.shares] == [0.0, 0.167, 0.667, 0.167]
    assert leaders.strength and not leaders.need  # 4 of 5 G
    assert not plan.need and not plan.strength  # 3 of 7 R is under half
    assert not pupils.strength and not pupils.need
    assert [r.item.id for r in c.strengths] == ["leaders-value"] and [r.item.id for r in c.needs] == []
    stats = list(csv.DictReader(io.StringIO(statistics_csv(c).lstrip("\ufeff"))))
    assert "median" not in stats[0] and "mean" not in stats[0] and "gap" not in stats[0]
    assert stats[0]["share_G"] == "0.667" and stats[0]["most_common"] == "G" and stats[1]["most_common"] == "R A"


def test_a_need_by_the_declared_share(rag_project):
    path = rag_project / QUESTIONNAIRE
    path.write_text(path.read_text().replace("share: 0.5", "share: 0.4"))
    content = pipeline.check(pipeline.Project.open(rag_project))[0]
    totals = {("plan-exists", "rating"): Counter({"R": 3, "A": 3, "G": 1})}
    c = collate(rag_target(content), counted(totals))
    assert [r.item.id for r in c.needs] == ["plan-exists"]


def test_without_a_judgement_no_statement_is_judged(rag_project):
    path = rag_project / QUESTIONNAIRE
    path.write_text(re.sub(r"    judgement:\n(      .*\n)+", "", path.read_text()))
    content = pipeline.check(pipeline.Project.open(rag_project))[0]
    c = collate(rag_target(content), counted({("leaders-value", "rating"): Counter({"G": 9})}))
    assert not c.strengths and not c.needs and c.items[0].questions[0].most_common == ("G",)


def test_the_tally_sheet_round_trips_codes_in_either_case():
    q = rag_content().questionnaire("principles")
    assert blank_sheet(q).splitlines()[0].endswith("rating_R,rating_A,rating_G,rating_dk")
    counts = {("leaders-value", "rating"): Counter({"R": 2, "G": 3, "dk": 1}),
              ("pupils-heard", "rating"): Counter({"A": 4})}
    sheet = write_sheet(q, counts)
    assert read_tally(sheet.encode(), q).counts == counts
    lower = sheet.replace("rating_R,rating_A,rating_G", "rating_r,rating_a,rating_g")
    assert read_tally(lower.encode(), q).counts == counts


def test_an_ordinal_tally_column_names_the_scale_in_its_message():
    from auditpack.collate.answers import Unusable

    q = rag_content().questionnaire("principles")
    sheet = blank_sheet(q).replace("rating_A", "rating_B")
    with pytest.raises(Unusable, match=r"'b' is not an answer to 'rating' \(the answers are R, A or G, plus dk\)"):
        read_tally(sheet.encode(), q)


def test_a_declared_ordinal_rule_is_used_and_printed(tmp_path):
    from auditpack.collate.report import render_print_html

    project = shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    path = project / "content" / "mini" / "guidance.yml"
    rule = "    judgement:\n      need_below: 2\n      gap: 2\n    dimensions:\n"
    path.write_text(path.read_text().replace("    dimensions:\n", rule, 1))
    content = pipeline.check(pipeline.Project.open(project))[0]
    q = content.questionnaire("wellbeing")
    totals = {("kind-staff", "doing"): Counter({"2": 5}), ("kind-staff", "support"): Counter({"3": 5})}
    declared = collate(Target(content, q), counted(totals))
    default = collate(Target(content, q.model_copy(update={"judgement": None})), counted(totals))
    assert default.items[0].need and not declared.items[0].need  # a median of 2 is below 2.5, not below 2
    with pipeline.renderer(pipeline.Project.open(project), pipeline.build_date([content])) as renderer:
        shown = render_print_html(declared, renderer)
        usual = render_print_html(default, renderer)
    assert "the median of some question is below 2, or the gap is 2 or more" in shown
    assert "the median of some question is below the middle of the scale (below 2.5), or the gap is 1 or more" in usual
