"""Messages to the person at the terminal are in the language their environment asks for, whatever
language the documents are in: the environment read as gettext reads it, plurals by the language's
rules, and no message made in code without going through the catalogue."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from auditpack import i18n
from auditpack.codes import UNKNOWN_ROLE
from auditpack.errors import ContentError, ContentErrors, Location

from .conftest import FIXTURES, REPO, copy_project

PACKAGE = REPO / "auditpack"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en_GB"),
    ({"LANG": "C.UTF-8"}, "en_GB"),
    ({"LANG": "POSIX"}, "en_GB"),
    ({"LANG": "cy_GB.UTF-8"}, "cy_GB"),
    ({"LANG": "cy_GB.UTF-8@euro"}, "cy_GB"),
    ({"LC_MESSAGES": "cy_GB.UTF-8", "LANG": "en_GB.UTF-8"}, "cy_GB"),
    ({"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "cy_GB.UTF-8"}, "en_GB"),
    ({"LANGUAGE": "cy:en", "LANG": "en_GB.UTF-8"}, "cy"),
    # LANGUAGE is a list: a language auditpack has no catalogue for is passed over.
    ({"LANGUAGE": "fr:cy", "LANG": "en_GB.UTF-8"}, "cy"),
    ({"LANGUAGE": "fr", "LANG": "cy_GB.UTF-8"}, "cy_GB"),
    ({"LANGUAGE": "", "LANG": "ar_EG.UTF-8"}, "ar_EG"),
    # A value that is no language tag (a path, a typo) is not a language: English.
    ({"LANG": "../../etc"}, "en_GB"),
])
def test_the_reader_language_is_read_from_the_environment_as_gettext_reads_it(environ, expected):
    assert i18n.reader_language(environ) == expected


def problems(count: int) -> ContentErrors:
    return ContentErrors([ContentError(UNKNOWN_ROLE, Location("stages.yml", line, 1), "problem")
                          for line in range(1, count + 1)])


def welsh_forms(singular: str) -> list[str]:
    """The Welsh catalogue's forms of a counted message (0, 1, 2, 3, 6, other)."""
    with i18n.catalogue_file("cy").open("rb") as source:
        catalogue = read_po(source, locale="cy")
    message = next(m for m in catalogue if isinstance(m.id, tuple) and m.id[0] == singular)
    return list(message.string)


@pytest.mark.parametrize("count", [1, 2, 3, 6, 7, 100])
def test_counted_messages_take_each_language_s_plural(count):
    with i18n.addressing("en-GB"):
        english = problems(count).format().splitlines()[-1]
    with i18n.addressing("cy"):
        welsh = problems(count).format().splitlines()[-1]
    assert english.startswith(f"{count} problem{'s' if count > 1 else ''} found;")
    forms = welsh_forms("%(count)d problem found")
    index = i18n.translations("cy").plural(count)
    assert welsh.startswith((forms[index] % {"count": count}) + ";")
    assert welsh != english


def test_a_message_is_in_the_reader_s_language_while_a_document_is_in_its_own():
    with i18n.addressing("cy"), i18n.speaking("en-GB"):
        assert i18n.tell("did you mean '%(value)s'?") != "did you mean '%(value)s'?"
        assert i18n.gettext("Statement") == "Statement"
    with i18n.addressing("en-GB"), i18n.speaking("cy"):
        assert i18n.tell("did you mean '%(value)s'?") == "did you mean '%(value)s'?"
        assert i18n.gettext("Statement") != "Statement"


def run(project: Path, *args: str, language: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "LANGUAGE": language, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "auditpack", *args, "--project", str(project)], env=environ,
                          capture_output=True, text=True, timeout=300)


def test_check_speaks_welsh_to_a_welsh_reader_and_english_to_an_english_one(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "mini")
    stages = next(project.glob("content/*/stages.yml"))
    stages.write_text(stages.read_text(encoding="utf-8").replace("owners: [lead]", "owners: [lede]", 1),
                      encoding="utf-8")
    english = run(project, "check", language="en_GB")
    welsh = run(project, "check", language="cy")
    assert english.returncode == welsh.returncode == 1
    assert "hint: did you mean 'lead'?" in english.stderr
    assert "1 problem found; nothing was written." in english.stderr
    assert "hint: did you mean 'lead'?" not in welsh.stderr
    assert "'lead'" in welsh.stderr, "what the user must type stays as it is"
    assert "AP104" not in english.stderr
    english_last, welsh_last = english.stderr.splitlines()[-1], welsh.stderr.splitlines()[-1]
    forms = welsh_forms("%(count)d problem found")
    assert english_last != welsh_last and welsh_last.startswith(forms[1] % {"count": 1} + ";")


def test_help_is_in_the_reader_s_language(tmp_path):
    english = run(tmp_path, "check", "--help", language="en_GB")
    welsh = run(tmp_path, "check", "--help", language="cy")
    assert english.returncode == welsh.returncode == 0
    assert "validate the content only" in english.stdout.lower()
    assert "validate the content only" not in welsh.stdout.lower()
    assert "--project" in welsh.stdout and "--format" in welsh.stdout


# --- nothing said to the user is made without the catalogue ------------------------------------

MESSAGE_ARGUMENTS = {"ContentError": (2, 3, 4), "Invalid": (1, 2, 3)}
MESSAGE_KEYWORDS = {"message", "expected", "hint"}
WORD = re.compile(r"[a-z]{2,}")


def _words(node: ast.expr) -> bool:
    """A literal (or the literal parts of an f-string) with a word in it: English a reader would see
    (a name such as 'UTF-8' is not one)."""
    parts = [node] if isinstance(node, ast.Constant) else \
        [v for v in node.values if isinstance(v, ast.Constant)] if isinstance(node, ast.JoinedStr) else []
    return any(isinstance(p.value, str) and WORD.search(p.value) for p in parts)


def unmarked_messages(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else \
            node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name in MESSAGE_ARGUMENTS:
            arguments = [a for i, a in enumerate(node.args) if i in MESSAGE_ARGUMENTS[name]]
            arguments += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
            lines += [a.lineno for a in arguments if _words(a)]
    return lines


def test_every_problem_s_message_expected_and_hint_go_through_the_catalogue():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = unmarked_messages(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(REPO))] = lines
    assert found == {}, "mark them: tell('...') % {...} (see auditpack/i18n.py)"


def test_the_guard_finds_an_unmarked_message():
    tree = ast.parse("ContentError(CODE, where, f'unknown role {role}')\n"
                     "Invalid(CODE, tell('fine'), hint='add it')\n"
                     "ContentError(CODE, where, tell('fine %(x)s') % {'x': 1}, expected=one_of(x))\n")
    assert unmarked_messages(tree) == [1, 2]
