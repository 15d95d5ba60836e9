"""``auditpack collate`` as a user runs it: exit codes, messages without tracebacks, and what is written."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from auditpack.collate import cli, tally_csv
from auditpack.template_folders import PACKAGED

from .test_collate_filling import FIXTURES, RESPONSES, fill_pypdf, mini_content, mini_form  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parent.parent


def parse(*argv: str) -> argparse.Namespace:
    top = argparse.ArgumentParser(prog="auditpack")
    cli.add_parser(top.add_subparsers(dest="command"))
    return top.parse_args(["collate", *argv])


def run_module(*argv: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """The command in a fresh process, as a person would run it before it is wired into auditpack."""
    return subprocess.run([sys.executable, "-m", "auditpack.collate.cli", *argv], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"})


@pytest.mark.slow
def test_collates_a_folder_and_reports_skipped_files(tmp_path, capsys):
    out = tmp_path / "report"
    status = cli.run(parse("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", str(out),
                           str(RESPONSES)))
    printed = capsys.readouterr()
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == [".auditpack-output", "charts", "collation-report.html",
                                                    "collation-report.pdf", "statistics.csv", "tallies.csv"]
    assert "Counted 13 responses from 5 files; skipped 19" in printed.out
    assert "skipped  " in printed.err and "notes.txt: it is not a PDF, JSON or CSV file" in printed.err


def test_default_output_folder_is_named_for_the_questionnaire(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = cli.run(parse("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "-q",
                           str(RESPONSES / "mini")))
    assert status == 0 and (tmp_path / "collation-wellbeing" / "collation-report.pdf").is_file()


@pytest.mark.slow
def test_other_files_in_the_output_folder_are_left_alone(tmp_path):
    """In a folder collate made (and marked), a second report leaves the files put beside the first."""
    out = tmp_path / "out"
    argv = ("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", str(out), "-q",
            str(RESPONSES / "mini"))
    assert cli.run(parse(*argv)) == 0
    (out / "minutes.docx").write_bytes(b"keep me")
    assert cli.run(parse(*argv)) == 0
    assert (out / "minutes.docx").read_bytes() == b"keep me"


def test_nothing_counted_is_exit_1_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_module("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", str(out),
                        str(RESPONSES / "bad"))
    assert result.returncode == 1
    assert "no answers to 'wellbeing' could be counted from 17 files; no report was written." in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


@pytest.mark.parametrize("argv, message", [
    (["--questionnaire", "nope"], "no questionnaire 'nope' (expected one of: wellbeing (mini))"),
    (["--questionnaire", "wellbeing", "--programme", "other"], "no programme 'other' (expected one of: mini)"),
])
def test_unknown_questionnaire_or_programme_is_exit_2(argv, message):
    result = run_module("--project", str(FIXTURES / "mini"), *argv, str(RESPONSES))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_same_questionnaire_id_in_two_programmes_needs_programme(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "mini", project)
    twin = project / "content" / "twin"
    shutil.copytree(project / "content" / "mini", twin)
    programme = twin / "programme.yml"
    programme.write_text(programme.read_text().replace("id: mini", "id: twin"))
    result = run_module("--project", str(project), "--questionnaire", "wellbeing", "--out", str(tmp_path / "o"),
                        str(RESPONSES / "mini"))
    assert result.returncode == 2
    assert "questionnaire 'wellbeing' is in more than one programme (mini, twin); choose one with --programme" \
        in result.stderr
    result = run_module("--project", str(project), "--questionnaire", "wellbeing", "--programme", "twin", "-q",
                        "--out", str(tmp_path / "o"), str(RESPONSES / "mini"))
    assert result.returncode == 0, result.stderr


def test_output_folder_that_is_an_input_folder_is_refused(tmp_path):
    shutil.copytree(RESPONSES / "mini", tmp_path / "in")
    result = run_module("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing",
                        "--out", str(tmp_path / "in"), str(tmp_path / "in"))
    assert result.returncode == 2 and "is also an input folder" in result.stderr


def test_content_errors_are_reported_like_check(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "mini", project)
    stages = project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("owners: [staff]", "owners: [stuff]"))
    result = run_module("--project", str(project), "--questionnaire", "wellbeing", str(RESPONSES))
    assert result.returncode == 1
    assert "'owners': unknown role 'stuff'" in result.stderr and "nothing was collated" in result.stderr
    assert "Traceback" not in result.stderr


def test_project_templates_without_the_report_templates_use_auditpacks(tmp_path):
    """A project with its own copy of older templates, made before the report existed: the report's
    templates come from auditpack, as every template a project does not override does."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(PACKAGED, project / "templates", ignore=shutil.ignore_patterns("collation-report*", "report"))
    result = run_module("--project", str(project), "--questionnaire", "wellbeing", "--out", str(tmp_path / "o"),
                        str(RESPONSES / "mini"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (tmp_path / "o" / "collation-report.pdf").is_file()


@pytest.mark.parametrize("option, value, message", [
    ("--min-responses", "0", "0 is less than 1"),
    ("--dont-know-threshold", "140", "140 is not between 0 and 100"),
    ("--actions", "many", "'many' is not a whole number"),
])
def test_bad_option_values_are_usage_errors(option, value, message):
    result = run_module("--questionnaire", "wellbeing", option, value, str(RESPONSES))
    assert result.returncode == 2 and message in result.stderr and "usage:" in result.stderr


def test_options_reach_the_report(tmp_path):
    out = tmp_path / "out"
    assert cli.run(parse("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", str(out),
                         "--min-responses", "9", "--dont-know-threshold", "10%", "--actions", "1", "-q",
                         "--school", "Hillside Primary", str(RESPONSES))) == 0
    html = (out / "collation-report.html").read_text()
    assert "Fewer than 9 answers: not shown" in html and "10% or more answered" in html
    assert "Hillside Primary" in html


def test_wired_into_auditpack_when_the_main_command_knows_it():
    """Runs once ``collate`` is added to auditpack/cli.py; until then there is nothing to check."""
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "collate", "--help"], capture_output=True,
                            text=True, cwd=REPO)
    if "--questionnaire" not in result.stdout:
        pytest.skip("collate is not yet wired into auditpack's main command")
    assert result.returncode == 0 and "RESPONSES" in result.stdout


