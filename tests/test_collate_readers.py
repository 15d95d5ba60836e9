"""Finding and checking input files: folders, duplicates, sizes, versions, and never losing a good file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from auditpack.collate.readers import Target, find_files, read_inputs

from .conftest import REPO
from .test_collate_filling import FIXTURES, RESPONSES, fill_pypdf, mini_content, mini_form  # noqa: F401 (fixture)

CONTENT = mini_content()
TARGET = Target(CONTENT, CONTENT.questionnaire("wellbeing"))


def _name(path: str) -> str:
    return path.rpartition("/")[2]


def test_every_bad_file_is_skipped_with_a_reason_and_every_good_one_counted():
    inputs = read_inputs([RESPONSES], TARGET)
    counted = sorted(_name(c.path) for c in inputs.counted)
    assert counted == ["older-version.json", "response-a.json", "same-response-late.json",
                       "tally-excel-semicolons.csv", "tally-group-a.csv"]
    skipped = {_name(s.path): str(s.reason) for s in inputs.skipped}
    bad = {p.name for p in (RESPONSES / "bad").iterdir()}
    assert bad | {"README.md", "same-response-early.json"} == set(skipped)
    assert all(reason.startswith(("it", "statement", "row", "column", "none")) and "Traceback" not in reason
               for reason in skipped.values()), skipped
    assert skipped["notes.txt"].startswith("it is not a PDF, JSON or CSV file")
    assert skipped["empty.csv"] == "it is empty (0 bytes of content)"
    assert skipped["online-blank.json"] == "it has no answers (a blank form?)"
    assert "only the latest save is counted" in skipped["same-response-early.json"]


def test_older_version_maps_statements_by_id_and_lists_the_rest():
    inputs = read_inputs([RESPONSES / "online" / "older-version.json"], TARGET)
    [counted] = inputs.counted
    assert counted.version == "1.0"
    assert tuple(map(str, counted.unknown)) == ("question 'old-question'", "statement 'retired-statement'")
    assert counted.counts == {("kind-staff", "doing"): Counter({"1": 1}), ("kind-staff", "support"): Counter({"1": 1}),
                              ("calm-rooms", "doing"): Counter({"2": 1}), ("calm-rooms", "support"): Counter({"dk": 1})}


def test_the_same_file_twice_is_counted_once(tmp_path):
    for name in ("a.json", "copy of a.json"):
        shutil.copy(RESPONSES / "online" / "response-a.json", tmp_path / name)
    inputs = read_inputs([tmp_path, tmp_path / "a.json"], TARGET)
    assert [_name(c.path) for c in inputs.counted] == ["a.json"]
    [skipped] = inputs.skipped
    assert _name(skipped.path) == "copy of a.json"
    assert str(skipped.reason).startswith("it is identical to ") and "counted once" in str(skipped.reason)


def test_same_pdf_twice_under_two_names(mini_form, tmp_path):
    filled = fill_pypdf(mini_form, {("kind-staff", "doing"): "1"}, tmp_path / "one.pdf")
    shutil.copy(filled, tmp_path / "one (1).pdf")
    inputs = read_inputs([tmp_path], TARGET)
    assert len(inputs.counted) == 1 and inputs.responses == 1
    assert "identical to" in str(inputs.skipped[0].reason)


def test_enormous_file_is_not_read(tmp_path):
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    inputs = read_inputs([huge], TARGET, max_bytes=2 * 1024 * 1024)
    assert str(inputs.skipped[0].reason) == "it is too large (3.0 MB; the limit is 2.0 MB, far more than a " \
                                            "response form or tally sheet needs)"


def test_missing_paths_and_hidden_files(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.json").write_text("{}")
    inputs = read_inputs([tmp_path, tmp_path / "nowhere"], TARGET)
    assert [str(s.reason) for s in inputs.skipped] == ["no such file or folder"]
    assert inputs.files_read == 1


def test_output_folder_inside_an_input_folder_is_never_read(tmp_path):
    out = tmp_path / "collation-wellbeing"
    out.mkdir()
    shutil.copy(RESPONSES / "mini" / "tally-group-a.csv", out / "tallies.csv")
    shutil.copy(RESPONSES / "online" / "response-a.json", tmp_path)
    files, _ = find_files([tmp_path], exclude=out)
    assert [f.name for f in files] == ["response-a.json"]


def test_pdf_recognised_by_content_whatever_its_name(mini_form, tmp_path):
    filled = fill_pypdf(mini_form, {("kind-staff", "doing"): "4"}, tmp_path / "scan")
    json_named = tmp_path / "answers.txt"
    shutil.copy(RESPONSES / "online" / "response-a.json", json_named)
    inputs = read_inputs([filled, json_named], TARGET)
    assert [c.kind for c in inputs.counted] == ["pdf", "online"]


def test_a_file_named_pdf_that_is_not_one(tmp_path):
    (tmp_path / "form.pdf").write_text("hello")
    [skipped] = read_inputs([tmp_path], TARGET).skipped
    assert str(skipped.reason) == ("it is named .pdf but is not a PDF (a PDF begins with %PDF-): "
                                   "another kind of file renamed?")


def test_a_file_answering_many_statements_the_questionnaire_lacks_is_not_counted(tmp_path):
    """A few retired statements are listed in the report; thousands would bury it, so the file is skipped."""
    document = json.loads((RESPONSES / "online" / "response-a.json").read_text())
    document["answers"] |= {f"retired-{n}": {"doing": "1"} for n in range(100)}
    (tmp_path / "few.json").write_text(json.dumps(document))
    document["answers"]["one-too-many"] = {"doing": "1"}
    document["response_id"] = "r-another"
    (tmp_path / "many.json").write_text(json.dumps(document))
    inputs = read_inputs([tmp_path], TARGET)
    assert [(_name(c.path), len(c.unknown)) for c in inputs.counted] == [("few.json", 100)]
    assert [(_name(s.path), str(s.reason)) for s in inputs.skipped] == [
        ("many.json", ("it answers 101 statements or questions this questionnaire does not have "
                       "(is it for another questionnaire?)"))]


@pytest.mark.slow
def test_reading_in_worker_processes_gives_the_same_result(mini_form, tmp_path, monkeypatch):
    from auditpack.collate import readers

    for n, value in enumerate("1234"):
        fill_pypdf(mini_form, {("kind-staff", "doing"): value}, tmp_path / f"{n}.pdf")
    (tmp_path / "4.pdf").write_bytes(b"%PDF-1.7 not really")
    one_by_one = read_inputs([tmp_path], TARGET)
    monkeypatch.setattr(readers, "PARALLEL_FROM", 2)
    monkeypatch.setattr(readers, "BATCH", 3)
    in_workers = read_inputs([tmp_path], TARGET)
    assert in_workers == one_by_one
    assert [c.counts for c in in_workers.counted] == [{("kind-staff", "doing"): Counter({v: 1})} for v in "1234"]
    assert _name(in_workers.skipped[0].path) == "4.pdf"


@pytest.mark.slow
def test_a_pipe_in_a_folder_is_skipped_not_waited_on(tmp_path):
    """A FIFO named like a tally sheet: opening it to read would wait for a writer that never comes.

    Run as a user runs it, in a process of its own, so a regression fails (the timeout) instead of
    hanging the test run.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "x.csv")
    shutil.copy(RESPONSES / "online" / "response-a.json", folder)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "collate", "--project", str(FIXTURES / "mini"),
                             "--questionnaire", "wellbeing", "--out", str(tmp_path / "out"), str(folder)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "skipped  in/x.csv: it is not a regular file (a pipe, device or socket), so it is not read" in result.stderr
    assert "Counted 1 response from 1 file; skipped 1" in result.stdout


