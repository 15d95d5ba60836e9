"""Output is never half-written: killed builds, their leftovers, and two builds at once.

Builds run as a user runs them (``python build.py`` in a subprocess) and are killed with
SIGKILL, which no cleanup code can intercept; the previous site must still be there, byte for
byte, and the next build must clear what the killed one left behind. A build stopped with
SIGTERM cleans up as Ctrl+C does, and however a build ends, its PDF workers end with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditpack.output import MARKER, SITE, BuildLocked, ProjectFiles, build_lock, clear_leftovers, mark, replacing

from .conftest import REPO

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and flock are POSIX")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(project: Path, *args: str, quiet: bool = True) -> subprocess.Popen:
    """``python build.py`` in a session of its own, so any worker processes it starts can be found."""
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *args, *(["-q"] if quiet else []),
                             "--project", str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def kill(build: subprocess.Popen) -> None:
    """SIGKILL the build and its workers together, as a power cut or the OOM killer would.

    The whole process group goes first: workers inherit the build's output pipes, so waiting
    for the pipes before they are gone would wait forever.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(build.pid, signal.SIGKILL)
    build.communicate(timeout=60)
    assert build.returncode == -signal.SIGKILL


def session(build: subprocess.Popen) -> list[int]:
    """The processes still running in the build's session: it, its workers and the servers it started."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            state, _, _, sid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:4]
        except (OSError, ValueError):
            continue  # not a process, or one that has just ended
        if int(sid) == build.pid and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def wait_for_workers(build: subprocess.Popen) -> None:
    """Until two progress lines are printed: workers have rendered what they report, so they exist."""
    for _ in range(2):
        assert build.stdout.readline().startswith("["), f"the build ended early: {build.communicate()}"
    assert len(session(build)) >= 4, "expected the build, the fork server and its workers"


def left_running(build: subprocess.Popen, seconds: float = 60) -> tuple[list[int], str]:
    """The build's processes, itself included, still running ``seconds`` after it was signalled (killed
    then, so that none outlives the test), and what the build printed on stderr."""
    deadline = time.monotonic() + seconds
    while (alive := session(build)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return alive, build.communicate(timeout=60)[1]


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site.")) + \
        sorted(p.name for p in (project / "build").iterdir() if p.name.startswith(".mkdocs."))


# --- killed builds -----------------------------------------------------------------------------

@pytest.mark.slow
def test_killed_builds_leave_the_previous_site_complete(mini_build, tmp_path):
    """Kill a real, uncached build a second in, and after its 5th and its 20th PDF (of 28, the last
    ones packs): counted from its progress lines, so the kills land while PDFs render however fast
    the machine is. (The tiny programme: what is checked, the site folder swapped whole or not at
    all, does not depend on the content; the bundled one took 40 s here for the same check.)"""
    project = tmp_path / "project"
    shutil.copytree(mini_build, project, ignore=shutil.ignore_patterns("build"))
    before = snapshot(project / "site")
    assert len(before) > 90
    for when in ("1 s", 5, 20):
        build = start_build(project, "--no-cache", quiet=False)
        if when == "1 s":
            time.sleep(1)
        else:
            for _ in range(when):
                assert build.stdout.readline().startswith("["), f"the build ended before PDF {when}"
        assert build.poll() is None, f"the build ended before the kill ({when}): {build.communicate()}"
        kill(build)
        assert snapshot(project / "site") == before, f"the site changed after a kill at {when}"
    assert (project / "site" / "index.html").read_text(encoding="utf-8").count("<title>") == 1


@pytest.mark.slow
def test_build_killed_while_writing_leaves_the_previous_site_and_the_next_build_clears_up(mini_build, tmp_path):
    """Kill the moment the staging folder appears (MkDocs is writing into it), then build again."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    before = snapshot(project / "site")
    build = start_build(project)
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".site.new-") for p in project.iterdir()):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.005)
    kill(build)
    assert snapshot(project / "site") == before
    assert f".site.new-{build.pid}" in leftovers(project)

    # A staging folder of a process that is still running is not ours to remove.
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        (project / f".site.new-{alive.pid}").mkdir()
        rebuild = start_build(project)
        _out, err = rebuild.communicate(timeout=300)
        assert rebuild.returncode == 0, err
        assert leftovers(project) == [f".site.new-{alive.pid}"]
        assert (project / "site" / "index.html").is_file()
    finally:
        alive.kill()
        alive.wait()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_staging_folder_whose_build_was_killed_writing_its_marker_is_cleared(tmp_path):
    """The marker is the first file a build writes into its staging folder; killed while writing it
    (seen under load), the build leaves the marker empty or cut short, and nothing else."""
    (tmp_path / "site").mkdir()
    cut = [tmp_path / f".site.new-{_dead_pid()}" for _ in range(2)]
    for folder, text in zip(cut, ("", "auditpack output: si"), strict=True):
        folder.mkdir()
        (folder / MARKER).write_text(text)
    kept = [tmp_path / f".site.new-{_dead_pid()}" for _ in range(2)]
    kept[0].mkdir()
    (kept[0] / MARKER).write_text("")
    (kept[0] / "notes.txt").write_text("someone's file")  # not only a marker: not ours to delete
    kept[1].mkdir()
    (kept[1] / MARKER).write_text("something else entirely")
    assert sorted(clear_leftovers(tmp_path / "site", SITE)) == sorted(cut)
    assert all(folder.exists() for folder in kept) and not any(folder.exists() for folder in cut)


