"""Output folders: auditpack replaces or writes into only folders it made, never the user's.

Every command that writes a folder (build, build --school, packs, collate) is run as a user runs
it, pointed at a place it must not touch: the project, its content or settings, the home folder,
the file-system root, a folder the user made, or a folder reached through a symbolic link. Each
test checks the refusal (exit 2, a message naming the rule, no traceback) and that every file
that was there is still there, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.config import SiteConfig
from auditpack.output import MARKER, OutputRefused

from .conftest import FIXTURES, REPO

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links and mount namespaces are POSIX")

RESPONSES = FIXTURES / "responses" / "mini"


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes (symbolic links by their target)."""
    return {p.relative_to(folder).as_posix():
            os.readlink(p) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def edit_content(project: Path) -> None:
    """A change to the content, so the next build is not skipped as up to date."""
    programme = project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text().replace("Mini wellbeing audit", "Mini wellbeing audit two"))


def refused(result: subprocess.CompletedProcess, problem: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert problem in result.stderr and "hint: " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


@pytest.fixture
def project(mini_build, tmp_path) -> Path:
    """A built copy of the mini project, inside a folder holding a file of the user's of its own."""
    (tmp_path / "notes.txt").write_text("the user's own notes")
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    return root


# --- output_dir in site_config.yml -------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("value, problem", [
    (".", "'.' is not a folder inside the project"),
    ("..", "'..' is not a folder inside the project"),
    ("site/../..", "'site/../..' is not a folder inside the project"),
    ("content", "'content' is also the content_dir"),
    ("Content/site", "'Content/site' and the content_dir 'content' are one inside the other"),
    ("build", "'build' (the work_dir when none is set) is also the output_dir"),
])
def test_output_dir_that_is_not_a_folder_of_its_own_is_reported_by_check(project, value, problem):
    """`output_dir: .` replaced the project, `..` the folder around it, `content` the content."""
    (project / "site_config.yml").write_text(f"site_name: Mini\noutput_dir: {value}\n")
    before = snapshot(project.parent)
    for command in ("check", "build"):
        result = run(command, "--project", str(project))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"{project / 'site_config.yml'}:2:1: setting '" in result.stderr and problem in result.stderr
    assert snapshot(project.parent) == before


@pytest.mark.parametrize("output_dir, problem", [
    (".", "it is the project folder"),
    ("..", "it holds the project folder"),
    ("content", "it is the project's content folder"),
    ("content/site", "it is inside the project's content folder"),
])
def test_output_dir_that_would_replace_the_project_is_refused_by_the_build_too(project, output_dir, problem):
    """Settings that never went through validation still cannot make a build replace the project:
    the build checks the folder itself (as it must for a settings file given with --config)."""
    config = SiteConfig().model_copy(update={"output_dir": output_dir})  # not validated
    before = snapshot(project.parent)
    with pytest.raises(OutputRefused) as refusal:
        pipeline.build(pipeline.Project(project, config, project / "site_config.yml"),
                       options=pipeline.BuildOptions(use_cache=False))
    assert problem in str(refusal.value)
    assert snapshot(project.parent) == before


# --- build --school --out ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("out, problem", [
    (".", "it is the project folder"),
    ("content", "it is the project's content folder"),
    ("site_config.yml", "it is the project's settings file"),
    ("..", "it holds the project folder"),
])
def test_school_out_that_is_the_project_is_refused(project, out, problem):
    """`--out .` left only the packs; `--out content` removed the content."""
    before = snapshot(project.parent)
    refused(run("build", "--school", "X", "--out", out, "-q", cwd=project), problem)
    assert snapshot(project.parent) == before


def test_school_out_that_is_the_file_system_root_is_refused(project):
    """`--out /` ended in a traceback. Refused before anything is rendered or written."""
    refused(run("build", "--school", "X", "--out", "/", "-q", "--project", str(project)),
            "refusing to write /: it is the root of the file system")


@pytest.mark.slow
def test_school_out_that_is_the_home_folder_is_refused(project, tmp_path):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "report.docx").write_text("the user's report")
    before = snapshot(home)
    for out in (home, home.parent):
        refused(run("build", "--school", "X", "--out", str(out), "-q", "--project", str(project),
                    env={"HOME": str(home)}),
                "it is your home folder" if out == home else "it holds your home folder")
    assert snapshot(home) == before


