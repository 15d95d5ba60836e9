"""Broken content of every kind ends in success or located messages, never a traceback.

Hypothesis mutates the bundled programmes the way editing goes wrong (keys deleted or renamed,
values of the wrong type, odd Unicode typed or pasted in, files cut short, lines duplicated or
shifted, bytes that are not UTF-8) and runs ``auditpack check`` in-process on each. A smaller
test builds the mini programme with hostile text in its fields, through MkDocs and WeasyPrint.
Runs are derandomized, so CI sees the same cases every time; a failure prints the mutation.
Explore further with ``FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from auditpack.cli import main
from auditpack.load import load_yaml_file

from .conftest import REPO

pytestmark = pytest.mark.slow  # mutated content checked, and built, case after case

ODD = ["\t", "  ", "\n", "\r", "\r\n", "\x85", "\u2028", "\u202e", "\u200b", "\ufeff", "\x00", "\x07", "\x1b[31m",
       "é", "e\u0301", "\U0001f600", "𝕏", "\ufffd", "ŵ", "\u0663", "²", ":", ": ", " #", "- ", "? ", "&a ", "*a",
       "<<: *a", "!!python/object/apply:os.system ['id']", "!x ", "{", "}", "[", "]", "'", '"', "|", ">", "%", "@",
       "`", "~", "null", "No", "yes", "on", "1.10", "0x1F", "1e3", ".inf", "2024-01-01", "12:30", "---", "...",
       "<script>alert(1)</script>", "[x](javascript:alert(1))", "{: onclick=alert(1)}", "\\", "\\u0000"]
"""Things people type, paste or are sent: whitespace and line breaks of every kind, invisible and
right-to-left characters, YAML punctuation, YAML 1.1 words, markup."""

VALUES = st.one_of(
    st.none(), st.lists(st.sampled_from(["lead", "staff", "x", "Lead", "", "1"]), max_size=3),
    st.dictionaries(st.sampled_from(["id", "text", "kind", "x"]), st.sampled_from(["a", "1", ""]), max_size=2),
    st.lists(st.none(), min_size=1, max_size=1), st.dictionaries(st.just("id"), st.none(), min_size=1),
    st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True),
    st.sampled_from(ODD), st.text(max_size=30), st.text(min_size=5001, max_size=5100),
)
"""Values of the wrong type, size or content put in place of whatever was there."""

CHECK_SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None,
                          derandomize=not os.environ.get("FUZZ_RANDOM"), print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                 HealthCheck.data_too_large])
LOCATED = re.compile(r"^(?P<file>[^\n]+?)(:(?P<line>\d+):(?P<column>\d+))?: \S")


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """One project per bundled programme, so each check reads only the programme being mutated."""
    found = {}
    for programme in sorted(p for p in (REPO / "content").iterdir() if p.is_dir()):
        root = tmp_path_factory.mktemp(programme.name)
        shutil.copy(REPO / "site_config.yml", root / "site_config.yml")
        shutil.copytree(programme, root / "content" / programme.name)
        found[programme.name] = root
    return found


PROGRAMME_FILES = sorted(str(p.relative_to(REPO / "content")) for p in (REPO / "content").rglob("*.yml"))


@st.composite
def mutations(draw):
    """(file relative to content/, description, function (file bytes, file path) -> new bytes).

    Places are drawn from the bundled file itself, so every key and line is as likely as any other.
    """
    name = draw(st.sampled_from(PROGRAMME_FILES))
    original = (REPO / "content" / name).read_bytes()
    kind = draw(st.sampled_from(["structure"] * 5 + ["text", "text", "truncate", "lines", "bytes"]))
    if kind == "structure":
        return name, *draw(_structural(REPO / "content" / name))
    where = draw(st.integers(0, len(original)))
    if kind == "text":
        odd = "".join(draw(st.lists(st.sampled_from(ODD), min_size=1, max_size=3)))
        return name, f"insert {odd!r} at byte {where}", lambda raw, path: _insert(raw, where, odd)
    if kind == "truncate":
        return name, f"truncate at byte {where}", lambda raw, path: raw[:where]
    if kind == "lines":
        op = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "tab"]))
        line = draw(st.integers(0, original.count(b"\n")))
        return name, f"{op} line {line + 1}", lambda raw, path: _line_op(raw, line, op)
    junk = draw(st.binary(min_size=1, max_size=8))
    return name, f"bytes {junk!r} at byte {where}", lambda raw, path: _insert_bytes(raw, where, junk)


@st.composite
def _structural(draw, file: Path):
    """Change the parsed data at one to four places (keys or list entries), then write it back as YAML."""
    _, source, _ = load_yaml_file(file)
    shapes: dict[tuple, list[tuple]] = {}
    for place in source.positions:
        if place:
            shapes.setdefault(tuple(p for p in place if isinstance(p, str)) + (isinstance(place[-1], int),),
                              []).append(place)
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(sorted(shapes, key=str)))
        changes.append((draw(st.sampled_from(shapes[shape])),
                        draw(st.sampled_from(["delete", "replace", "replace", "replace", "rename", "duplicate"])),
                        draw(VALUES), draw(st.sampled_from(NEW_KEYS))))

    def apply(raw: bytes, path: Path) -> bytes:
        data, _, _ = load_yaml_file(path)
        for target, op, value, new_key in changes:
            with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier change removed the place
                _change(data, target, op, value, new_key)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")

    return "; ".join(f"{op} {target} ({value!r:.40}, {key!r:.12})" for target, op, value, key in changes), apply


NEW_KEYS = ["titel", "ownrs", "Id", "id", "text", "", "1", "null", "<<", "scale", "x" * 300]


def _change(data, target: tuple, op: str, value, new_key: str) -> None:
    parent = data
    for part in target[:-1]:
        parent = parent[part]
    last = target[-1]
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = value
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif isinstance(parent, dict):
        parent[new_key if new_key not in parent else new_key + "2"] = parent.pop(last)


def _insert(raw: bytes, cut: int, text: str) -> bytes:
    text_bytes = text.encode("utf-8", "surrogatepass")
    while cut < len(raw) and (raw[cut] & 0xC0) == 0x80:  # not inside a character
        cut += 1
    return raw[:cut] + text_bytes + raw[cut:]


def _insert_bytes(raw: bytes, cut: int, junk: bytes) -> bytes:
    return raw[:cut] + junk + raw[cut:]


def _line_op(raw: bytes, i: int, op: str) -> bytes:
    lines = raw.split(b"\n")
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "indent":
        lines[i] = b"  " + lines[i]
    elif op == "dedent":
        lines[i] = lines[i][2:] if lines[i].startswith(b"  ") else lines[i]
    else:
        lines[i] = b"\t" + lines[i].lstrip(b" ")
    return b"\n".join(lines)


def run_cli(*args: str) -> tuple[int, str, str]:
    """``auditpack ARGS`` in this process; an exception escaping main() fails the test with its traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_located(stderr: str, project: Path) -> None:
    """Every problem names a file in the project (with line and column when it has one)."""
    assert "Traceback" not in stderr
    lines = stderr.rstrip("\n").split("\n")
    assert re.fullmatch(r"\d+ problems? found; nothing was written\.", lines[-1]), stderr
    problems = [line for line in lines[:-1] if line and not line.startswith("    ") and not line.startswith("...")]
    assert problems, stderr
    for line in problems:
        match = LOCATED.match(line)
        assert match and match["file"].startswith(str(project)), f"not located: {line!r}\n{stderr}"