def test_output_moved_aside_by_a_build_killed_between_its_renames_is_put_back(tmp_path):
    target = tmp_path / "site"
    aside = tmp_path / f".site.old-{_dead_pid()}"
    aside.mkdir()
    mark(aside, SITE)
    (aside / "index.html").write_text("previous site")
    assert not target.exists()
    clear_leftovers(target, SITE)
    assert (target / "index.html").read_text() == "previous site" and not aside.exists()


def test_a_failed_build_removes_its_own_staging_folder(tmp_path):
    target = tmp_path / "site"
    project = tmp_path / "project"
    with pytest.raises(RuntimeError):  # noqa: PT012, SIM117 - raised inside replacing(), to see it clean up
        with replacing(target, SITE, ProjectFiles(project, project / "content", project / "site_config.yml",
                                                  project / "templates")) as staging:
            (staging / "half.html").write_text("x")
            raise RuntimeError("template error")
    assert list(tmp_path.iterdir()) == []


# --- stopped builds leave no process behind --------------------------------------------------------

pytestmark_linux = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


@pytest.mark.slow
@pytestmark_linux
def test_sigterm_stops_a_build_as_ctrl_c_does_and_its_workers_end(mini_build, tmp_path):
    """SIGTERM (a cancelled CI job, ``kill``) to the build alone, while its workers render: the message
    Ctrl+C gives, exit 143, the previous site byte for byte, no staging folder, no process left."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    before = snapshot(project / "site")
    build = start_build(project, "--no-cache", "-j", "2", quiet=False)
    wait_for_workers(build)
    os.kill(build.pid, signal.SIGTERM)
    running, stderr = left_running(build)
    assert running == []
    assert build.returncode == 143
    assert stderr == "auditpack: interrupted; the previous output was left as it was.\n"
    assert snapshot(project / "site") == before
    assert leftovers(project) == []  # the staging folders went with the build, not at the next one


@pytest.mark.slow
@pytestmark_linux
def test_sigkill_to_the_build_alone_ends_its_workers_and_their_server(mini_build, tmp_path):
    """SIGKILL to the main process only (the OOM killer picks one process): its workers, the fork
    server they come from and multiprocessing's resource tracker end too. The workers used to render
    on, and then wait, for half an hour, and kept the server and the tracker alive."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    build = start_build(project, "--no-cache", "-j", "2", quiet=False)
    wait_for_workers(build)
    os.kill(build.pid, signal.SIGKILL)
    assert left_running(build)[0] == []


