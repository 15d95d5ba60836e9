"""The bundled programmes are modelled completely: every stage, task, role, item and scale point."""

import pytest

from .test_cli import run


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
    assert q.dimensions[0].question == "How well are you doing?"
    assert all(d.dont_know for d in q.dimensions) and len(q.dimensions) == 2
    assert [p.value for p in q.scale] == [1, 2, 3, 4]
    assert q.dont_know_label == "I don't know"
    [guide] = ara.guidance
    assert len(guide.steps) == 5 and len(guide.aims) == 4


def test_wellbeing_review_shape(programmes):
    """The third example: eight principles of three to five statements each, rated on one question
    by staff groups, the pupil council and a parent forum, over three stages."""
    review = programmes["wellbeing-review"]
    assert [s.id for s in review.stages] == ["prepare", "review-in-groups", "agree-and-act"]
    [q] = review.questionnaires
    assert len(q.sections) == 8 and all(3 <= len(s.items) <= 5 for s in q.sections)
    assert q.scale_kind == "categorical" and [p.key for p in q.scale] == ["R", "A", "G"]
    assert [p.label for p in q.scale] == ["Red", "Amber", "Green"] and q.dont_know_label == "Don't know"
    assert q.judgement is not None and (q.judgement.strength, q.judgement.need) == (["G"], ["R"])
    assert len(q.dimensions) == 1 and q.dimensions[0].dont_know
    assert {"all-staff", "pupil-council", "parent-forum"} <= set(q.respondents)
    assert [(c.id, c.kind) for c in q.record_columns or []] == \
        [("evidence", "text"), ("actions-now", "text"), ("actions-later", "text")]
    assert any(d.kind == "group-rating" for d in review.stages[1].documents)
    sections = {a.id: [q.section_number(q.section(s)) for s in a.sections] for a in q.audiences}
    assert sections == {"staff": [], "pupils": [2, 3, 4], "parents": [2, 7]}
    assert len(review.guidance) == 3


def test_every_role_is_used_or_described(programmes):
    for content in programmes.values():
        owners = {o for s in content.stages for t in s.tasks for o in t.owners}
        assert owners <= {r.id for r in content.roles}


@pytest.mark.slow
@pytest.mark.parametrize("published", ["1969-12-31", "2106-02-08"])
def test_a_publication_date_output_cannot_be_stamped_with_is_a_located_problem(mini_project, published):
    """The build is dated by it, in 32 bits since 1970; 'check' used to pass such a date and 'build'
    to stop with a traceback from gzip or fontTools."""
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text().replace("published: 2026-01-15", f"published: {published}"))
    for command in ("check", "build"):
        result = run(command, "--project", str(mini_project))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(
            f"{programme}:8:3: 'published': {published} is a date the site and PDFs cannot be stamped with "
            "(expected a date from 1970-01-01 to 2106-02-07)")
    assert not (mini_project / "site").exists()


@pytest.mark.slow
def test_the_latest_publication_date_allowed_builds(mini_project):
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text().replace("published: 2026-01-15", "published: 2106-02-07"))
    result = run("build", "-q", "--project", str(mini_project))
    assert result.returncode == 0, result.stderr
