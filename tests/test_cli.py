"""The command line, run as a user runs it: exit codes, messages, and a failed build keeping the old site."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditpack import cli
from auditpack.template_folders import PACKAGED

from .pdf_reading import open_pdf

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd=REPO, entry="build.py"):
    command = {"build.py": lambda: [sys.executable, str(REPO / "build.py")],
               "-m": lambda: [sys.executable, "-m", "auditpack"],
               "auditpack": lambda: [_console_script()]}[entry]()
    return subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def _console_script() -> str:
    script = Path(sys.executable).with_name("auditpack")
    return str(script) if script.exists() else shutil.which("auditpack")


def test_check_ok(mini_project):
    result = run("check", "--project", str(mini_project))
    assert result.returncode == 0, result.stderr
    assert "mini: 2 stages, 5 tasks, 2 components, 3 questionnaire items" in result.stdout


def test_build_py_and_python_m_behave_like_auditpack(mini_project):
    """``python build.py`` and ``python -m auditpack`` (auditpack/__main__.py) are the same command line as
    ``auditpack``: the same output and exit code, a usage error's included."""
    commands = {"help": ["--help"], "check help": ["check", "--help"],
                "check": ["check", "--project", str(mini_project)], "typo": ["chek"]}
    outcomes = {}
    for name, args in commands.items():
        by_entry = [run(*args, entry=entry) for entry in ("auditpack", "build.py", "-m")]
        outcomes[name] = [(r.returncode, r.stdout, r.stderr) for r in by_entry]
        assert outcomes[name][1:] == outcomes[name][:1] * 2, name
    assert outcomes["help"][0][0] == 0 and "With no command, 'build' runs." in outcomes["help"][0][1]
    assert outcomes["check help"][0][0] == 0 and "usage: auditpack check" in outcomes["check help"][0][1]
    assert outcomes["check"][0][0] == 0 and "mini: 2 stages" in outcomes["check"][0][1]
    assert outcomes["typo"][0][0] == 2 and "did you mean 'check'?" in outcomes["typo"][0][2]


def test_help_names_the_commands():
    out = run("--help").stdout
    assert "build" in out and "check" in out and "With no command, 'build' runs." in out


def test_an_unknown_command_is_a_usage_error_not_an_argument_of_build():
    for entry in ("build.py", "auditpack"):
        result = run("tally", "--help", entry=entry)
        assert result.returncode == 2 and result.stdout == ""  # not build's help, and not a success
        assert "auditpack: error: unknown command 'tally' (expected one of build, check, serve, new, schema, diff, " \
               "packs, collate, scan, translate, or none for 'build')" in result.stderr
        assert "usage: auditpack build" not in result.stderr
        result = run("chek", entry=entry)
        assert result.returncode == 2 and "hint: did you mean 'check'?" in result.stderr
    result = run("audit-the-school")
    assert result.returncode == 2 and "hint: 'auditpack --help' says what each command does" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_command_is_shown_escaped():
    result = run("\x1b]0;owned\x07scan")
    assert result.returncode == 2 and "unknown command '\\x1b]0;owned\\x07scan'" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_an_unknown_command_in_process(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["bild", "-q"])
    assert stopped.value.code == 2
    printed = capsys.readouterr()
    assert printed.out == "" and "unknown command 'bild'" in printed.err and "did you mean 'build'?" in printed.err
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--help"])
    assert stopped.value.code == 0 and "collate" in capsys.readouterr().out


def test_no_command_means_build(mini_build, tmp_path):
    """``auditpack``, ``auditpack -q`` and ``auditpack --project DIR`` each build."""
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    first = run(cwd=project)
    assert first.returncode == 0 and "28 reused" in first.stdout, first.stderr
    assert first.stdout.endswith(f"-> {project / 'site'}\n")
    for args, cwd in ((["-q"], project), (["--project", str(project)], tmp_path)):
        result = run(*args, cwd=cwd)
        assert result.returncode == 0 and result.stdout.startswith("Up to date: "), result.stderr
    assert cli.main(["-q", "--project", str(project)]) == 0


