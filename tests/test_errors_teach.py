"""The ten mistakes people make most, each answered with a message that teaches the fix.

Every row edits a fresh copy of the mini programme the way the mistake is made, runs the real
command, and reads what the user sees: the file, line and column; the offending line with a
caret under the column; and a hint that says what to write instead.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditpack.cli import main


@dataclass(frozen=True)
class Mistake:
    file: str
    old: str
    new: str
    line: int
    column: int
    message: str
    shown: str
    """The offending line as the user sees it under the message."""
    hint: str


MISTAKES = {
    "misspelt key": Mistake(
        "stages.yml", "    outcome: Completed forms.", "    outcom: Completed forms.", 29, 5,
        "unknown key 'outcom' (expected one of: number, id, title, purpose, outcome,", "outcom: Completed forms.",
        "did you mean 'outcome'?"),
    "wrong indentation": Mistake(
        "stages.yml", "    outcome: Completed forms.", "      outcome: Completed forms.", 29, 7,
        "YAML syntax error: this line is indented further than the key above it", "outcome: Completed forms.",
        "indent 'outcome:' by 4 spaces to line up with 'purpose:' on line 28"),
    "unknown role": Mistake(
        "stages.yml", "owners: [staff]", "owners: [stuff]", 33, 9,
        "'owners': unknown role 'stuff' (expected one of: advisor, lead, staff)", "owners: [stuff]",
        "did you mean 'staff'?"),
    "missing scale": Mistake(
        "guidance.yml", "    scale:\n" + "".join(f"      - {{value: {v}, label: {label}}}\n" for v, label in
                                              enumerate(["Not yet", "Partly", "Mostly", "Fully"], start=1)), "",
        13, 5, "missing key 'scale' in questionnaires entry", "- id: wellbeing",
        "add the answer scale, two or more points such as '- {value: 1, label: Not yet}'"),
    "duplicate item id": Mistake(
        "guidance.yml", "- id: calm-rooms", "- id: kind-staff", 40, 13,
        "duplicate item id 'kind-staff' (expected each item id used once)", "- id: kind-staff",
        "guidance.yml:33:13; ids must stay stable, so give the new item a new id"),
    "wrong type": Mistake(
        "stages.yml", "rows: 3", "rows: three", 24, 9,
        "'rows': 'three' is not a whole number (expected a whole number)", "rows: three",
        "write digits only, without units or words"),
    "tab indentation": Mistake(
        "stages.yml", "    outcome: Completed forms.", "\toutcome: Completed forms.", 29, 1,
        "YAML syntax error: a tab is used for indentation (expected spaces)", "\u2192outcome: Completed forms.",
        "YAML indents with spaces only; replace the tab with spaces"),
    "unquoted colon in text": Mistake(
        "stages.yml", "    outcome: Completed forms.", "    outcome: Note: forms completed.", 29, 18,
        "YAML syntax error: a ': ' inside a value (expected the value in quotes)", "outcome: Note: forms completed.",
        'put the value in quotes: outcome: "Note: forms completed."'),
    "item id renamed": Mistake(
        "guidance.yml", "- id: kind-staff", "- id: Kind staff", 33, 13,
        "'id': 'Kind staff' is not a valid id (expected lower-case letters, digits and single hyphens",
        "- id: Kind staff",
        "did you mean 'kind-staff'? Keep an id once it is used: answers and comparisons follow the id"),
}


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(args))
    return code, err.getvalue()


def assert_teaches(stderr: str, file: Path, mistake: Mistake) -> None:
    lines = stderr.splitlines()
    first = f"{file}:{mistake.line}:{mistake.column}: "
    assert lines[0].startswith(first), f"expected {first!r}...\n{stderr}"
    assert mistake.message in lines[0], stderr
    shown, caret = lines[1], lines[2]
    assert shown.strip() == mistake.shown, stderr
    assert caret == "    " + " " * (mistake.column - 1) + "^", f"no caret under column {mistake.column}:\n{stderr}"
    assert lines[3].startswith("    hint: ") and mistake.hint in lines[3], stderr
    assert lines[-1] == "1 problem found; nothing was written.", stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", MISTAKES)
def test_mistake_in_content_is_explained(mini_project, name):
    mistake = MISTAKES[name]
    file = mini_project / "content" / "mini" / mistake.file
    text = file.read_text(encoding="utf-8")
    assert text.count(mistake.old) >= 1, f"the fixture no longer has {mistake.old!r}"
    file.write_text(text.replace(mistake.old, mistake.new, 1), encoding="utf-8")
    code, stderr = run("check", "--project", str(mini_project))
    assert code == 1
    assert_teaches(stderr, file, mistake)


def test_unknown_component_in_a_pack_request_is_explained(mini_project):
    """The tenth mistake is made in a school's request file, not in the content."""
    request = mini_project / "st-annes.yml"
    request.write_text("name: St Anne's Primary\nprogramme: mini\ncomponents: [ethos, voise]\n", encoding="utf-8")
    code, stderr = run("build", "--school-file", str(request), "--project", str(mini_project))
    assert code == 1
    assert_teaches(stderr, request, Mistake(
        "", "", "", 3, 1, "unknown component 'voise' (expected one of: ethos, voice)",
        "components: [ethos, voise]", "did you mean 'voice'?"))
    assert not (mini_project / "schools").exists()


def test_a_file_saved_as_utf16_is_named_so(mini_project):
    """Windows programs save 'Unicode' as UTF-16 without a byte order mark; that is what to say,
    not 'control character U+0000'."""
    file = mini_project / "content" / "mini" / "stages.yml"
    file.write_bytes(file.read_text(encoding="utf-8").encode("utf-16-le"))
    code, stderr = run("check", "--project", str(mini_project))
    assert code == 1
    assert stderr.splitlines() == [
        f"{file}: the file is UTF-16 text, not UTF-8 (expected UTF-8)",
        "    hint: save it as UTF-8 in your editor (choose 'UTF-8', not 'Unicode', which some programs use for UTF-16)",
        "1 problem found; nothing was written."]
