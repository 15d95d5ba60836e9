"""The plan of printable documents: every stage gets its three standard documents, and more where declared."""

from auditpack.documents import plan


def test_every_stage_has_the_standard_three(bundled_programmes):
    p = plan(bundled_programmes)
    for content in bundled_programmes:
        for stage in content.stages:
            kinds = [d.kind for d in p.for_stage(content, stage)]
            assert kinds[:1] == ["briefing"]
            assert {"briefing", "group-recording", "collation"} <= set(kinds)


def test_named_documents_of_the_seeds(bundled_programmes):
    p = plan(bundled_programmes)
    paths = {d.path for d in p.documents}
    assert "imhars/stage-3-audit/audit-timetable.pdf" in paths
    assert "imhars/stage-3-audit/checkin-log.pdf" in paths
    imhars = next(c for c in bundled_programmes if c.programme.id == "imhars")
    for component in imhars.components:
        assert f"imhars/stage-4-write-up/research-notes-{component.id}.pdf" in paths
        assert f"imhars/stage-4-write-up/short-report-{component.id}.pdf" in paths
    assert "blackpool-ara/stage-1-prepare/facilitator-guide.pdf" in paths
    assert "blackpool-ara/stage-2-individual-responses/response-form.pdf" in paths


def test_packs_bind_stage_documents(bundled_programmes):
    p = plan(bundled_programmes)
    for content in bundled_programmes:
        packs = p.packs_for(content)
        assert len(packs) == len(content.stages) + 1
        complete = packs[-1]
        assert complete.stage is None
        assert [d.path for d in complete.documents] == [d.path for d in p.for_programme(content)]


def test_unstaged_questionnaire_gets_a_response_form(mini_project):
    from auditpack.validate import load_programmes
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("      - kind: response-form\n        questionnaire: wellbeing\n", ""))
    p = plan(load_programmes(mini_project / "content"))
    assert "mini/general/response-form-wellbeing.pdf" in {d.path for d in p.documents}
