"""PDF workers and the temporary folder: when it cannot be used, the message names it.

The fork server that workers come from listens on a socket in the temporary folder, and
WeasyPrint copies fonts there; 'AF_UNIX path too long' or 'No space left on device' alone, or
a traceback from a worker, does not tell the user which folder to fix.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a fork server and rlimits on Linux")


def build_school(project, tmpdir, *args: str, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--school", "St Anne's", "--no-cache", "-q",
                           "--project", str(project), *args],
                          capture_output=True, text=True, preexec_fn=preexec_fn,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmpdir)})


def test_a_temporary_folder_too_deep_for_the_worker_server_socket_is_named(mini_project, tmp_path):
    """A Unix socket path has at most 107 bytes; macOS gives long TMPDIRs."""
    deep = tmp_path / ("t" * 110)
    deep.mkdir()
    result = build_school(mini_project, deep, "-j", "2")
    assert result.returncode == 1
    assert result.stderr == (f"auditpack: the temporary folder cannot be used (AF_UNIX path too long); make room "
                             f"there, or set TMPDIR to another folder (a short path you can write to): {deep}\n")
    assert not (mini_project / "schools").exists()


def _files_of_at_most_16_kb():
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fonts_that_cannot_be_written_to_the_temporary_folder_are_reported_without_a_traceback(
        mini_project, tmp_path, jobs):
    """No room for the fonts WeasyPrint copies to the temporary folder, simulated by a limit on the
    size of files (as a full disk, writes fail; no privileges needed). In a worker this used to print
    the worker's traceback and then the build's ('a process in the process pool was terminated')."""
    result = build_school(mini_project, tmp_path, "-j", jobs, preexec_fn=_files_of_at_most_16_kb)
    assert result.returncode == 1
    assert result.stderr == (f"auditpack: the temporary folder cannot be used (File too large); make room there, "
                             f"or set TMPDIR to another folder (a short path you can write to): {tmp_path}\n")
    assert not (mini_project / "schools").exists()



@pytest.mark.slow
def test_workers_leave_nothing_in_the_temporary_folder(mini_project, tmp_path):
    """WeasyPrint copies the fonts into a folder per process and removes it only when the process
    ends normally; pool workers do not, and every build with workers left 9 MB per worker behind."""
    # A short path of its own: the workers' server puts its socket in TMPDIR, and a socket path
    # has at most 107 bytes (pytest-xdist puts tmp_path a folder deeper).
    with tempfile.TemporaryDirectory(prefix="ap-") as short:
        result = build_school(mini_project, short, "-j", "2")
        left = sorted(p.name for p in Path(short).iterdir())
    assert result.returncode == 0, result.stderr
    assert left == []


@pytest.mark.slow
def test_the_next_build_removes_what_a_killed_build_left_in_the_temporary_folder(mini_project):
    """A build killed outright cannot remove its workers' folder (about 18 MB of fonts each): the
    next build removes it, and leaves alone a running build's folder and folders it did not make."""
    import fcntl
    import signal
    import time

    with tempfile.TemporaryDirectory(prefix="ap-") as short:
        temporary = Path(short)
        not_ours = temporary / "auditpack-workers-not-a-build"  # the name, but no claim file
        not_ours.mkdir()
        running = temporary / "auditpack-workers-running"  # claimed by a build still running (this test)
        running.mkdir()
        claim = os.open(running / ".claimed-by-a-build", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(claim, fcntl.LOCK_EX)
        killed = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--school", "St Anne's", "--no-cache",
                                   "-q", "-j", "2", "--project", str(mini_project)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                  env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": short})
        deadline = time.monotonic() + 120
        while not list(temporary.glob("auditpack-workers-*/weasyprint-*")):
            assert killed.poll() is None and time.monotonic() < deadline, "the build ended before its workers started"
            time.sleep(0.05)
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(timeout=60)
        left_by_kill = set(temporary.glob("auditpack-workers-*")) - {not_ours, running}
        assert len(left_by_kill) == 1, "the killed build should have left its folder (else this test proves nothing)"

        result = build_school(mini_project, short, "-j", "2")
        assert result.returncode == 0, result.stderr
        left = sorted(p.name for p in temporary.iterdir() if not p.name.startswith("pymp-"))
        os.close(claim)
    # The fork server's own folder (pymp-*, Python's, with its socket) is the standard library's
    # to remove, and a killed build leaves it too: it holds no files but the socket.
    assert left == ["auditpack-workers-not-a-build", "auditpack-workers-running"]
