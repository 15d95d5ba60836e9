"""Nothing from the input can steer the terminal: every command's output, read as bytes, holds no
escape sequence, control code or bidirectional override that came from content, file names, CSV
cells or school names; each is shown escaped instead, e.g. ESC as ``\\x1b``. The progress bar,
our own text, still returns to the start of its line."""

from __future__ import annotations

import os
import pty
import re
import selectors
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditpack.terminal import escaped

REPO = Path(__file__).resolve().parent.parent

RAW = {"ESC": b"\x1b", "BEL": b"\x07", "CR": b"\r", "CSI (C1)": "\x9b".encode(), "OSC (C1)": "\x9d".encode(),
       "right-to-left override": "\u202e".encode(), "right-to-left isolate": "\u2067".encode()}
"""Bytes that must never reach the terminal from input (UTF-8, as the commands print)."""


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, **kwargs)


def assert_inert(output: bytes) -> str:
    """No byte the terminal would act on; returns the output as text to look for the escaped forms."""
    found = [name for name, raw in RAW.items() if raw in output]
    assert not found, f"{', '.join(found)} printed raw:\n{output!r}"
    assert b"Traceback" not in output, output.decode(errors="replace")
    return output.decode("utf-8")


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("text, shown", [
    ("\x1b[2J", r"\x1b[2J"),  # clear the screen
    ("\x1b]0;pwned\x07", r"\x1b]0;pwned\x07"),  # retitle the window
    ("\x1b]8;;http://evil/\x1b\\here\x1b]8;;\x1b\\", "\\x1b]8;;http://evil/\\x1b\\here\\x1b]8;;\\x1b\\"),  # a link
    ("done\rnot done", r"done\x0dnot done"),  # print over what was printed
    ("\x9b31mred \x85 \x7f", r"\x9b31mred \x85 \x7f"),  # C1 controls and DEL
    ("abc\u202edcba\u2066x\u2069", r"abc\u202edcba\u2066x\u2069"),  # Trojan Source: shown in another order
    ("line\u2028break", r"line\u2028break"),
    ("caf\udce9.yml", r"caf\xe9.yml"),  # a file name byte that is not UTF-8, as Python keeps it
    ("Ysgol Tŷ Gwyn\t\u05d1\u05d9\u05ea \u200f\u05e1\u05e4\u05e8 \u2192 café\n", None),  # text, tab, marks, newline
])
def test_unsafe_characters_are_shown_escaped_and_text_is_left_alone(text, shown):
    assert escaped(text) == (text if shown is None else shown)


def test_check_shows_ids_file_names_and_lines_escaped(mini_project):
    content = mini_project / "content" / "mini"
    stages = content / "stages.yml"
    edit(stages, "owners: [lead]", 'owners: ["\\e[2J\\e]0;pwned\\a\\x9b31mstuff\\u202e"]')  # YAML escapes
    edit(stages, "owners: [staff]", "owners: [st\u202eaff]")  # a raw override in the file, shown in its line
    edit(stages, "id: gather", 'id: "gat\\e]8;;http://evil/\\e\\\\her\\x9d"')
    (content / "x\x1b[31mred\x1b[0m.yml").write_text("bogus: 1\n", encoding="utf-8")
    result = run("check", "--project", str(mini_project))
    assert result.returncode == 1
    err = assert_inert(result.stdout + result.stderr)
    assert r"'owners': '\x1b[2J\x1b]0;pwned\x07\x9b31mstuff\u202e' is not a valid id" in err
    assert r"'owners': 'st\u202eaff' is not a valid id" in err
    assert "    owners: [st\ufffdaff]\n" + " " * 21 + "^\n" in err  # its line, the override as one mark
    assert r"'id': 'gat\x1b]8;;http://evil/\x1b\her\x9d' is not a valid id" in err
    assert rf"{content}/x\x1b[31mred\x1b[0m.yml:1:1: unknown key 'bogus'" in err