def _replaced(place: tuple, value):
    """A structural change written out in full, for the regression examples below."""
    def apply(raw: bytes, path: Path) -> bytes:
        data = load_yaml_file(path)[0]
        _change(data, place, "replace", value, "")
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")
    return apply


@CHECK_SETTINGS
@given(mutations())
# Crashes found while hardening issue 7, kept so that they stay fixed:
@example(("imhars/changelog.yml", "only a comment left (AttributeError)", lambda raw, path: b"# nothing\n"))
@example(("imhars/changelog.yml", "an alias inside its own anchor (RecursionError)",
          lambda raw, path: b"changelog: &c\n  - *c\n"))
@example(("imhars/changelog.yml", "brackets nested 3000 deep (RecursionError in PyYAML)",
          lambda raw, path: b"changelog: " + b"[" * 3000 + b"]" * 3000 + b"\n"))
@example(("blackpool-ara/questionnaires/staff-audit.yml", "a questionnaire id that is a list (TypeError)",
          _replaced(("questionnaires", 0, "id"), [None])))
@example(("blackpool-ara/questionnaires/staff-audit.yml", "a section id that is a block (TypeError)",
          _replaced(("questionnaires", 0, "sections", 0, "id"), {"id": None})))
@example(("imhars/stages.yml", "a stage number of '²' (ValueError in int())",
          lambda raw, path: raw.replace(b"  - number: 2\n", "  - number: \u00b2\n".encode(), 1)))