def test_links_are_not_followed_out_of_a_named_folder(tmp_path, monkeypatch):
    """A link in a shared folder must not make collate read (and quote) a file the user never named."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(RESPONSES / "online" / "response-a.json", elsewhere / "private.json")
    shutil.copy(RESPONSES / "mini" / "tally-group-a.csv", elsewhere / "tally.csv")
    folder = tmp_path / "in"
    (folder / "real").mkdir(parents=True)
    shutil.copy(RESPONSES / "online" / "same-response-late.json", folder / "real" / "late.json")
    (folder / "to-private.json").symlink_to(elsewhere / "private.json")
    (folder / "to-elsewhere").symlink_to(elsewhere, target_is_directory=True)
    (folder / "to-real").symlink_to(folder / "real", target_is_directory=True)
    (folder / "to-late.json").symlink_to(folder / "real" / "late.json")
    (folder / "to-nothing.json").symlink_to(tmp_path / "gone.json")
    monkeypatch.chdir(tmp_path)
    inputs = read_inputs([Path("in")], TARGET)
    assert [c.path for c in inputs.counted] == ["in/to-late.json"]  # and in/real/late.json: one file, once
    skipped = {s.path: str(s.reason) for s in inputs.skipped}
    assert skipped == {
        "in/to-elsewhere": "it is a link to a folder outside in; links are not followed out of a folder given to "
                           "collate (name that folder itself to count it)",
        "in/to-private.json": "it is a link to a file outside in; links are not followed out of a folder given to "
                              "collate (name that file itself to count it)",
        "in/to-nothing.json": "it is a link that leads nowhere (what it points to is missing, or links lead round "
                              "in a circle)",
    }
    named = read_inputs([Path("in/to-private.json")], TARGET)  # named by the user: read, link or not
    assert [c.path for c in named.counted] == ["in/to-private.json"]


def test_a_copy_of_a_skipped_form_says_its_twin_is_skipped_too(mini_form, tmp_path):
    """Two copies of the blank form: the second is not 'identical to X, which is counted'."""
    shutil.copy(mini_form, tmp_path / "a.pdf")
    shutil.copy(mini_form, tmp_path / "b.pdf")
    inputs = read_inputs([tmp_path], TARGET)
    reasons = sorted(str(s.reason) for s in inputs.skipped)
    assert not inputs.counted and len(reasons) == 2
    assert reasons[0].startswith("it has no answers")
    assert reasons[1].startswith("it is identical to ") and "which is skipped too: it has no answers" in reasons[1]


def test_of_a_scans_folder_only_the_answers_are_read_wherever_it_sits(tmp_path):
    """``auditpack scan --out`` leaves pictures, a review page and its state beside the answers: given
    the folder, or a folder holding it, collate reads the answers and nothing else."""
    scanned = tmp_path / "answers" / "scanned"
    for name in ("answers/wellbeing-001.json", "pictures/wellbeing-001-comments-people.png", "review.html",
                 "scan-state.json"):
        (scanned / name).parent.mkdir(parents=True, exist_ok=True)
        (scanned / name).write_text("{}")
    (tmp_path / "answers" / "online.json").write_text("{}")
    for given in (scanned, tmp_path / "answers"):
        files, refused = find_files([given])
        assert not refused
        assert sorted(f.name for f in files) == sorted(
            ["wellbeing-001.json", *(["online.json"] if given != scanned else [])])
