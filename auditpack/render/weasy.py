"""WeasyPrint, imported without ctypes searching for its libraries.

Importing WeasyPrint opens GObject, Pango, HarfBuzz, fontconfig and PangoFT2 under a list of
names meant for every platform. On Linux each name that is not a file on the loader's path
makes ``ctypes.util.find_library`` run ``ldconfig`` and then ``gcc`` (WeasyPrint issue 1125):
about 25 subprocesses, half the time of the import. The lists also hold each library's real
soname, which the dynamic loader finds by itself, so the search is switched off while
WeasyPrint loads. If the libraries cannot be found that way, the import is done again the
usual way, so the outcome never depends on this shortcut.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import threading

_lock = threading.Lock()


def import_weasyprint():
    """The ``weasyprint`` module, imported once per process."""
    with _lock:
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            _import_without_library_search()
        import weasyprint
        return weasyprint


def _import_without_library_search() -> None:
    search, ctypes.util.find_library = ctypes.util.find_library, lambda name: None
    try:
        # WeasyPrint prints installation advice when a library is missing; that advice is
        # for the usual import below, if it fails too.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
            import weasyprint.text.fonts  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