@example(("imhars/programme.yml", "a lone surrogate, which UTF-8 cannot write (UnicodeEncodeError at build)",
          _replaced(("programme", "title"), "Mini \ud800")))
@example(("imhars/programme.yml", "a NUL byte (ReaderError reported without a line)",
          lambda raw, path: raw.replace(b"programme:", b"programme:\x00", 1)))
def test_check_never_crashes_on_mutated_content(projects, mutation):
    name, description, change = mutation
    project = projects[name.split("/")[0]]
    path = project / "content" / name
    original = path.read_bytes()
    try:
        path.write_bytes(change(original, path))
        code, _, stderr = run_cli("check", "--project", str(project))
        assert code in (0, 1), f"{description}: exit {code}\n{stderr}"
        if code == 1:
            assert_located(stderr, project)
    finally:
        path.write_bytes(original)


# --- full builds of hostile text ---------------------------------------------------------------

TEXT_PATHS = [("stages.yml", ("stages", 0, "purpose")), ("stages.yml", ("stages", 0, "tasks", 0, "text")),
              ("stages.yml", ("stages", 0, "title")), ("guidance.yml", ("questionnaires", 0, "sections", 0, "items", 0,
                                                                        "text")),
              ("programme.yml", ("roles", 0, "name")), ("stages.yml", ("components", 0, "activities", 0, "with"))]


@pytest.fixture(scope="module")
def built_mini(mini_build, tmp_path_factory) -> Path:
    """A copy of the tiny programme's build (its cache too), which the command line finds up to date."""
    project = tmp_path_factory.mktemp("fuzz-build") / "mini"
    shutil.copytree(mini_build, project)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert code == 0, stderr
    return project


def _site_digest(project: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((project / "site").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(project)).encode() + path.read_bytes())
    return digest.hexdigest()


@settings(max_examples=6, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TEXT_PATHS), st.lists(st.sampled_from(ODD) | st.text(max_size=20), min_size=1, max_size=6))
@example(TEXT_PATHS[1], ["<script>alert(1)</script>", "\u202e", "\U0001f600", "[x](javascript:alert(1))", "ŵ"])
@example(TEXT_PATHS[3], ["\ud800"])
def test_builds_of_hostile_text_succeed_or_keep_the_previous_site(built_mini, field, pieces):
    file_name, path = field
    file = built_mini / "content" / "mini" / file_name
    original = file.read_bytes()
    before = _site_digest(built_mini)
    data = load_yaml_file(file)[0]
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = "Words " + "".join(pieces) + " end."
    try:
        file.write_bytes(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass"))
        code, _, stderr = run_cli("build", "-q", "--project", str(built_mini))
        assert code in (0, 1), stderr
        if code == 1:
            assert_located(stderr, built_mini)
            assert _site_digest(built_mini) == before, "a failed build changed the site"
        else:
            assert (built_mini / "site" / "index.html").is_file()
    finally:
        file.write_bytes(original)