@pytest.mark.slow
def test_school_out_that_the_user_made_is_refused_and_an_empty_one_taken_over(project, tmp_path):
    """Only a folder auditpack marked, or an empty one, is replaced; the user's stays as it was."""
    mine = tmp_path / "packs"
    mine.mkdir()
    (mine / "letter.docx").write_text("the user's letter")
    refused(run("build", "--school", "X", "--out", str(mine), "-q", "--project", str(project)),
            "it is not empty and auditpack did not make it (it has no .auditpack-output file)")
    assert snapshot(mine) == {"letter.docx": hashlib.sha256(b"the user's letter").hexdigest()}

    (mine / "letter.docx").unlink()
    built = run("build", "--school", "X", "--out", str(mine), "-q", "--project", str(project))
    assert built.returncode == 0, built.stderr
    assert (mine / MARKER).read_text().startswith("auditpack output: school\n")
    assert (mine / "mini" / "mini-complete-pack.pdf").is_file()
    again = run("build", "--school", "Y", "--out", str(mine), "-q", "--project", str(project))  # now it is ours
    assert again.returncode == 0, again.stderr


def test_school_out_that_is_another_kind_of_output_is_refused(project):
    """A marker names the kind of output: a school's packs never replace the site."""
    before = snapshot(project / "site")
    refused(run("build", "--school", "X", "--out", "site", "-q", cwd=project),
            "it is auditpack's site output, not school output")
    assert snapshot(project / "site") == before


# --- packs --schools --out -----------------------------------------------------------------------

def test_packs_out_that_is_the_project_is_refused(project):
    """`--out .` with schools named Content and Site replaced both folders."""
    (project.parent / "schools.csv").write_text("name\nContent\nSite\n")
    before = snapshot(project.parent)
    refused(run("packs", "--schools", "../schools.csv", "--out", ".", "-q", cwd=project), "it is the project folder")
    assert snapshot(project.parent) == before


@pytest.mark.slow
def test_packs_out_that_is_a_file_system_root_is_refused(project, tmp_path):
    """`--out /` with a school named Etc would have replaced /etc: modelled on a fake root."""
    root = tmp_path / "fakeroot"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (tmp_path / "schools.csv").write_text("name\nEtc\n")
    before = snapshot(root)
    refused(run("packs", "--schools", str(tmp_path / "schools.csv"), "--out", str(root), "-q",
                "--project", str(project)),
            "it is not empty and auditpack did not make it")
    assert snapshot(root) == before
    refused(run("packs", "--schools", str(tmp_path / "schools.csv"), "--out", "/", "-q", "--project", str(project)),
            "refusing to write /: it is the root of the file system")


@pytest.fixture(scope="module")
def batch_beside_the_users_files(mini_build, tmp_path_factory):
    """A batch into a folder of schools auditpack made, where the user has since put a folder of
    their own, a zip of their own, and a link, each where a school of the CSV would go."""
    tmp = tmp_path_factory.mktemp("packs")
    root = tmp / "mini"
    shutil.copytree(mini_build, root)
    (tmp / "first.csv").write_text("name\nBirch\n")
    first = run("packs", "--schools", str(tmp / "first.csv"), "-q", "--project", str(root))
    assert first.returncode == 0, first.stderr
    schools = root / "schools"
    (schools / "oak").mkdir()
    (schools / "oak" / "minutes.docx").write_text("the user's minutes")
    (schools / "site.zip").write_text("the user's zip")
    (tmp / "elsewhere").mkdir()
    (tmp / "elsewhere" / "keep.txt").write_text("the user's file")
    (schools / "ash").symlink_to(tmp / "elsewhere", target_is_directory=True)
    (tmp / "schools.csv").write_text("name\nOak\nSite\nAsh\nCon\nElm\n")
    before = snapshot(tmp)
    result = run("packs", "--schools", str(tmp / "schools.csv"), "--project", str(root))
    return root, result, before, snapshot(tmp)


@pytest.mark.slow
def test_packs_leave_a_folder_the_user_put_among_the_schools(batch_beside_the_users_files):
    root, result, before, after = batch_beside_the_users_files
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"schools.csv:2:1: 'Oak' was not built: refusing to replace {root / 'schools' / 'oak'}: it is not " \
           "empty and auditpack did not make it" in result.stderr
    assert after["mini/schools/oak/minutes.docx"] == before["mini/schools/oak/minutes.docx"]
    assert not (root / "schools" / "oak.zip").exists()


@pytest.mark.slow
def test_packs_never_replace_a_zip_auditpack_did_not_write(batch_beside_the_users_files):
    """A school named Site writes site.zip beside its folder; the user's site.zip stays."""
    root, result, _, _ = batch_beside_the_users_files
    assert f"schools.csv:3:1: 'Site' was not built: refusing to replace {root / 'schools' / 'site.zip'}: " \
           "auditpack did not make it" in result.stderr
    assert (root / "schools" / "site.zip").read_text() == "the user's zip"
    assert not (root / "schools" / "site").exists()


