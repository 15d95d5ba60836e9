"""A project's own templates folder is someone else's code: it runs in Jinja's sandbox.

Each command that renders templates (build, collate, serve's preview, new) meets a template that
tries to run a shell command, and must end with a message naming the template file and line,
exit 1, no traceback, and the command not run. Templates and their assets are read like content
(nothing through a link out of the folder), and compiled templates are never loaded from the project.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2
import jinja2.sandbox
import pytest
from jinja2.bccache import Bucket

from auditpack.cli import main
from auditpack.render import sandbox
from auditpack.serve import Preview

from .conftest import FIXTURES, REPO, copy_project
from .test_collate_filling import RESPONSES


def payload(sentinel: Path) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(sentinel) + "').read() }}"


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(FIXTURES / "mini", tmp_path / "mini", with_templates=True)


def insert_payload(project: Path, template: str, sentinel: Path, line: int = 3) -> Path:
    """The payload on ``line`` of a project template (so the message must name that line)."""
    path = project / "templates" / template
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(line - 1, payload(sentinel))
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def assert_refused(code: int, stderr: str, template: Path, line: int, sentinel: Path) -> None:
    assert not sentinel.exists(), "the template ran a shell command"
    assert code == 1, stderr
    assert f"{template}:{line}: template error: access to attribute '__init__'" in stderr, stderr
    assert "sandbox" in stderr and "Traceback" not in stderr


@pytest.mark.slow
@pytest.mark.parametrize("template, line", [("print/cover.html.j2", 3), ("print/base.html.j2", 3),
                                            ("site/home.md.j2", 3), ("site/online-form.md.j2", 6),
                                            ("site/brand.css.j2", 3)])
def test_build_refuses_a_template_that_reaches_python(project, tmp_path, template, line):
    sentinel = tmp_path / "ran"
    path = insert_payload(project, template, sentinel, line)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert_refused(code, stderr, path, line, sentinel)
    assert not (project / "site").exists()


def test_collate_refuses_a_template_that_reaches_python(project, tmp_path):
    sentinel = tmp_path / "ran"
    path = insert_payload(project, "print/collation-report-body.html.j2", sentinel, line=5)
    code, _, stderr = run_cli("collate", "--project", str(project), "--questionnaire", "wellbeing",
                              "--out", str(tmp_path / "report"), str(RESPONSES / "mini"))
    assert_refused(code, stderr, path, 5, sentinel)
    assert not (tmp_path / "report").exists()


def test_serve_preview_refuses_a_template_that_reaches_python(project, tmp_path):
    """serve rebuilds the preview on every save; a refused template is shown, and nothing runs."""
    preview = Preview(project, None, quiet=True)
    sentinel = tmp_path / "ran"
    path = insert_payload(project, "site/stage.md.j2", sentinel)
    with contextlib.redirect_stderr(io.StringIO()) as err:
        preview.rebuild()
    assert not sentinel.exists()
    assert f"{path}:3: template error: access to attribute '__init__'" in preview.error
    assert "Traceback" not in err.getvalue()


def test_new_refuses_a_template_that_reaches_python(project, tmp_path):
    sentinel = tmp_path / "ran"
    path = insert_payload(project, "new/programme.yml.j2", sentinel, line=1)
    code, _, stderr = run_cli("new", "fresh", "--project", str(project))
    assert_refused(code, stderr, path, 1, sentinel)
    assert not (project / "content" / "fresh").exists(), "a half-made programme folder was left"


def test_a_template_linked_to_a_file_outside_is_not_read(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7731\n")
    home = project / "templates" / "site" / "home.md.j2"
    home.unlink()
    home.symlink_to(secret)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert code == 1 and f"{home}: links to a file outside the templates folder" in stderr, stderr
    assert "TOP-SECRET" not in stderr and "Traceback" not in stderr
    assert not (project / "site").exists()


def test_a_site_asset_linked_to_a_file_outside_is_not_published(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7731\n")
    asset = project / "templates" / "site" / "assets" / "notes.txt"
    asset.symlink_to(secret)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert code == 1 and f"{asset}: links to a file outside the templates folder" in stderr, stderr
    assert not (project / "site").exists()


def test_a_template_that_is_a_device_is_not_read(project):
    """A link to /dev/zero would be read for ever."""
    home = project / "templates" / "site" / "home.md.j2"
    home.unlink()
    os.mkfifo(home)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert code == 1 and f"{home}: not a regular file" in stderr, stderr


@pytest.mark.slow
def test_a_compiled_template_planted_in_the_project_is_never_run(project, tmp_path):
    """Jinja loads compiled templates with marshal: a cache shipped inside a project folder would be
    code that runs outside any sandbox. Plant one where auditpack kept them, keyed as Jinja keys them."""
    sentinel = tmp_path / "ran"
    source_file = project.resolve() / "templates" / "print" / "base.html.j2"
    source = source_file.read_text(encoding="utf-8")
    key = hashlib.sha1(f"base.html.j2|{os.path.normpath(source_file)}".encode()).hexdigest()
    bucket = Bucket(jinja2.Environment(), key, hashlib.sha1(source.encode("utf-8")).hexdigest())
    bucket.code = compile(f"open({str(sentinel)!r}, 'w').close()", str(source_file), "exec")
    target = project / "build" / "cache" / "print-templates"
    target.mkdir(parents=True)
    with open(target / f"__jinja2_{key}.cache", "wb") as handle:
        bucket.write_bytecode(handle)
    code, _, stderr = run_cli("build", "-q", "--project", str(project))
    assert not sentinel.exists(), "a compiled template from the project folder ran"
    assert code == 0, stderr


def test_the_packaged_templates_render_in_the_sandbox(mini_build):
    """Every packaged template works sandboxed (the session build used them all) and is compiled once
    into the per-user cache, not the project."""
    assert (mini_build / "site" / "index.html").is_file()
    assert not (mini_build / "build" / "cache" / "print-templates").exists()
    assert not (mini_build / "build" / "cache" / "templates").exists()


def test_one_module_makes_every_jinja_environment():
    """An environment made anywhere else would not be sandboxed."""
    makers = [path.relative_to(REPO).as_posix() for path in sorted((REPO / "auditpack").rglob("*.py"))
              if "Environment(" in path.read_text(encoding="utf-8")]
    assert makers == [], makers
    assert isinstance(sandbox.environment(), jinja2.sandbox.SandboxedEnvironment)


def test_the_payload_would_run_outside_the_sandbox(tmp_path):
    """The payload is real: unsandboxed Jinja runs it (so a missing file above means it was stopped)."""
    sentinel = tmp_path / "ran"
    assert shutil.which("touch")
    jinja2.Environment().from_string(payload(sentinel)).render()
    assert sentinel.exists()


@pytest.mark.slow
def test_a_folder_for_compiled_templates_that_cannot_be_used_costs_time_not_the_build(project):
    """Jinja refuses a per-user folder that is not a private folder of this user's (a traceback
    before); then templates are compiled each time and the build goes on."""
    # A short path of its own: the workers' server puts its socket in TMPDIR, and a socket path
    # has at most 107 bytes (pytest-xdist puts tmp_path a folder deeper).
    with tempfile.TemporaryDirectory(prefix="ap-") as short:
        temporary = Path(short)
        (temporary / f"_jinja2-cache-{os.getuid()}").write_text("a file where Jinja wants its folder")
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "-q", "--project", str(project)],
                                env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True, text=True)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (project / "site" / "index.html").is_file()
