"""YAML that is broken, surprising or built to hurt: every case a located message, none a crash or a hang.

Each test puts one trap into a copy of the mini programme and runs ``auditpack check`` as a user
would (in-process, reading what is printed), or loads one file with the loader itself.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path

import pytest

from auditpack.cli import main
from auditpack.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, load_yaml_file
from auditpack.validate import MAX_PROGRAMME_BYTES, load_programmes


def check(project: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", "--project", str(project)])
    assert "Traceback" not in err.getvalue()
    return code, err.getvalue()


def edit(project: Path, name: str, old: str, new: str) -> Path:
    file = project / "content" / "mini" / name
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return file


def only_error(path: Path, text: str | bytes):
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    data, _, errors = load_yaml_file(path)
    assert data is None or errors, data
    assert len(errors) >= 1
    return errors[0]


# --- keys ------------------------------------------------------------------------------------

def test_duplicate_key_inside_a_list_entry(mini_project):
    file = edit(mini_project, "stages.yml", "    purpose: Hear from everyone.\n",
                "    purpose: Hear from everyone.\n    purpose: Hear from some.\n")
    code, stderr = check(mini_project)
    assert code == 1
    assert f"{file}:29:5: duplicate key 'purpose' (expected each key once per block)" in stderr
    assert "hint: 'purpose' is already set at line 28; keep one of them" in stderr


def test_merge_keys_are_refused(tmp_path):
    error = only_error(tmp_path / "m.yml", "base: &b {id: a}\nroles:\n  - <<: *b\n    name: x\n")
    assert error.message == "merge keys ('<<') are not supported" and error.location.line == 3


# --- alias bombs and nesting -------------------------------------------------------------------

def test_billion_laughs_is_refused_quickly(mini_project):
    """Nine levels of ten aliases would expand to a billion values; the file is under a kilobyte."""
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{i}: &lol{i} [{', '.join(f'*lol{i - 1}' for _ in range(10))}]" for i in range(1, 10)]
    bomb = mini_project / "content" / "mini" / "bomb.yml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 1024
    started = time.thread_time()  # CPU time of this thread: other work on the machine does not count
    code, stderr = check(mini_project)
    assert time.thread_time() - started < 5
    assert code == 1
    assert f"{bomb}:" in stderr and "the file expands to too many values" in stderr
    assert f"expected at most {MAX_NODES:,} values" in stderr


def test_alias_inside_its_own_anchor_is_refused(tmp_path):
    error = only_error(tmp_path / "loop.yml", "stages: &s\n  - *s\n")
    assert error.message == f"the values are nested more than {MAX_DEPTH} levels deep"
    assert "alias" in error.hint


def test_deep_nesting_is_refused_before_python_recursion_runs_out(tmp_path):
    error = only_error(tmp_path / "deep.yml", "roles: " + "[" * 5000 + "]" * 5000 + "\n")
    assert error.message == f"the values are nested more than {MAX_DEPTH} levels deep"
    assert error.location.line == 1 and error.location.column > MAX_DEPTH


def test_expanding_aliases_to_a_huge_text_is_refused(tmp_path):
    """Few values, but each a long text repeated through aliases: the pages would be gigabytes."""
    text = "big: &big " + "x" * 4000 + "\nroles:\n" + "".join("  - *big\n" for _ in range(20_000))
    error = only_error(tmp_path / "amplify.yml", text)
    assert "expands to too much text" in error.message


# --- YAML 1.1 surprises --------------------------------------------------------------------------

def test_yaml_11_values_stay_what_was_typed(mini_project):
    edit(mini_project, "programme.yml", 'version: "2.1"', "version: 1.10")
    edit(mini_project, "stages.yml", "- id: brief-staff", "- id: 2024-01-01")
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text().replace("id: advisor", "id: on").replace("name: Borough advisor",
                                                                                          "name: Yes"))
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("owners: [lead, advisor]", "owners: [lead, on]\n        optional: no"))
    (mini_project / "content" / "mini" / "changelog.yml").write_text(
        "changelog:\n  - version: 1.10\n    date: 2026-01-15\n    changes: [Off, 'null', 0o17]\n")
    [content] = load_programmes(mini_project / "content")
    assert content.programme.version == "1.10"
    assert content.stages[0].tasks[0].id == "2024-01-01"
    assert content.role("on").name == "Yes"
    task = content.stages[0].tasks[1]
    assert task.owners == ["lead", "on"] and task.optional is False
    assert content.changelog[0].changes == ["Off", "null", "0o17"]
    assert {i.text for q in content.questionnaires for i in q.items} >= {"No"}


def test_null_where_text_is_required_says_so(mini_project):
    file = edit(mini_project, "programme.yml", "title: Mini wellbeing audit", "title: null")
    _code, stderr = check(mini_project)
    assert f"{file}:4:3: 'title' is empty (expected text)" in stderr
    assert "quote it if it is a word like null" in stderr


# --- characters and encodings ------------------------------------------------------------------

@pytest.mark.parametrize("raw, message, line, column", [
    (b"title: caf\xe9\n", "the file is not UTF-8 text", 1, 11),
    ("title: café\n".encode("utf-16"), "the file is UTF-16 text, not UTF-8", 0, 0),
    (b"roles:\n  - id: a\n    name: x\x00y\n", "YAML syntax error: the file contains a control character (U+0000)", 3,
     12),
    (b'roles:\n  - name: "x\\0y"\n', "the value contains an invisible or invalid character (U+0000)", 2, 11),
    (b'roles:\n  - name: "csi \\x9b31m"\n', "the value contains an invisible or invalid character (U+009B)", 2, 11),
    (b'roles:\n  - name: "half \\ud800 a pair"\n', "the value contains an invisible or invalid character (U+D800)",
     2, 11),
    (b"roles:\n\t- id: a\n", "YAML syntax error: a tab is used for indentation", 2, 1),
    (b"  \n\n", "file is empty", 1, 1),
    (b"# nothing but a comment\n", "file is empty (it holds only comments)", 1, 1),
    (b"a: 1\n---\nb: 2\n", "YAML syntax error: the file holds more than one document ('---')", 2, 1),
    (b"a: !!python/object/apply:os.system ['id']\n", "the YAML tag '!!python/object/apply:os.system' is not supported",
     1, 4),
])
def test_broken_characters_and_encodings_are_located(tmp_path, raw, message, line, column):
    error = only_error(tmp_path / "file.yml", raw)
    assert error.message == message
    assert (error.location.line, error.location.column) == (line, column)


def test_byte_order_mark_is_accepted(mini_project):
    file = mini_project / "content" / "mini" / "programme.yml"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    assert check(mini_project)[0] == 0


# --- sizes -------------------------------------------------------------------------------------

def test_file_over_the_size_limit_is_refused_without_parsing(mini_project):
    big = mini_project / "content" / "mini" / "big.yml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    started = time.thread_time()  # CPU time of this thread: other work on the machine does not count
    _code, stderr = check(mini_project)
    assert time.thread_time() - started < 5
    assert f"{big}: file is too large ({MAX_FILE_BYTES + 3:,} bytes) (expected at most {MAX_FILE_BYTES:,} bytes)" \
        in stderr


def test_programme_over_the_total_size_limit_is_refused(mini_project):
    folder = mini_project / "content" / "mini"
    for i in range(MAX_PROGRAMME_BYTES // (MAX_FILE_BYTES - 10) + 1):
        (folder / f"copy-{i}.yml").write_bytes(b"# " + b"x" * (MAX_FILE_BYTES - 10) + b"\n")
    code, stderr = check(mini_project)
    assert code == 1 and f"expected at most {MAX_PROGRAMME_BYTES:,} bytes" in stderr
    assert "bytes of YAML" in stderr


@pytest.mark.parametrize("old, new, message, hint", [
    ("text: Staff are kind to one another.", "text: " + "Long. " * 1000,
     "'text': the text is too long (5,999 characters) (expected at most 5,000 characters)",
     "shorten it, or split it into several entries"),
    ("title: People", "title: " + "P" * 201, "'title': the text is too long (201 characters) (expected at most 200",
     "put longer text in a description"),
    ("text: Staff are kind to one another.", "text: '   '", "'text' is empty (expected some text)", "write the text"),
    ("      - {value: 4, label: Fully}\n", "".join(f"      - {{value: {v}, label: L{v}}}\n" for v in range(4, 12)),
     "'scale' has 11 entries (expected at most 10)", "a scale has at most 10 points"),
    ("effort_days: 1.5", "effort_days: 45", "'effort_days': 45 is too large (expected at most 30", ""),
])
def test_field_limits_are_stated(mini_project, old, new, message, hint):
    file = edit(mini_project, "guidance.yml" if "effort" not in old else "stages.yml", old, new)
    code, stderr = check(mini_project)
    assert code == 1 and f"{file}:" in stderr
    assert message in stderr
    assert not hint or any(line.startswith("    hint: ") and hint in line for line in stderr.splitlines()), stderr


# --- files that are not what they seem ---------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="POSIX special files")
def test_special_files_named_yml_do_not_hang_the_check(mini_project):
    folder = mini_project / "content" / "mini"
    (folder / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yml")
    started = time.perf_counter()
    _code, stderr = check(mini_project)
    assert time.perf_counter() - started < 30  # a wait, not work: reading the fifo would never end
    assert f"{folder / 'pipe.yml'}: not a regular file" in stderr
    assert f"{folder / 'zero.yml'}: links to a file outside the programme folder (/dev/zero)" in stderr


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_content_cannot_pull_in_files_from_elsewhere(mini_project, tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text("roles:\n  - id: secret-line-7c1f\n")
    (mini_project / "content" / "mini" / "linked.yml").symlink_to(secret)
    (mini_project / "content" / "mini" / "passwd.yml").symlink_to("/etc/passwd")
    code, stderr = check(mini_project)
    assert code == 1
    assert "links to a file outside the programme folder" in stderr
    assert "secret-line-7c1f" not in stderr and "root:" not in stderr


def test_thousands_of_problems_are_summarised(mini_project):
    roles = "".join(f"  - id: Bad_{i}\n    name: x\n    description: y\n" for i in range(1500))
    (mini_project / "content" / "mini" / "many.yml").write_text("roles:\n" + roles)
    started = time.thread_time()  # CPU time of this thread: other work on the machine does not count
    _code, stderr = check(mini_project)
    assert time.thread_time() - started < 10
    assert "... and 1300 more; fix these first" in stderr and stderr.rstrip().endswith("1500 problems found; "
                                                                                        "nothing was written.")