@pytest.mark.slow
def test_no_command_with_no_cache_renders_everything_again(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    result = run("--no-cache", "-q", cwd=project)
    assert result.returncode == 0 and "28 rendered, 0 reused" in result.stdout, result.stderr


def test_content_errors_exit_1_with_locations_and_no_traceback(mini_project):
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("owners: [staff]", "owners: [stuff]"))
    for command in (["check"], ["build"], []):
        result = run(*command, "--project", str(mini_project))
        assert result.returncode == 1
        assert f"{stages}:33:9: 'owners': unknown role 'stuff'" in result.stderr
        assert "hint: did you mean 'staff'?" in result.stderr
        assert "Traceback" not in result.stderr


def test_usage_error_exits_2():
    result = run("check", "--no-such-option")
    assert result.returncode == 2 and "usage:" in result.stderr


def test_failed_build_keeps_previous_site(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    before = {p.relative_to(project): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    (project / "content" / "mini" / "stages.yml").write_text("stages:\n  - number: one\n")
    result = run("build", "--project", str(project))
    assert result.returncode == 1
    after = {p.relative_to(project): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith(".")]  # no half-written folders left


def test_template_error_is_reported_not_raised(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    shutil.copytree(PACKAGED, project / "templates")
    (project / "templates" / "print" / "briefing.html.j2").write_text(
        "{% extends 'base.html.j2' %}{% block body %}{{ oops(")
    result = run("build", "--project", str(project))
    assert result.returncode == 1
    assert "briefing.html.j2:1" in result.stderr and "Traceback" not in result.stderr
    assert (project / "site" / "index.html").is_file()


@pytest.mark.slow
def test_two_builds_are_byte_identical(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    assert run("build", "-q", "--project", str(project)).returncode == 0
    first = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    original = {project / p.relative_to(mini_build): p.read_bytes() for p in (mini_build / "site").rglob("*")
                if p.is_file()}
    assert first.keys() == original.keys()
    differing = [str(p) for p in first if first[p] != original[p]]
    assert differing == []


@pytest.mark.slow
def test_progress_lines_mark_what_was_reused_and_the_summary_counts_it(mini_build, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(mini_build, project)
    stages = project / "content" / "mini" / "stages.yml"
    text = stages.read_text(encoding="utf-8")
    stages.write_text(text.replace("title: Gather views\n", "title: Gather every view\n"), encoding="utf-8")
    result = run("build", "--project", str(project))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    reused = [line for line in lines if line.endswith(" (reused)")]
    rendered = [line for line in lines if not line.endswith(" (reused)")]
    assert reused and rendered and all("stage-2-gather" in line or "complete-pack" in line for line in rendered)
    assert f"{len(rendered)} rendered, {len(reused)} reused" in result.stdout


def test_the_version_is_written_once_and_the_installed_package_reports_it():
    """pyproject reads the version from auditpack.__version__; the installed metadata and
    `auditpack --version` say the same."""
    from importlib.metadata import version

    import auditpack

    assert 'dynamic = ["version"]' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert version("auditpack") == auditpack.__version__
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--version"], capture_output=True, text=True)
    assert result.stdout == f"auditpack {auditpack.__version__}\n"


@pytest.mark.slow
def test_paper_on_the_command_line_wins_over_the_settings_for_one_run(mini_project):
    """A school in the US prints on Letter without editing site_config.yml (which says A4)."""
    settings = (mini_project / "site_config.yml").read_text()
    result = run("build", "-q", "--paper", "letter", "--project", str(mini_project))
    assert result.returncode == 0, result.stderr
    form = mini_project / "site" / "downloads" / "mini" / "stage-2-gather" / "response-form.pdf"
    assert [round(float(x)) for x in open_pdf(form).pages[0].mediabox[2:]] == [612, 792]  # 8.5 x 11 in
    assert (mini_project / "site_config.yml").read_text() == settings
    result = run("build", "-q", "--project", str(mini_project))
    assert result.returncode == 0, result.stderr
    assert [round(float(x)) for x in open_pdf(form).pages[0].mediabox[2:]] == [595, 842]  # A4 again


def test_an_unknown_paper_is_a_usage_error_and_builds_nothing(mini_project):
    result = run("build", "--paper", "A3\x1b[31m", "--project", str(mini_project))
    assert result.returncode == 2
    assert "--paper: no such paper (expected one of A4, Letter)" in result.stderr and "\x1b" not in result.stderr
    assert not (mini_project / "site").exists()
