"""Content problems as located, human-readable messages.

Every check in auditpack reports through :class:`ContentError` so that a user
always sees ``file:line:column: what is wrong (what was expected)`` and a hint,
never a Python traceback.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .terminal import UNSAFE

SHOWN_WIDTH = 100
"""Characters of the offending line shown around the column: a 5,000-character line would bury the message."""
MAX_SHOWN = 200
"""Problems printed at once; a broken file can produce thousands, and the first ones explain the rest."""
_LINE_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them, so a line number finds the line the author sees."""


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True)
class ContentError:
    location: Location
    message: str
    expected: str = ""
    hint: str = ""
    source_line: str = ""

    def format(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.source_line:
            line, caret = _shown_line(self.source_line, self.location.column)
            text += f"\n    {line}\n    {caret}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line, self.location.column, self.message)


def _shown_line(line: str, column: int) -> tuple[str, str]:
    """The offending line and a caret under ``column``: tabs shown as arrows, invisible characters
    and those a terminal would act on as a replacement mark (one character each, so the caret stays
    aligned), long lines cut to a window around the column."""
    line = UNSAFE.sub("\ufffd", line.replace("\t", "\u2192"))
    offset = max(column - 1, 0)
    if len(line) > SHOWN_WIDTH:
        start = min(max(offset - SHOWN_WIDTH // 2, 0), len(line) - SHOWN_WIDTH)
        prefix = "\u2026" if start else ""
        suffix = "\u2026" if start + SHOWN_WIDTH < len(line) else ""
        line = prefix + line[start:start + SHOWN_WIDTH] + suffix
        offset = offset - start + len(prefix)
    return line, " " * offset + "^"


def suggest(value, choices) -> str:
    """A 'did you mean ...?' hint when ``value`` is a near miss of one of ``choices``."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if not isinstance(value, str):
        return ""
    if isinstance(choices, str):
        choices = [c.strip(" '\"") for c in choices.replace(" or ", ", ").split(",")]
    close = difflib.get_close_matches(value, [c for c in choices if c], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class ContentErrors(Exception):
    """Raised when content cannot be used; carries every problem found.

    The offending lines are read when the problems are formatted, not when each is raised: a CSV
    of four thousand bad rows raises once per row, and reading the file each time made reporting
    quadratic."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} content problem(s)")

    def format(self) -> str:
        lines = [e.format() for e in with_source_lines(self.errors[:MAX_SHOWN])]
        count = len(self.errors)
        if count > MAX_SHOWN:
            lines.append(f"... and {count - MAX_SHOWN} more; fix these first, then run 'auditpack check' again.")
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def with_source_lines(errors: list[ContentError]) -> list[ContentError]:
    """Each problem with its offending line attached, so the user sees it under the message;
    each file is read once however many problems it has."""
    files: dict[str, list[str] | None] = {}
    return [with_source_line(e, files) for e in errors]


def with_source_line(error: ContentError, files: dict | None = None) -> ContentError:
    """One problem with its offending line attached; ``files`` caches each file's lines."""
    if not error.location.line or error.source_line:
        return error
    files = {} if files is None else files
    name = error.location.file
    if name not in files:
        try:
            files[name] = _LINE_BREAKS.split(Path(name).read_bytes().decode("utf-8-sig", errors="replace"))
        except OSError:
            files[name] = None
    lines = files[name]
    if not lines or error.location.line > len(lines):
        return error
    return replace(error, source_line=lines[error.location.line - 1].rstrip())


class TemplateProblem(Exception):
    """A template (ours or a project's own copy) could not be used; says which file and line."""

    @classmethod
    def from_jinja(cls, exc) -> TemplateProblem:
        file, line = (exc.filename, exc.lineno) if getattr(exc, "filename", None) else _template_frame(exc)
        where = f"{file}:{line}: " if file else ""
        text = f"{where}template error: {exc.message or exc}"
        if type(exc).__name__ == "SecurityError":  # jinja2.sandbox's, without importing Jinja here
            text += (" (templates may only use the values they are given: a project's templates folder "
                     "is treated as untrusted code and runs in a sandbox)")
        return cls(text)


def _template_frame(exc) -> tuple[str, int] | tuple[None, None]:
    """Where a template failed while rendering: Jinja gives such errors no file and line, but
    rewrites the traceback so that its frames in template code carry them."""
    found = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