def _export(answers: dict, **fields) -> bytes:
    document = {"format": "auditpack-response", "format_version": 1, "programme": "mini",
                "questionnaire": "wellbeing", "version": "2.1", "answers": answers, **fields}
    return json.dumps(document).encode()


@pytest.mark.slow
def test_hostile_inputs_are_each_skipped_with_a_reason_and_the_rest_counted(mini_form, tmp_path):
    """Files made to break a reader: none may stop the collation, and no reason or report quotes raw bytes."""
    header = ",".join(tally_csv.header(mini_content().questionnaire("wellbeing")))
    row = "kind-staff,1,People,x,1,2,,,,,,,,"
    filled = fill_pypdf(mini_form, {("kind-staff", "doing"): "3"}, tmp_path / "filled.pdf").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("form.txt", "not a form")
    deep = 0
    for _ in range(900):
        deep = [deep]
    files: dict[str, tuple[bytes, str | None]] = {  # name: (content, reason it is skipped, or None: counted)
        "huge-number.json": (_export({}, revision=0).replace(b'"revision": 0', b'"revision": ' + b"9" * 5000),
                             "it holds a number 5,000 digits long, which no export from the online form has"),
        "not-a-number.json": (_export({"kind-staff": {"doing": "3"}}, revision=float("nan")),
                              "it is not valid JSON (NaN is not a JSON value)"),
        "a-list.json": (b"[1, 2]", "it is JSON, but not an export from the online form"),
        "deep-answer.json": (_export({"kind-staff": {"doing": {"\u202e": deep}}}), "not a score or 'dk'"),
        "odd-characters.json": (_export({"kind-staff": {"doing": "2"}}, version="2.0\ud800\u001b[2J"), None),
        "odd-ids.json": (_export({"kind-staff": {"doing": "1"}, "\u202egnp.exe\u0000": {"doing": "3"}}), None),
        "nul.csv": (f"{header}\n{row}\n".replace("People", "Peo\0ple").encode(),
                    "it holds NUL characters (line 2), so it is not a CSV text file"),
        "utf-16.csv": (f"{header}\n{row}\n".encode("utf-16"), None),
        "old-mac-line-ends.csv": (f"{header}\r{row}\r".encode(), None),
        "long-line.csv": (f"{header}\n{row.replace(',x,', ',' + 'x' * 10_000_000 + ',')}\n".encode(),
                          "line 2: a cell is longer than 131,072 characters, far more than a tally sheet holds"),
        "many-columns.csv": (("item_id," + ",".join(f"c{n}" for n in range(20_000)) + "\n").encode(),
                             "unexpected column c4; 19,995 more unexpected columns; missing columns"),
        "byte-order-mark-only.csv": (b"\xef\xbb\xbf", "it is empty"),
        "truncated.pdf": (filled[: len(filled) // 2], "it is damaged or not a complete PDF"),
        "archive.pdf": (archive.getvalue(), "it is named .pdf but is not a PDF"),
        "response-a.json": ((RESPONSES / "online" / "response-a.json").read_bytes(), None),
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    result = run_module("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", "out",
                        "in", cwd=tmp_path)
    assert "Traceback" not in result.stderr and result.returncode == 0, result.stderr
    skipped = dict(line[len("skipped  in/"):].split(": ", 1) for line in result.stderr.splitlines()
                   if line.startswith("skipped  "))
    counted = {line.split()[1][len("in/"):] for line in result.stdout.splitlines() if line.startswith("counted")}
    assert counted == {name for name, (_, reason) in files.items() if reason is None}
    assert set(skipped) == {name for name, (_, reason) in files.items() if reason is not None}
    for name, (_, reason) in files.items():
        assert reason is None or reason in skipped[name], (name, skipped[name])
    report = (tmp_path / "out" / "collation-report.html").read_text(encoding="utf-8")
    assert r"statement &#39;\u202egnp.exe\x00&#39;" in report and r"version 2.0\ud800\x1b[2J" in report
    assert all(len(reason) < 1000 for reason in skipped.values()), skipped
    for shown in [*skipped.values(), report]:
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in shown.replace("\n", "")), shown[:200]


def test_file_names_that_are_not_utf8_or_hold_control_characters(tmp_path):
    """Shown escaped, as the terminal shows them, in the terminal and the report (before, the report's PDF
    crashed)."""
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"not-utf8-\xff.json"), "wb") as handle:
        handle.write(b"{}")
    (folder / "escape-\x1b[2J.json").write_bytes(b"[]")
    (folder / "copy.json").write_bytes(b"{}")
    shutil.copy(RESPONSES / "online" / "response-a.json", folder)
    result = run_module("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", "out", "in",
                        cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert r"skipped  in/escape-\x1b[2J.json: it is JSON, but not an export" in result.stderr
    assert r"skipped  in/not-utf8-\xff.json: it is identical to in/copy.json, which is skipped too: it is JSON, " \
           "but not an export from the online form" in result.stderr
    report = (tmp_path / "out" / "collation-report.html").read_text(encoding="utf-8")
    assert r"in/not-utf8-\xff.json" in report and r"in/escape-\x1b[2J.json" in report and "\x1b" not in report