@pytest.mark.slow
def test_packs_never_write_through_a_link_among_the_schools(batch_beside_the_users_files):
    root, result, before, after = batch_beside_the_users_files
    assert "schools.csv:4:1: 'Ash' was not built: refusing to replace" in result.stderr
    assert "it is a symbolic link" in result.stderr
    assert after["elsewhere/keep.txt"] == before["elsewhere/keep.txt"]
    assert sorted(p.name for p in (root.parent / "elsewhere").iterdir()) == ["keep.txt"]


@pytest.mark.slow
def test_packs_school_folder_is_a_portable_name_directly_inside_out(batch_beside_the_users_files):
    """A school's folder is one file name inside --out; 'con' cannot be unzipped on Windows, so the
    school named Con gets a word more rather than being refused."""
    root, result, _, _ = batch_beside_the_users_files
    assert "'Con'" not in result.stderr
    assert not (root / "schools" / "con").exists() and not (root / "schools" / "con.zip").exists()
    assert (root / "schools" / "con-school" / "mini" / "mini-complete-pack.pdf").is_file()
    assert (root / "schools" / "con-school.zip").is_file()


@pytest.mark.slow
def test_packs_build_the_other_schools_beside_the_users_files(batch_beside_the_users_files):
    root, result, before, after = batch_beside_the_users_files
    assert "Built packs for 2 schools, 3 failed" in result.stdout, result.stdout
    assert (root / "schools" / "elm" / "mini" / "mini-complete-pack.pdf").is_file()
    assert (root / "schools" / "elm" / MARKER).read_text().startswith("auditpack output: school\n")
    assert (root / "schools" / MARKER).read_text().startswith("auditpack output: schools\n")
    assert after["mini/schools/birch.zip"] == before["mini/schools/birch.zip"]  # not in this CSV: untouched


# --- the site folder and links --------------------------------------------------------------------

def test_site_that_is_a_link_to_another_folder_is_refused(project, tmp_path):
    """A `site` link to another folder: that folder's files were deleted."""
    other = tmp_path / "published"
    other.mkdir()
    (other / "index.html").write_text("the user's own page")
    shutil.rmtree(project / "site")
    (project / "site").symlink_to(other, target_is_directory=True)
    refused(run("build", "--no-cache", "-q", "--project", str(project)),
            f"refusing to write {project / 'site'}: it is a symbolic link (to {other})")
    assert snapshot(other) == {"index.html": hashlib.sha256(b"the user's own page").hexdigest()}


def test_site_reached_through_a_link_inside_the_project_is_refused(project, tmp_path):
    other = tmp_path / "published"
    (other / "site").mkdir(parents=True)
    (other / "site" / "index.html").write_text("the user's own page")
    (project / "out").symlink_to(other, target_is_directory=True)
    (project / "site_config.yml").write_text("site_name: Mini test site\nfooter: Test footer\noutput_dir: out/site\n")
    refused(run("build", "-q", "--project", str(project)),
            f"{project / 'out'} is a symbolic link inside the project")
    assert snapshot(other) == {"site/index.html": hashlib.sha256(b"the user's own page").hexdigest()}


@pytest.mark.slow
def test_project_reached_through_a_link_still_builds(project, tmp_path):
    """A link above the project (macOS's /tmp is one) is the project's own address, not a way out."""
    alias = tmp_path / "alias"
    alias.symlink_to(project.parent, target_is_directory=True)
    edit_content(project)
    result = run("build", "-q", "--project", str(alias / "mini"))
    assert result.returncode == 0, result.stderr
    assert "Mini wellbeing audit two" in (project / "site" / "index.html").read_text()
    school = run("build", "--school", "X", "-q", "--out", str(alias / "mini" / "packs"), cwd=alias / "mini")
    assert school.returncode == 0, school.stderr


@pytest.mark.slow
def test_site_from_before_markers_is_replaced_but_not_once_the_user_added_to_it(project):
    """A site built before markers holds a zip of every other file in it: that is recognised and
    rebuilt. Once the user has put a file of their own in it, it is no longer plainly auditpack's."""
    (project / "site" / MARKER).unlink()  # as an older auditpack left it
    assert run("build", "-q", "--project", str(project)).returncode == 0
    assert (project / "site" / MARKER).read_text().startswith("auditpack output: site\n")

    (project / "site" / MARKER).unlink()
    (project / "site" / "our-logo.png").write_bytes(b"the user's own file")
    before = snapshot(project / "site")
    refused(run("build", "-q", "--project", str(project)), "it is not empty and auditpack did not make it")
    assert snapshot(project / "site") == before


