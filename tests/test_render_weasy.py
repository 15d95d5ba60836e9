"""WeasyPrint imported without ctypes' library search loads the very same libraries, and runs no
program to find them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each test starts Python twice and imports WeasyPrint in both

PROBE = """
import json, subprocess, sys
started = []
original = subprocess.Popen.__init__
def recording(self, args, *rest, **options):
    started.append(args if isinstance(args, str) else " ".join(map(str, args)))
    original(self, args, *rest, **options)
subprocess.Popen.__init__ = recording
if sys.argv[1] == "shortcut":
    from auditpack.render.weasy import import_weasyprint
    import_weasyprint()
else:
    import weasyprint, weasyprint.text.fonts
import weasyprint.text.ffi as ffi
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                    if any(name in line for name in ("libpango", "libharfbuzz", "libfontconfig", "libgobject"))})
print(json.dumps({"started": started, "libraries": libraries,
                  "optional": [ffi.harfbuzz_subset is not None, ffi.harfbuzz_vector is not None]}))
"""


def _probe(how: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, how], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is taken on Linux only")
def test_the_shortcut_loads_the_same_libraries_and_runs_no_program():
    usual, shortcut = _probe("usual"), _probe("shortcut")
    assert shortcut["libraries"] and shortcut["libraries"] == usual["libraries"]
    assert shortcut["optional"] == usual["optional"]
    assert shortcut["started"] == []
    # What the shortcut avoids, where it applies (gcc or ldconfig present):
    assert usual["started"] == [] or any("ldconfig" in s or "gcc" in s for s in usual["started"])


FAILING_SHORTCUT = """
import ctypes.util, sys
import cffi
searching = ctypes.util.find_library
original = cffi.FFI.dlopen
def dlopen(self, name, *rest):
    if ctypes.util.find_library is not searching:  # as on a system where only the search finds them
        raise OSError(f"cannot load library {name!r}")
    return original(self, name, *rest)
cffi.FFI.dlopen = dlopen
from auditpack.render.weasy import import_weasyprint
weasyprint = import_weasyprint()
print("imported", weasyprint.HTML.__name__)
"""


def test_when_the_shortcut_finds_nothing_the_usual_import_runs_and_says_nothing_of_it():
    result = subprocess.run([sys.executable, "-c", FAILING_SHORTCUT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported HTML\n"  # WeasyPrint's installation advice is not printed
