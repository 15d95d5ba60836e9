"""Problems as data: ``check --format json`` for editors and CI, read back as they would read it, and
the same problems as people see them in text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditpack import codes
from auditpack.errors import ContentError, ContentErrors, Invalid, Location, problems_json

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd=REPO, entry=("build.py",)):
    command = [sys.executable, str(REPO / "build.py")] if entry == ("build.py",) else [sys.executable, "-m", *entry]
    return subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def broken(mini_project) -> Path:
    """The mini programme with five kinds of mistake, and an escape character in an id."""
    stages = mini_project / "content" / "mini" / "stages.yml"
    edit(stages, "kind: checkin-log", "kind: checkin-logg")
    edit(stages, "    outcome: Completed forms.", "    outcom: Completed forms.")
    edit(stages, "      - id: answer", "      - id: Answer Now")
    edit(stages, "owners: [staff]", "owners: [staf]")
    (mini_project / "content" / "mini" / "extra.yml").write_text(
        'guidance:\n  - id: "tab\\eout"\n    title: x\n    purpose: y\n    steps: [z]\n', encoding="utf-8")
    return mini_project


def test_check_json_lists_each_problem_with_its_code_and_place(broken):
    result = run("check", "--format", "json", "--project", str(broken))
    assert result.returncode == 1 and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["version"] == 1
    found = [(p["code"], p["name"], p["file"], p["line"], p["column"]) for p in report["problems"]]
    assert found == [
        ("AP117", "invalid-id", "content/mini/extra.yml", 2, 5),
        ("AP017", "invalid-character", "content/mini/extra.yml", 2, 9),
        ("AP118", "unknown-value", "content/mini/stages.yml", 23, 9),
        ("AP102", "unknown-key", "content/mini/stages.yml", 29, 5),
        ("AP117", "invalid-id", "content/mini/stages.yml", 31, 9),
        ("AP104", "unknown-role", "content/mini/stages.yml", 33, 9),
    ]
    role = report["problems"][-1]
    assert role == {"code": "AP104", "name": "unknown-role", "severity": "error", "file": "content/mini/stages.yml",
                    "line": 33, "column": 9, "message": "'owners': unknown role 'staf'",
                    "expected": "one of: advisor, lead, staff", "choices": ["advisor", "lead", "staff"],
                    "hint": "did you mean 'staff'?"}
    key = report["problems"][3]
    assert "outcome" in key["choices"] and key["hint"] == "did you mean 'outcome'?"
    assert "checkin-log" in report["problems"][2]["choices"]
    assert report["summary"] == {"errors": 6, "warnings": 0, "programmes": None}


def test_json_carries_any_character_as_written_and_none_raw(broken):
    result = run("check", "--format", "json", "--project", str(broken))
    assert result.stdout.isascii() and not any(c < " " and c != "\n" for c in result.stdout)
    first = json.loads(result.stdout)["problems"][0]
    assert first["message"] == "'id': 'tab\x1bout' is not a valid id"  # the id itself, not an escaped copy


def test_text_shows_the_same_problems_as_before(broken):
    """JSON and text are made from the same fields; text is worded exactly as it always was."""
    text = run("check", "--project", str(broken))
    report = json.loads(run("check", "--format", "json", "--project", str(broken)).stdout)
    assert text.returncode == 1 and text.stdout == ""
    stages = broken / "content" / "mini" / "stages.yml"
    assert (f"{stages}:33:9: 'owners': unknown role 'staf' (expected one of: advisor, lead, staff)\n"
            "            owners: [staf]\n            ^\n    hint: did you mean 'staff'?\n") in text.stderr
    for problem in report["problems"]:
        where = f"{broken / problem['file']}:{problem['line']}:{problem['column']}: "
        message = problem["message"].replace("\x1b", "\\x1b")  # text escapes what would act on a terminal
        assert where + message + f" (expected {problem['expected']})" in text.stderr
    assert text.stderr.endswith("6 problems found; nothing was written.\n")


def test_check_json_with_no_problems(mini_project):
    result = run("check", "--format", "json", "--project", str(mini_project), entry=("auditpack",))
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {"version": 1, "problems": [],
                                         "summary": {"errors": 0, "warnings": 0, "programmes": 1}}


def test_settings_problems_are_reported_at_their_line_relative_to_the_project(mini_project):
    (mini_project / "site_config.yml").write_text("site_name: X\npaper_size: A4\nlanguage: eng\n")
    result = run("check", "--format", "json", "--project", "mini", cwd=mini_project.parent)
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["file"], p["line"], p["column"]) for p in problems] == [
        ("AP102", "site_config.yml", 2, 1), ("AP200", "site_config.yml", 3, 1)]
    assert problems[0]["message"] == "unknown setting 'paper_size'" and "paper" in problems[0]["choices"]
    assert "en" in problems[1]["choices"]


def test_a_file_that_cannot_be_read_is_one_problem_without_a_line(mini_project):
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_bytes(stages.read_text().encode("utf-16"))
    result = run("check", "--format", "json", "--project", str(mini_project))
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["name"], problem["line"], problem["column"]) == ("AP003", "not-utf8", None, None)
    assert result.returncode == 1


def test_format_is_text_by_default_and_anything_else_is_a_usage_error(mini_project):
    assert run("check", "--project", str(mini_project)).stdout.startswith("mini: ")
    wrong = run("check", "--format", "xml", "--project", str(mini_project))
    assert wrong.returncode == 2 and "invalid choice: 'xml'" in wrong.stderr


def test_a_validator_reports_its_code_and_expected_values_as_fields(mini_project):
    """Nothing reads a message back: the code and choices arrive as they were raised (model.py)."""
    edit(mini_project / "content" / "mini" / "stages.yml", "guidance: running-it", "guidance: running")
    from auditpack import pipeline
    with pytest.raises(ContentErrors) as caught:
        pipeline.check(pipeline.Project.open(mini_project))
    [error] = caught.value.errors
    assert (error.code, error.choices) == (codes.UNKNOWN_GUIDANCE, ("running-it",))
    assert error.expected == "one of: running-it"
    assert error.hint == "did you mean 'running-it'?"


def test_collate_names_what_it_did_not_do():
    error = ContentError(codes.UNKNOWN_ROLE, Location("x.yml", 1, 2), "'owners': unknown role 'a'", choices=["b"])
    assert ContentErrors([error]).format(outcome="nothing was collated") == \
        "x.yml:1:2: 'owners': unknown role 'a' (expected one of: b)\n1 problem found; nothing was collated."


def test_problems_outside_the_project_keep_their_names(tmp_path):
    errors = [ContentError(codes.INVALID_EPOCH, Location("SOURCE_DATE_EPOCH"), "'x' is not a time"),
              ContentError(codes.UNKNOWN_PATHWAY, Location("--pathway"), "unknown pathway 'p'"),
              ContentError(codes.NOT_UTF8, Location(str(tmp_path.parent / "elsewhere.csv")), "this is not UTF-8 text")]
    files = {p["file"] for p in json.loads(problems_json(errors, tmp_path))["problems"]}
    assert files == {"--pathway", "SOURCE_DATE_EPOCH", str(tmp_path.parent / "elsewhere.csv")}


def test_invalid_is_a_value_error_pydantic_keeps():
    problem = Invalid(codes.SCALE_ORDER, "scale values must ascend", choices=["1", "2"])
    assert isinstance(problem, ValueError) and str(problem) == "scale values must ascend"
    assert problem.choices == ("1", "2")
