"""The bundled programmes are modelled completely: every stage, task, role, item and scale point."""

import pytest


@pytest.fixture(scope="module")
def programmes(bundled_programmes):
    return {c.programme.id: c for c in bundled_programmes}


def test_imhars_shape(programmes):
    imhars = programmes["imhars"]
    assert [s.number for s in imhars.stages] == [1, 2, 3, 4, 5]
    assert [len(s.tasks) for s in imhars.stages] == [6, 4, 4, 5, 5]
    assert {p.id for p in imhars.pathways} == {"borough-partnership", "self-led"}
    assert len(imhars.components) == 8
    assert all(c.effort_days == 1.5 for c in imhars.components)


def test_imhars_partnership_tasks_are_marked(programmes):
    stages = programmes["imhars"].stages
    partnership = [t.id for s in stages for t in s.tasks if t.pathway == "borough-partnership"]
    self_led = [t.id for s in stages for t in s.tasks if t.pathway == "self-led"]
    assert len(partnership) >= 4 and len(self_led) >= 3
    weekly = [t for s in stages for t in s.tasks if t.time == "30 minutes a week"]
    assert len(weekly) == 1 and "senior-leader" in weekly[0].owners


def test_staff_audit_shape(programmes):
    ara = programmes["blackpool-ara"]
    [q] = ara.questionnaires
    assert len(q.items) == 21
    assert len({i.id for i in q.items}) == 21
    assert [d.question for d in q.dimensions][0] == "How well are you doing?"
    assert all(d.dont_know for d in q.dimensions) and len(q.dimensions) == 2
    assert [p.value for p in q.scale] == [1, 2, 3, 4]
    assert q.dont_know_label == "I don't know"
    [guide] = ara.guidance
    assert len(guide.steps) == 5 and len(guide.aims) == 4


def test_every_role_is_used_or_described(programmes):
    for content in programmes.values():
        owners = {o for s in content.stages for t in s.tasks for o in t.owners}
        assert owners <= {r.id for r in content.roles}
