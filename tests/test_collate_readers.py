"""Finding and checking input files: folders, duplicates, sizes, versions, and never losing a good file."""

from __future__ import annotations

import shutil
from collections import Counter

from auditpack.collate.readers import Target, find_files, read_inputs

from .test_collate_filling import RESPONSES, fill_pypdf, mini_content, mini_form  # noqa: F401 (fixture)

CONTENT = mini_content()
TARGET = Target(CONTENT, CONTENT.questionnaire("wellbeing"))


def _name(path: str) -> str:
    return path.rpartition("/")[2]


def test_every_bad_file_is_skipped_with_a_reason_and_every_good_one_counted():
    inputs = read_inputs([RESPONSES], TARGET)
    counted = sorted(_name(c.path) for c in inputs.counted)
    assert counted == ["older-version.json", "response-a.json", "same-response-late.json",
                       "tally-excel-semicolons.csv", "tally-group-a.csv"]
    skipped = {_name(s.path): s.reason for s in inputs.skipped}
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
    assert counted.unknown == ("question 'old-question'", "statement 'retired-statement'")
    assert counted.counts == {("kind-staff", "doing"): Counter({"1": 1}), ("kind-staff", "support"): Counter({"1": 1}),
                              ("calm-rooms", "doing"): Counter({"2": 1}), ("calm-rooms", "support"): Counter({"dk": 1})}


def test_the_same_file_twice_is_counted_once(tmp_path):
    for name in ("a.json", "copy of a.json"):
        shutil.copy(RESPONSES / "online" / "response-a.json", tmp_path / name)
    inputs = read_inputs([tmp_path, tmp_path / "a.json"], TARGET)
    assert [_name(c.path) for c in inputs.counted] == ["a.json"]
    [skipped] = inputs.skipped
    assert _name(skipped.path) == "copy of a.json"
    assert skipped.reason.startswith("it is identical to ") and "counted once" in skipped.reason


def test_same_pdf_twice_under_two_names(mini_form, tmp_path):
    filled = fill_pypdf(mini_form, {("kind-staff", "doing"): "1"}, tmp_path / "one.pdf")
    shutil.copy(filled, tmp_path / "one (1).pdf")
    inputs = read_inputs([tmp_path], TARGET)
    assert len(inputs.counted) == 1 and inputs.responses == 1
    assert "identical to" in inputs.skipped[0].reason


def test_enormous_file_is_not_read(tmp_path):
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    inputs = read_inputs([huge], TARGET, max_bytes=2 * 1024 * 1024)
    assert inputs.skipped[0].reason == "it is too large (3.0 MB; the limit is 2.0 MB, far more than a response " \
                                       "form or tally sheet needs)"


def test_missing_paths_and_hidden_files(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.json").write_text("{}")
    inputs = read_inputs([tmp_path, tmp_path / "nowhere"], TARGET)
    assert [(s.reason) for s in inputs.skipped] == ["no such file or folder"]
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
    assert skipped.reason.startswith(("it is damaged", "it could not be read"))


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
