"""Statistics and findings: medians, gaps, the strength / need / communication rules, and privacy suppression."""

from __future__ import annotations

from collections import Counter

import pytest

from auditpack.collate.answers import Counted, Inputs
from auditpack.collate.readers import Target
from auditpack.collate.tally import QuestionResult, Rules, collate

from .test_collate_filling import mini_content

CONTENT = mini_content()
Q = CONTENT.questionnaire("wellbeing")
TARGET = Target(CONTENT, Q)
DOING, SUPPORT = Q.dimensions


def _inputs(**answers) -> Inputs:
    """One tally per call: ``kind_staff_doing="1122dk"`` means answers 1, 1, 2, 2 and one 'dk'."""
    counts = {}
    for key, text in answers.items():
        *item, dim = key.split("_")
        values = text.replace("dk", "?")
        counts[("-".join(item), dim)] = Counter("dk" if v == "?" else v for v in values)
    most = max(sum(c.values()) for c in counts.values())
    return Inputs([Counted("sheet.csv", "tally", "0" * 64, counts, most)])


def _question(values: str, dont_know: int = 0, dim=DOING) -> QuestionResult:
    counts = Counter(values)
    return QuestionResult(dim, (1, 2, 3, 4), tuple(counts.get(str(v), 0) for v in (1, 2, 3, 4)), dont_know, False)


@pytest.mark.parametrize("values, median, mean", [
    ("1", 1, 1), ("12", 1.5, 1.5), ("123", 2, 2), ("1234", 2.5, 2.5), ("44441", 4, 3.4), ("1122334", 2, 16 / 7),
    ("", None, None),
])
def test_median_and_mean(values, median, mean):
    x = _question(values)
    assert x.median == median
    assert x.mean == pytest.approx(mean) if mean is not None else x.mean is None


def test_dont_know_is_left_out_of_scores_but_counted_in_answers():
    x = _question("34", dont_know=2)
    assert (x.scored, x.answers, x.median, x.dont_know_rate) == (2, 4, 3.5, 0.5)


def test_strength_need_gap_and_communication_rules():
    c = collate(TARGET, _inputs(
        kind_staff_doing="34443", kind_staff_support="34344",         # strength: both high, no gap
        no_item_doing="44443", no_item_support="22234",               # need: support low, gap 4 - 2 = 2
        calm_rooms_doing="3344?", calm_rooms_support="????3",        # communicate: 80% "don't know"
    ), Rules())
    kind, no_item, calm = c.items
    assert (kind.strength, kind.need, kind.gap) == (True, False, 0)
    assert (no_item.need_low, no_item.need_gap, no_item.gap, no_item.strength) == (True, True, 2, False)
    assert calm.communicate and calm.highest_dont_know.dont_know_rate == 0.8
    assert [r.item.id for r in c.strengths] == ["kind-staff"]
    assert [r.item.id for r in c.needs] == ["no-item"]
    assert [r.item.id for r in c.communicate] == ["calm-rooms"]


def test_gap_alone_makes_a_need_and_a_negative_gap_does_not():
    c = collate(TARGET, _inputs(kind_staff_doing="44444", kind_staff_support="33333",
                                no_item_doing="33333", no_item_support="44444"), Rules())
    kind, no_item, _ = c.items
    assert (kind.gap, kind.need, kind.strength) == (1, True, False)
    assert (no_item.gap, no_item.need, no_item.strength) == (-1, False, True)


def test_needs_are_ranked_by_weaker_median_then_mean_then_gap():
    c = collate(TARGET, _inputs(
        kind_staff_doing="44444", kind_staff_support="11122",     # weaker: median 1
        no_item_doing="22222", no_item_support="22222",           # weaker: median 2, mean 2
        calm_rooms_doing="11222", calm_rooms_support="11222",     # weaker: median 2, mean 1.6
    ), Rules(actions=2))
    assert [r.item.id for r in c.needs] == ["kind-staff", "calm-rooms", "no-item"]
    assert [r.item.id for r in c.actions] == ["kind-staff", "calm-rooms"]


def test_fewer_answers_than_the_threshold_are_suppressed_and_in_no_list():
    c = collate(TARGET, _inputs(kind_staff_doing="1111", kind_staff_support="11111",
                                no_item_doing="11111", no_item_support="11111"), Rules(min_answers=5))
    kind, no_item, calm = c.items
    assert kind.questions[0].suppressed and not kind.questions[1].suppressed
    assert not kind.need and not kind.strength, "a suppressed question cannot make a finding"
    assert no_item.need
    assert calm.questions[0].suppressed and calm.questions[0].answers == 0
    assert c.hidden == {("kind-staff", "doing"), ("calm-rooms", "doing"), ("calm-rooms", "support")}
    assert c.suppressed_questions == 1, "questions with no answers at all are not 'suppressed' breakdowns"
    people = c.sections[0]
    assert people.pooled[0].counts == (5, 0, 0, 0), "suppressed answers stay out of section totals too"


def test_threshold_is_configurable():
    inputs = _inputs(kind_staff_doing="12", kind_staff_support="34")
    assert not collate(TARGET, inputs, Rules(min_answers=5)).any_shown
    assert collate(TARGET, inputs, Rules(min_answers=2)).items[0].questions[0].median == 1.5


def test_dont_know_threshold_is_configurable():
    inputs = _inputs(kind_staff_doing="1111?", kind_staff_support="22222")
    assert collate(TARGET, inputs, Rules(dont_know_share=0.2)).items[0].communicate
    assert not collate(TARGET, inputs, Rules(dont_know_share=0.25)).items[0].communicate


def test_too_few_scores_make_no_finding_even_when_shown():
    c = collate(TARGET, _inputs(kind_staff_doing="44?", kind_staff_support="4444"), Rules(min_answers=3))
    kind = c.items[0]
    assert not kind.questions[0].suppressed and kind.questions[0].median == 4
    assert (kind.strength, kind.need) == (False, False)


def test_all_dont_know_has_no_median_and_no_strength_or_need():
    c = collate(TARGET, _inputs(kind_staff_doing="?????", kind_staff_support="44444"), Rules())
    kind = c.items[0]
    assert kind.questions[0].median is None and kind.gap is None
    assert (kind.strength, kind.need, kind.communicate) == (False, False, True)


def test_versions_and_unknown_ids_are_gathered_for_the_report():
    counted = [Counted("a.json", "online", "a", {("kind-staff", "doing"): Counter({"1": 1})}, 1, "1.0",
                       ("statement 'old'",)),
               Counted("b.json", "online", "b", {("kind-staff", "doing"): Counter({"2": 1})}, 1, "2.1")]
    c = collate(TARGET, Inputs(counted), Rules())
    assert c.other_versions == {"1.0": 1}
    assert c.unknown == [("a.json", "statement 'old'")]
