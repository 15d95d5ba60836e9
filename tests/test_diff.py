"""auditpack diff: changes matched by stable id, between folders or git revisions."""

import shutil
import subprocess

import pytest

from auditpack.diff import diff, format_changes, load_version
from auditpack.errors import ContentErrors
from auditpack.validate import load_programmes

from .conftest import FIXTURES
from .test_cli import run


def edited_copy(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(FIXTURES / "mini" / "content", new)
    guidance = new / "mini" / "guidance.yml"
    guidance.write_text(guidance.read_text()
                        .replace("Staff are kind to one another.", "Staff look out for one another.")
                        .replace("          - id: no-item\n            text: No\n", ""))
    stages = new / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("      - id: weekly-meeting", "      - id: thank-staff\n"
                      "        text: Thank everyone.\n        owners: [lead]\n      - id: weekly-meeting"))
    return new


def test_changes_by_stable_id(tmp_path):
    old = load_programmes(FIXTURES / "mini" / "content")
    new = load_programmes(edited_copy(tmp_path))
    found = {(c.kind, c.id, c.what) for c in diff(old, new)}
    assert found == {("item", "kind-staff", "reworded"), ("item", "no-item", "removed"),
                     ("task", "thank-staff", "added")}
    text = format_changes(diff(old, new))
    assert "- Staff are kind to one another.\n    + Staff look out for one another." in text
    assert text.endswith("1 added, 1 removed, 1 reworded, 0 moved")


def test_no_changes(tmp_path):
    same = load_programmes(FIXTURES / "mini" / "content")
    assert diff(same, same) == [] and format_changes([]).startswith("No differences")


def committed_project(tmp_path, before_commit=lambda project: None):
    """The mini project in a git repository of its own, committed once."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns("site", "build"))
    before_commit(project)
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "v1"], check=True)
    return project


def test_cli_with_git_revisions(tmp_path):
    project = committed_project(tmp_path)
    shutil.rmtree(project / "content")
    shutil.copytree(edited_copy(tmp_path), project / "content")
    result = run("diff", "HEAD", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert "reworded item kind-staff" in result.stdout and "added task thank-staff" in result.stdout
    bad = run("diff", "no-such-rev", "--project", str(project))
    assert bad.returncode == 1 and "neither a folder nor a git revision" in bad.stderr


def test_an_option_given_as_a_revision_never_reaches_git(tmp_path):
    """``git archive REVISION`` took '--output=FILE' for its option and emptied FILE."""
    project = committed_project(tmp_path)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    result = run("diff", "--project", str(project), "--", f"--output={victim}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (f"auditpack diff: error: '--output={victim}' is neither a folder nor a git revision "
                             "(a revision never starts with '-'; to name a folder that does, write ./ before it)\n")
    with pytest.raises(ContentErrors) as refused:  # the same name reaching diff.py another way
        load_version(f"--output={victim}", project, "content")
    assert "neither a folder nor a git revision" in refused.value.format()
    assert victim.read_text() == "keep me"


def test_links_in_a_revision_are_not_followed(tmp_path):
    """A committed symbolic link to a file outside the content folder is left out, not read (nor a
    traceback from the tar extraction that used to refuse it)."""
    outside = tmp_path / "outside.yml"
    outside.write_text("roles: [{id: spy, name: Spy, description: Reads what it should not.}]\n")

    def link(project):
        (project / "content" / "mini" / "extra.yml").symlink_to(outside)
        (project / "content" / "mini" / "extra2.yml").symlink_to("../../../outside.yml")

    project = committed_project(tmp_path, link)
    result = run("diff", "HEAD", str(FIXTURES / "mini" / "content"), "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("No differences")


def test_a_file_or_a_folder_without_programmes_is_refused_before_anything_is_read(tmp_path):
    """``diff /`` used to search the whole disk for YAML files."""
    other = tmp_path / "other"
    (other / "notes" / "deep").mkdir(parents=True)
    (other / "notes" / "deep" / "a.yml").write_text("{{{")
    (other / "readme.txt").write_text("not content")
    project = FIXTURES / "mini"
    for spec, problem in ((other, "a folder with no programme in it"), (other / "readme.txt", "a file, not a folder")):
        result = run("diff", str(spec), "--project", str(project))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"{spec}: {problem} (expected a content folder, a programme folder, "
                                        "or a git revision such as HEAD~1 or v1.0)")