@pytest.mark.slow
def test_usage_errors_show_the_argument_escaped(tmp_path):
    result = run("packs", "--schools", str(tmp_path / "\x1b[2Jschools.csv"), "--project", str(tmp_path))
    assert result.returncode == 2
    assert rf"--schools: no such file: {tmp_path}/\x1b[2Jschools.csv" in assert_inert(result.stderr)


def test_collate_shows_file_names_and_cells_escaped(tmp_path):
    responses = tmp_path / "responses"
    responses.mkdir()
    (responses / "evil\x1b]0;pwned\x07\x1b[2J.json").write_text("not a form", encoding="utf-8")
    header = "item_id,number,section,statement,doing_1,doing_2,doing_3,doing_4,doing_dk," \
             "support_1,support_2,support_3,support_4,support_dk\n"
    (responses / "tally.csv").write_text(header + "kind-staff,1,People,x,0,\x1b]8;;http://e/\x1b\\3\x1b[2J,"
                                         "0,0,0,0,0,0,0,0\n", encoding="utf-8")
    (responses / "other.csv").write_text(header + "\x9b31mkind\u202e,1,People,x,0,1,0,0,0,0,0,0,0,0\n",
                                         encoding="utf-8")
    result = run("collate", "--project", str(REPO / "tests" / "fixtures" / "mini"), "--questionnaire", "wellbeing",
                 "--out", str(tmp_path / "report"), str(responses))
    assert result.returncode == 1
    err = assert_inert(result.stdout + result.stderr)
    assert rf"skipped  {responses}/evil\x1b]0;pwned\x07\x1b[2J.json: " in err
    assert not (tmp_path / "report").exists()


@pytest.mark.slow
def test_packs_on_a_terminal_show_names_escaped_and_the_progress_bar_still_moves(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    schools = tmp_path / "schools.csv"
    evil = "\"Evil\x1b[2J\x1b]0;t\x07 School\",mini,self-led,ethos\n"
    schools.write_text("name,programme,pathway,components\n" + evil + evil + "Other,mini,self-led,\x9b31mx\n",
                       encoding="utf-8")
    shown, err = on_a_terminal("packs", "--schools", str(schools), "--project", str(project), "--out",
                               str(tmp_path / "out"), "-j", "1")
    assert re.search(rb"\r\[#+ *\] \d+/\d+ schools, about \d+ s left", shown), shown  # the bar's own CR
    assert b"\\x0d" not in shown and b"Built packs for 1 school, 2 failed" in shown
    err = assert_inert(shown.replace(b"\r", b"") + err)
    assert r"'Evil\x1b[2J\x1b]0;t\x07 School' would be written to the same folder" in err
    assert r"unknown component '\x9b31mx'" in err


def test_serve_shows_problems_escaped(mini_project):
    edit(mini_project / "content" / "mini" / "stages.yml", "owners: [lead]", 'owners: ["\\e[2Jstuff"]')
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0", "--project",
                               str(mini_project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(server.stdout, selectors.EVENT_READ)
            assert waiting.select(timeout=120), "the preview server printed nothing in two minutes"
        assert b"Previewing at http://127.0.0.1:" in server.stdout.readline()  # after the first build's problems
    finally:
        server.terminate()
        out, err = server.communicate(timeout=60)
    assert r"'owners': '\x1b[2Jstuff' is not a valid id" in assert_inert(out + err)


def on_a_terminal(*args: str) -> tuple[bytes, bytes]:
    """What a command shows on a terminal (its stdout), and its stderr."""
    controller, terminal = pty.openpty()
    with subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], stdout=terminal,
                          stderr=subprocess.PIPE) as command:
        os.close(terminal)
        shown = b""
        while chunk := _read(controller):
            shown += chunk
        err = command.stderr.read()
        command.wait(timeout=300)
    os.close(controller)
    return shown, err


def _read(controller: int) -> bytes:
    """The next output of the terminal; nothing once the command has closed it (Linux says EIO)."""
    try:
        return os.read(controller, 65536)
    except OSError:
        return b""