@pytest.mark.slow
@pytestmark_linux
def test_a_build_with_nothing_to_do_still_clears_what_a_killed_build_left(mini_build, tmp_path):
    """After a killed build, the next command is often one that finds the site up to date: it
    removes the killed build's half-made folders too, instead of leaving them in the project."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    subprocess.run([sys.executable, str(REPO / "build.py"), "-q", "--project", str(project)], check=True)
    build = start_build(project, "--no-cache", "-j", "2", quiet=False)
    wait_for_workers(build)
    os.kill(build.pid, signal.SIGKILL)
    assert left_running(build)[0] == [] and leftovers(project) != []
    again = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project)], capture_output=True,
                           text=True, check=True)
    assert again.stdout.startswith("Up to date") and leftovers(project) == []


@pytest.mark.slow
@pytestmark_linux
def test_a_worker_killed_mid_build_is_reported_and_the_rest_end(mini_build, tmp_path):
    """The system, short of memory, kills the biggest process: often a worker laying out a pack.
    The build used to end with a traceback (BrokenProcessPool)."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    before = snapshot(project / "site")
    build = start_build(project, "--no-cache", "-j", "2", quiet=False)
    wait_for_workers(build)
    server = next(pid for pid in session(build) if parent(pid) == build.pid and "forkserver" in command(pid))
    worker = next(pid for pid in session(build) if parent(pid) == server)
    os.kill(worker, signal.SIGKILL)
    running, stderr = left_running(build)
    assert running == [] and build.returncode == 1
    assert stderr == ("auditpack: a PDF worker process was killed in the middle of its work (by the system, if memory "
                      "ran short). Run again, with fewer workers (-j 1) if memory is short\n")
    assert snapshot(project / "site") == before and leftovers(project) == []


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0  # it has just ended


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
@pytestmark_linux
def test_sigkill_to_a_batch_of_school_packs_ends_its_workers(mini_project, tmp_path):
    (tmp_path / "schools.csv").write_text("name,pathway\nSt Anne's,self-led\nHillside,supported\n", encoding="utf-8")
    build = start_build(mini_project, "packs", "--schools", str(tmp_path / "schools.csv"), "--no-cache", "-j", "2",
                        quiet=False)
    wait_for_workers(build)  # the first school is done; the second is being rendered
    os.kill(build.pid, signal.SIGKILL)
    assert left_running(build)[0] == []


@pytestmark_linux
def test_sigkill_to_collate_ends_the_workers_that_read_the_forms(mini_build, tmp_path):
    """Two hundred forms are read in spawned worker processes, which a killed collate left waiting."""
    form = (mini_build / "site" / "downloads" / "mini" / "stage-2-gather" / "response-form.pdf").read_bytes()
    forms = tmp_path / "forms"
    forms.mkdir()
    for number in range(200):  # each a different file: identical files are counted once
        (forms / f"{number}.pdf").write_bytes(form + f"% copy {number}\n".encode())
    collate = start_build(mini_build, "collate", "--questionnaire", "wellbeing", "--out", str(tmp_path / "report"),
                          str(forms))
    deadline = time.monotonic() + 120
    while not any(parent(pid) == collate.pid and "multiprocessing.spawn" in command(pid) for pid in session(collate)):
        assert collate.poll() is None and time.monotonic() < deadline, collate.communicate()
        time.sleep(0.005)
    os.kill(collate.pid, signal.SIGKILL)
    assert left_running(collate)[0] == []


# --- two builds at once ------------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from auditpack.output import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_build_lock_refuses_a_second_build_and_dies_with_its_holder(tmp_path):
    work = tmp_path / "build"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(work)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLocked) as refused, build_lock(work):
            pass
        assert str(refused.value).endswith(f"another build is running in this project (pid {holder.pid}); "
                                           f"wait for it or remove {work / '.lock'} if it was killed")
        assert isinstance(refused.value, OSError)  # so every command reports it as a message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with build_lock(work):  # the lock died with its holder: no stale lock to remove by hand
        assert (work / ".lock").read_text().strip() == str(os.getpid())


@pytest.mark.slow
def test_two_builds_started_at_once_one_refused_the_other_complete(mini_build, tmp_path):
    """Needs pipeline.build to run inside output.build_lock (see the report for issue 7)."""
    project = tmp_path / "mini"
    shutil.copytree(mini_build, project)
    first, second = start_build(project), start_build(project)
    results = [(p.returncode, out, err) for p in (first, second) for out, err in [p.communicate(timeout=300)]]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, _, err in results if code == 1)
    assert "another build is running in this project (pid " in refused and "Traceback" not in refused
    assert leftovers(project) == []
    rebuilt = start_build(project)
    assert rebuilt.communicate(timeout=300) and rebuilt.returncode == 0
    assert snapshot(project / "site") == snapshot(mini_build / "site")
