"""auditpack diff: changes matched by stable id, between folders or git revisions."""

import shutil
import subprocess

from auditpack.diff import diff, format_changes
from auditpack.validate import load_programmes

from .conftest import FIXTURES
from .test_cli import run


def edited_copy(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(FIXTURES / "mini" / "content", new)
    guidance = new / "mini" / "guidance.yml"
    guidance.write_text(guidance.read_text().replace("Staff are kind to one another.", "Staff look out for one another.")
                        .replace("          - id: no-item\n            text: No\n", ""))
    stages = new / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("      - id: weekly-meeting", "      - id: thank-staff\n"
                      "        text: Thank everyone.\n        owners: [lead]\n      - id: weekly-meeting"))
    return new


def test_changes_by_stable_id(tmp_path):
    old = load_programmes(FIXTURES / "mini" / "content")
    new = load_programmes(edited_copy(tmp_path))
    found = {(c.kind, c.id, c.what) for c in diff(old, new)}
    assert found == {("item", "kind-staff", "reworded"), ("item", "no-item", "removed"), ("task", "thank-staff", "added")}
    text = format_changes(diff(old, new))
    assert "- Staff are kind to one another.\n    + Staff look out for one another." in text
    assert text.endswith("1 added, 1 removed, 1 reworded, 0 moved")


def test_no_changes(tmp_path):
    same = load_programmes(FIXTURES / "mini" / "content")
    assert diff(same, same) == [] and format_changes([]).startswith("No differences")


def test_cli_with_git_revisions(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns("site", "build"))
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "v1"], check=True)
    shutil.rmtree(project / "content")
    shutil.copytree(edited_copy(tmp_path), project / "content")
    result = run("diff", "HEAD", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert "reworded item kind-staff" in result.stdout and "added task thank-staff" in result.stdout
    bad = run("diff", "no-such-rev", "--project", str(project))
    assert bad.returncode == 1 and "neither a folder nor a git revision" in bad.stderr
