"""Content problems as data, and the one place they become text.

Every check in auditpack reports through :class:`ContentError`: a code from :mod:`.codes`, a
location, what is wrong, what was expected (in words, and the valid ``choices`` when there is a set
of them) and a hint. A user sees ``file:line:column: what is wrong (expected ...)`` and the hint,
never a Python traceback; an editor or CI reads the same fields as JSON (:func:`problems_json`).
Nothing reads a message back: whatever code needs to know is a field.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .codes import Code
from .i18n import counted, tell
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
    code: Code
    location: Location
    message: str
    expected: str = ""
    """What was expected, in words; made from ``choices`` when only they are given."""
    hint: str = ""
    choices: tuple[str, ...] = ()
    """The valid values, when the problem is a value outside a known set."""
    source_line: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        if self.choices and not self.expected:
            object.__setattr__(self, "expected", one_of(self.choices))

    @property
    def is_warning(self) -> bool:
        """Something recommended is missing: said, but nothing is refused because of it."""
        return self.code.severity == "warning"

    def format(self) -> str:
        values = {"where": self.location, "message": self.message, "code": self.code}
        text = tell("%(where)s: warning: %(message)s [%(code)s]") % values if self.is_warning else \
            f"{self.location}: {self.message}"
        if self.expected:
            text += " " + tell("(expected %(expected)s)") % {"expected": self.expected}
        if self.source_line:
            line, caret = _shown_line(self.source_line, self.location.column)
            text += f"\n    {line}\n    {caret}"
        if self.hint:
            text += "\n    " + tell("hint: %(hint)s") % {"hint": self.hint}
        return text

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line, self.location.column, self.message)

    def as_json(self, root: Path | None = None) -> dict:
        """The problem for editors and CI; ``file`` relative to ``root`` when it is inside it."""
        return {"code": self.code.number, "name": self.code.name, "severity": self.code.severity,
                "file": _relative(self.location.file, root), "line": self.location.line or None,
                "column": self.location.column or None, "message": self.message, "expected": self.expected or None,
                "choices": list(self.choices), "hint": self.hint or None}


def one_of(choices) -> str:
    """The expected values in words: 'one of: a, b, c'."""
    return tell("one of: %(choices)s") % {"choices": ", ".join(choices)}


class Invalid(ValueError):
    """A problem found inside a pydantic validator, as data: pydantic keeps the exception, and
    :mod:`.pydantic_errors` makes a :class:`ContentError` of it at the value's location."""

    def __init__(self, code: Code, message: str, expected: str = "", hint: str = "", choices=(), at: tuple = ()):
        super().__init__(message)
        self.code, self.message, self.expected, self.hint, self.choices = code, message, expected, hint, tuple(choices)
        self.at = at
        """Where inside the validated block the problem is (keys and list indexes), when a validator of the
        whole block finds it in one part: the problem is then shown at that part."""


def _relative(file: str, root: Path | None) -> str:
    """A problem's file as the project sees it (content/x/stages.yml), wherever the command ran;
    a name that is no file (--school, SOURCE_DATE_EPOCH) as it is."""
    a_name = not os.path.isabs(file) and "/" not in file and os.sep not in file and not os.path.exists(file)
    if root is None or file.startswith("-") or a_name:
        return file
    relative = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
    return file if relative.startswith("..") else Path(relative).as_posix()


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
    close = difflib.get_close_matches(value, [c for c in choices if c], n=1, cutoff=0.6)
    return tell("did you mean '%(value)s'?") % {"value": close[0]} if close else ""


class ContentErrors(Exception):
    """Raised when content cannot be used; carries every problem found.

    The offending lines are read when the problems are formatted, not when each is raised: a CSV
    of four thousand bad rows raises once per row, and reading the file each time made reporting
    quadratic."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} content problem(s)")

    def format(self, outcome: str | None = None) -> str:
        """Every problem (the first :data:`MAX_SHOWN`) and a count; ``outcome`` says what the
        command did not do because of them (by default, that nothing was written)."""
        lines = [e.format() for e in with_source_lines(self.errors[:MAX_SHOWN])]
        count = len(self.errors)
        if count > MAX_SHOWN:
            lines.append(counted("... and %(count)d more; fix these first, then run 'auditpack check' again.",
                               "... and %(count)d more; fix these first, then run 'auditpack check' again.",
                               count - MAX_SHOWN))
        warnings = sum(e.is_warning for e in self.errors)
        problems = counted("%(count)d problem found", "%(count)d problems found", count - warnings)
        if warnings:
            problems = tell("%(problems)s and %(warnings)s") % {"problems": problems, "warnings": counted(
                "%(count)d warning", "%(count)d warnings", warnings)}
        outcome = tell("nothing was written") if outcome is None else outcome
        lines.append(tell("%(problems)s; %(outcome)s.") % {"problems": problems, "outcome": outcome})
        return "\n".join(lines)


def warnings_text(warnings: list[ContentError]) -> str:
    """Warnings from content that is otherwise fine, each as a problem is shown, and a count."""
    lines = [e.format() for e in with_source_lines(sorted(set(warnings), key=ContentError.sort_key))]
    lines.append(counted("%(count)d warning: nothing is refused because of it; the documents leave out what "
                       "a warning says is missing.",
                       "%(count)d warnings: nothing is refused because of them; the documents leave out what "
                       "a warning says is missing.", len(warnings)))
    return "\n".join(lines)


JSON_VERSION = 1
"""The shape of ``check --format json``; raised only when a field changes meaning or goes away."""


def problems_json(errors: list[ContentError], root: Path | None = None, programmes: int | None = None) -> str:
    """Every problem as one JSON document (the shape docs/errors.md describes). ASCII only, so
    nothing in it can act on a terminal and any reader can take it."""
    problems = [e.as_json(root) for e in sorted(set(errors), key=ContentError.sort_key)]
    summary = {"errors": sum(p["severity"] == "error" for p in problems),
               "warnings": sum(p["severity"] == "warning" for p in problems), "programmes": programmes}
    return json.dumps({"version": JSON_VERSION, "problems": problems, "summary": summary}, indent=2)


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
        text = where + tell("template error: %(error)s") % {"error": exc.message or exc}
        if type(exc).__name__ == "SecurityError":  # jinja2.sandbox's, without importing Jinja here
            text += " " + tell("(templates may only use the values they are given: a project's templates folder "
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