@pytest.mark.slow
def test_leftovers_that_auditpack_did_not_make_are_left_alone(project):
    """A killed build's staging folder is cleared by the next build, but only if it is auditpack's:
    a folder that merely has such a name (unmarked, not empty) is left as it is."""
    def dead_pid() -> int:
        process = subprocess.Popen([sys.executable, "-c", "pass"])
        process.wait()
        return process.pid

    killed = project / f".site.new-{dead_pid()}"
    killed.mkdir()
    (killed / MARKER).write_text("auditpack output: site\n")
    (killed / "half.html").write_text("half a site")
    lookalike = project / f".site.new-{dead_pid()}"
    lookalike.mkdir()
    (lookalike / "diary.txt").write_text("the user's diary")
    edit_content(project)
    result = run("build", "-q", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert not killed.exists()
    assert (lookalike / "diary.txt").read_text() == "the user's diary"


# --- collate --out -------------------------------------------------------------------------------

def test_collate_into_the_content_folder_is_refused(project):
    """`collate --out content` wrote the report among the programmes, and `check` then failed."""
    before = snapshot(project)
    refused(run("collate", "--questionnaire", "wellbeing", "--out", "content", "-q", str(RESPONSES), cwd=project),
            "it is the project's content folder")
    assert snapshot(project) == before
    assert run("check", "--project", str(project)).returncode == 0


def test_collate_into_a_folder_the_user_made_is_refused(project, tmp_path):
    mine = tmp_path / "meeting"
    mine.mkdir()
    (mine / "tallies.csv").write_text("the user's own tallies")
    refused(run("collate", "--questionnaire", "wellbeing", "--out", str(mine), "-q", "--project", str(project),
                str(RESPONSES)), "it is not empty and auditpack did not make it")
    assert (mine / "tallies.csv").read_text() == "the user's own tallies"
    assert sorted(p.name for p in mine.iterdir()) == ["tallies.csv"]


# --- a full disk ---------------------------------------------------------------------------------

def _on_full_disk(command: list[str], disk: Path) -> subprocess.CompletedProcess:
    """``command`` with a 256 KB file system mounted on ``disk`` (a real tmpfs, in a mount namespace
    of its own, so nothing is left mounted), and then a list of what is left on it."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to mount a small file system")
    script = 'mount -t tmpfs -o size=256k tmpfs "$0" || exit 99; "$@"; status=$?; ls -AR "$0"; exit $status'
    disk.mkdir(parents=True)
    result = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script, str(disk), *command],
                            capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if result.returncode == 99:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    return result


@pytest.mark.slow
@pytest.mark.parametrize("command, written", [
    ([], "{disk}/site/"),
    (["--school", "X", "--out", "{disk}/packs"], "{disk}/packs/mini/"),
    (["packs", "--schools", "{disk}/../schools.csv", "--out", "{disk}/schools"], "{disk}/schools/oak/mini/"),
])
def test_a_full_disk_names_the_output_being_written(project, command, written):
    """"No space left on device" named no path, or a file of MkDocs' own that it was copying."""
    disk = project / "full"
    (project / "schools.csv").write_text("name\nOak\n")
    (project / "site_config.yml").write_text("site_name: Mini test site\nfooter: Test footer\noutput_dir: full/site\n")
    result = _on_full_disk([sys.executable, str(REPO / "build.py"), *(a.format(disk=disk) for a in command),
                            "-q", "--project", str(project)], disk)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"No space left on device: {written.format(disk=disk)}" in result.stderr, result.stderr
    assert ".new-" not in result.stdout, result.stdout  # the half-written folder is gone


# --- new -----------------------------------------------------------------------------------------

def test_new_refuses_an_id_that_check_would_reject(tmp_path):
    """`new con` made a programme that `check` then rejected; now `new` says so, in check's words."""
    result = run("new", "con", "--project", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("PROGRAMME_ID: 'con' cannot be an id: Windows reserves the name "
                                    "(expected an id other than con, prn, aux, nul, com0-9 or lpt0-9)\n"
                                    "    hint: ids become file and folder names; add a word, e.g. 'con-audit'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["content", ".", "/"])
def test_schema_never_writes_into_the_content_the_project_or_a_root(mini_project, out):
    """`schema` writes a few named files and removes nothing, but not among the content, in the
    project folder itself, or at the root of the disk."""
    before = sorted(p.relative_to(mini_project) for p in mini_project.rglob("*"))
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "schema", "--project", str(mini_project),
                             "--out", out], cwd=mini_project, capture_output=True, text=True)
    assert result.returncode == 2 and "refusing to write" in result.stderr, result.stderr
    assert sorted(p.relative_to(mini_project) for p in mini_project.rglob("*")) == before
    assert not Path("/content.schema.json").exists()
