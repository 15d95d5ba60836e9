"""auditpack new: a new programme builds first time."""

import pytest

from auditpack import pipeline

from .test_cli import run


@pytest.mark.slow
def test_new_programme_checks_and_builds(tmp_path):
    result = run("new", "staff-wellbeing", "--title", "Staff wellbeing: a “quick” check", "--project", str(tmp_path))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "content" / "staff-wellbeing"
    assert (folder / "programme.yml").read_text().startswith("# yaml-language-server: $schema=../../schema/")
    assert (tmp_path / "schema" / "content.schema.json").is_file()
    [content] = pipeline.check(pipeline.Project.open(tmp_path))
    assert content.programme.title == "Staff wellbeing: a “quick” check"
    checked = run("check", "--project", str(tmp_path))  # no placeholder is printed: check asks for them
    assert checked.returncode == 0 and "[AP171 missing-publisher]" in checked.stderr
    assert "[AP172 missing-licence]" in checked.stderr and content.programme.licence is None
    (tmp_path / "site_config.yml").write_text("variants: []\n")
    assert run("build", "-q", "--project", str(tmp_path)).returncode == 0
    assert (tmp_path / "site" / "downloads" / "staff-wellbeing" / "staff-wellbeing-complete-pack.pdf").is_file()


def test_new_refuses_bad_or_existing_ids(tmp_path):
    assert run("new", "Bad_Id", "--project", str(tmp_path)).returncode == 1
    assert run("new", "ok", "--project", str(tmp_path)).returncode == 0
    again = run("new", "ok", "--project", str(tmp_path))
    assert again.returncode == 1 and "already exists" in again.stderr
