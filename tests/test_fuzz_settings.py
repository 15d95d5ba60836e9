"""Broken or hostile settings end in success or located messages, never a traceback.

Hypothesis mutates site_config.yml the way editing goes wrong and the way a hostile folder would:
values of the wrong type, huge strings, control and invisible characters, nested blocks, odd paths
for the logo and folders, markup, misspelt keys, and the file's bytes cut or spliced. Each case
runs ``auditpack check`` and ``auditpack build`` on the mini programme in this process. A failed
build must leave the previous site as it was. Runs are derandomized; a failure prints the mutation.
The default is a few cases, to keep the suite quick; explore with
``SETTINGS_FUZZ_EXAMPLES=300 python -m pytest tests/test_fuzz_settings.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES, REPO, copy_project
from .test_fuzz import ODD, _insert, _site_digest, assert_located, run_cli
from .test_hostile_settings import PLAIN_SVG, png

pytestmark = pytest.mark.slow  # mutated settings checked and built, case after case

BASE = yaml.safe_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
FOLDERS = ("content_dir", "output_dir", "work_dir")
"""Where the build reads and writes: mutated for check only, so a build cannot write over the content."""
PATHS = ["../x.png", "/etc/passwd", "logo.png", "images/logo.svg", "linked.png", "a//b.png", "./logo.png", ".",
         "", "~/logo.png", "C:\\logo.png", "logo.png\x00", "images", "site/logo.png", "x" * 300, "%2e%2e/x.png",
         "logo.png/", "\u202elogo.png", "pipe.png"]
MARKUP = ["<script>alert(1)</script>", "<img src=http://127.0.0.1:9/x.png>", "[x](javascript:alert(1))",
          "{: onclick=alert(1)}", '"><svg onload=alert(1)>', "&lt;script&gt;", "</title><script>", "**bold** \u00a9",
          "{{ 7 * 7 }}", "{% raw %}", "`code`", "\\", "|a|b|"]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD + PATHS + MARKUP + ["en", "cy", "xx", "en-GB", "A4", "Letter", "#000000", "#ffffff"]),
    st.text(max_size=40), st.text(min_size=5001, max_size=5100), st.just("x" * 200_000),
    st.lists(st.sampled_from(["large-print", "blank", "fillable", "x", ""]), max_size=4),
    st.dictionaries(st.sampled_from(["logo", "primary", "x", "site_name"]), st.sampled_from(PATHS + ["a"]),
                    max_size=3),
    st.lists(st.dictionaries(st.just("a"), st.none()), min_size=1, max_size=2),
)
KEYS = sorted(BASE) + [f"brand.{k}" for k in ("primary", "accent", "logo")]


@st.composite
def mutations(draw):
    """(description, the new site_config.yml bytes, whether a build may run on it)."""
    kind = draw(st.sampled_from(["value"] * 6 + ["key", "text", "bytes"]))
    data = {**BASE, "brand": dict(BASE["brand"])}
    if kind in ("value", "key"):
        changes, buildable = [], True
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(KEYS))
            parent, name = (data.get("brand"), key[6:]) if key.startswith("brand.") else (data, key)
            if not isinstance(parent, dict):  # an earlier change replaced or renamed brand
                continue
            buildable &= name not in FOLDERS
            if kind == "key":
                new_name = draw(st.sampled_from(["fotter", "Site_name", "", "1", "logo", "brand", "x" * 300]))
                parent[new_name] = parent.pop(name, None)
                changes.append(f"rename {key} to {new_name!r}")
            else:
                parent[name] = draw(VALUES)
                changes.append(f"{key} = {parent[name]!r:.60}")
        raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")
        return "; ".join(changes), raw, buildable
    raw = (REPO / "site_config.yml").read_bytes()
    where = draw(st.integers(0, len(raw)))
    if kind == "text":
        odd = "".join(draw(st.lists(st.sampled_from(ODD + MARKUP), min_size=1, max_size=3)))
        return f"insert {odd!r} at byte {where}", _insert(raw, where, odd), False
    junk = draw(st.binary(min_size=1, max_size=8))
    return f"bytes {junk!r} at byte {where}", raw[:where] + junk + raw[where:], False


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The mini programme with the files the odd logo paths may find: an image, an SVG, a link out, a pipe."""
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("settings-fuzz") / "mini")
    (root / "logo.png").write_bytes(png())
    (root / "images").mkdir()
    (root / "images" / "logo.svg").write_text(PLAIN_SVG, encoding="utf-8")
    secret = root.parent / "secret.png"
    secret.write_bytes(png())
    (root / "linked.png").symlink_to(secret)
    os.mkfifo(root / "pipe.png")
    code, _, stderr = run_cli("build", "-q", "--project", str(root))
    assert code == 0, stderr
    return root


@settings(max_examples=int(os.environ.get("SETTINGS_FUZZ_EXAMPLES", "12")), deadline=None,
          derandomize=not os.environ.get("FUZZ_RANDOM"), print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(mutations())
@example(("the logo a pipe", yaml.safe_dump({"brand": {"logo": "pipe.png"}}).encode(), True))
@example(("a footer of markup and a huge name", yaml.safe_dump(
    {"footer": MARKUP[0] + MARKUP[1], "site_name": "x" * 100, "site_description": "d" * 200_000}).encode(), True))
def test_settings_never_crash_check_or_build(project, mutation):
    description, raw, buildable = mutation
    config = project / "site_config.yml"
    original = config.read_bytes()
    try:
        config.write_bytes(raw)
        checked, _, stderr = run_cli("check", "--project", str(project))
        assert checked in (0, 1), f"{description}: check exit {checked}\n{stderr}"
        event(f"check exit {checked}")
        if checked == 1:
            assert_located(stderr, project)
        if not buildable:
            return
        before = _site_digest(project)
        code, _, stderr = run_cli("build", "-q", "--project", str(project))
        assert code in (0, 1), f"{description}: build exit {code}\n{stderr}"
        event(f"build exit {code}")
        if code == 1:
            assert checked == 1, f"{description}: check passed, and then the build failed:\n{stderr}"
            assert "Traceback" not in stderr, f"{description}\n{stderr}"
            assert _site_digest(project) == before, f"{description}: a failed build changed the site"
    finally:
        config.write_bytes(original)
