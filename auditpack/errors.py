"""Content problems as located, human-readable messages.

Every check in auditpack reports through :class:`ContentError` so that a user
always sees ``file:line:column: what is wrong (what was expected)`` and a hint,
never a Python traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


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
            caret = " " * max(self.location.column - 1, 0) + "^"
            text += f"\n    {self.source_line}\n    {caret}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line, self.location.column, self.message)


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
    """Raised when content cannot be used; carries every problem found."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} content problem(s)")

    def format(self) -> str:
        lines = [e.format() for e in self.errors]
        count = len(self.errors)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def with_source_line(error: ContentError) -> ContentError:
    """Attach the offending line so the user sees it under the message."""
    if not error.location.line:
        return error
    try:
        lines = Path(error.location.file).read_text(encoding="utf-8").splitlines()
        line = lines[error.location.line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return error
    return ContentError(error.location, error.message, error.expected, error.hint, line.rstrip())


class TemplateProblem(Exception):
    """A template (ours or a project's own copy) could not be used; says which file and line."""

    @classmethod
    def from_jinja(cls, exc) -> "TemplateProblem":
        where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "filename", None) else ""
        return cls(f"{where}template error: {exc.message or exc}")
