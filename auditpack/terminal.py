"""Text for the terminal: whatever auditpack prints, nothing from its input can steer the terminal.

Messages quote file names, ids, titles, school names and CSV cells, and any of them can hold an
escape sequence that clears the screen, retitles the window, hides a link behind innocent text or
rewrites what was printed before it. So :func:`escaping_output` (around ``auditpack``'s main)
passes every character written to stdout and stderr through :func:`escaped`; code never has to
remember to. Only the progress bar, which is made of our own text and must move the cursor back
with a carriage return, writes around it with :func:`write_raw`.
"""

from __future__ import annotations

import contextlib
import re
import sys

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters a terminal acts on instead of showing: C0 controls but tab and newline (ESC starts
every escape sequence, CR returns over what was printed), DEL, C1 controls (0x9B is a one-byte
ESC [), the line and paragraph separators, and the bidirectional embeddings, overrides and
isolates, which can show text in another order than it is stored ("Trojan Source", CVE-2021-42574).
The right-to-left and left-to-right marks stay: Arabic and Hebrew names use them, and they cannot
reorder letters. Lone surrogates are file-name bytes that are not UTF-8; printing one would fail."""


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """``text`` with every unsafe character shown as its escape, e.g. ESC as ``\\x1b``: visible and
    inert, so the reader sees that the input holds it and the terminal does nothing."""
    return UNSAFE.sub(_escape, text)


class EscapingStream:
    """A text stream that writes to ``unescaped`` what it is given, escaped."""

    def __init__(self, unescaped):
        self.unescaped = unescaped

    def write(self, text: str) -> int:
        self.unescaped.write(escaped(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # flush, isatty, fileno, encoding...: the stream's own
        return getattr(self.unescaped, name)


@contextlib.contextmanager
def escaping_output():
    """Escape everything written to stdout and stderr while the block (or decorated function) runs,
    from any thread: messages, argparse's usage errors, warnings, log records, the preview server."""
    if isinstance(sys.stdout, EscapingStream) and isinstance(sys.stderr, EscapingStream):
        yield
        return
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(stdout), EscapingStream(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def write_raw(text: str, stream=None) -> None:
    """Write our own text (never input) to ``stream`` (stdout) as it is, control characters and all."""
    stream = sys.stdout if stream is None else stream
    getattr(stream, "unescaped", stream).write(text)
    stream.flush()
