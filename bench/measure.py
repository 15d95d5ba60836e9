"""Run a command as a user would and measure it: wall time, and the peak resident memory of
every process it starts.

PDF workers are forked from multiprocessing's fork server, which the build starts and nobody
waits for, so ``getrusage(RUSAGE_CHILDREN)`` never sees them. Instead the command and all its
descendants are looked at in /proc as they run: VmHWM is the most a process has held resident,
so catching each process once while it lives is enough. Where there is no /proc, only the
command's own process is measured.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def run(command: list[str], capture: bool = False) -> tuple[float, float, str]:
    """(seconds, peak MiB of any one process of the command, its output if ``capture``)."""
    seconds, peaks, output = run_family(command, capture)
    return seconds, max(peaks.values()) / 1024, output


def run_family(command: list[str], capture: bool = False) -> tuple[float, dict[int, int], str]:
    """(seconds, the peak KiB of each process of the command by pid, its output if ``capture``): their
    sum is the most the command and its workers can have held at once."""
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, text=True)
    finished = threading.Event()
    watcher = threading.Thread(target=_watch_family, args=(process.pid, peaks, finished), daemon=True)
    watcher.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    finished.set()
    watcher.join()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, output)
    if not peaks:  # no /proc: the largest of this process's children so far
        peaks[process.pid] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peaks, output or ""


def _watch_family(root: int, peaks: dict[int, int], finished: threading.Event, interval: float = 0.05) -> None:
    while not finished.is_set() and PROC.is_dir():
        for pid in _family(root):
            peak = _peak_kib(pid)
            if peak:
                peaks[pid] = max(peaks.get(pid, 0), peak)
        finished.wait(interval)


def _family(root: int) -> list[int]:
    """``root`` and its descendants: a few small reads, not a scan of every process, so that
    measuring takes next to nothing from the build it measures."""
    family, index = [root], 0
    while index < len(family):
        tasks = PROC / str(family[index]) / "task"
        for task in _listdir(tasks):
            try:
                family += [int(pid) for pid in (tasks / task / "children").read_text().split()]
            except OSError:
                continue  # ended meanwhile
        index += 1
    return family


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _peak_kib(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
