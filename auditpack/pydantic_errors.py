"""pydantic's validation errors as :class:`~.errors.ContentError`: the one translator, used for
content, settings and school requests alike.

Each error gets its code from its pydantic type (or, when a validator raised :class:`~.errors.Invalid`,
the code it carries), and is located where the author wrote the value. A :class:`Subject` says how
the file being checked names its values ("'owners'", "setting 'brand.logo'") and whether pydantic's
types are put in the author's terms (content, written by advisors) or its own words kept.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from . import codes
from .codes import Code
from .errors import ContentError, Invalid, Location, suggest

MAX_SHOWN_VALUE = 60
"""Characters of a wrong value quoted back in a message."""


@dataclass(frozen=True)
class Subject:
    """What is being validated, and how its messages name things."""

    model: type[BaseModel]
    label: Callable[[tuple], str]
    """How a message names the value at a location: "'owners'", "setting 'brand.logo'"."""
    key: Callable[[tuple], str] = lambda loc: str(loc[-1])
    """How "unknown key '...'" names a key that is not allowed."""
    unknown: str | None = "key"
    """What such a key is called ("unknown setting 'x'"); None keeps pydantic's words."""
    worded: bool = True
    """Say pydantic's errors in the author's terms, with what to write instead; otherwise keep its words."""
    pattern: Code = codes.INVALID_ID
    """What a value not matching its pattern is: content's only patterns are ids."""
    expected: str = ""
    """Said of every problem when nothing more particular is known."""
    plain: Callable[[str], str] = lambda message: message[:1].lower() + message[1:]
    """pydantic's own message, as it is shown when not ``worded``."""


def content_field(loc: tuple) -> str:
    """A content value by its key: "'owners'"."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    return f"'{names[-1]}'" if names else "content"


def translate(errors: Sequence[Any], locate: Callable[[tuple], Location], subject: Subject) -> list[ContentError]:
    """One problem per mistake: a misspelt key is reported as unknown, not also as missing."""
    misspelt: dict[tuple, list[str]] = {}  # by block, so a thousand typos are not each compared with all the others
    for e in errors:
        if e["type"] == "extra_forbidden":
            misspelt.setdefault(tuple(e["loc"][:-1]), []).append(str(e["loc"][-1]))

    def explained(err: dict) -> bool:
        return any(suggest(typo, [str(err["loc"][-1])]) for typo in misspelt.get(tuple(err["loc"][:-1]), []))

    return [_problem(e, locate, subject) for e in errors
            if not (subject.worded and e["type"] == "missing" and explained(e))]


def unknown_key(where: Location, key: str, allowed, noun: str = "key", shown: str | None = None) -> ContentError:
    """A key not allowed in its block, with those that are and the nearest of them."""
    allowed = list(allowed)
    return ContentError(codes.UNKNOWN_KEY, where, f"unknown {noun} '{key if shown is None else shown}'",
                        choices=allowed, hint=suggest(key, allowed))


def _problem(err: dict, locate: Callable[[tuple], Location], subject: Subject) -> ContentError:
    loc, kind = tuple(err["loc"]), err["type"]
    where, label = locate(loc), subject.label(loc)
    if kind == "extra_forbidden" and subject.unknown:
        return unknown_key(where, str(loc[-1]), fields_at(subject.model, loc[:-1]), subject.unknown,
                           subject.key(loc))
    invalid = (err.get("ctx") or {}).get("error")
    if isinstance(invalid, Invalid):
        if invalid.at:
            where, label = locate(loc + invalid.at), subject.label(loc + invalid.at)
        return ContentError(invalid.code, where, f"{label}: {invalid.message}", invalid.expected, invalid.hint,
                            invalid.choices)
    if not subject.worded:
        message = str(invalid) if isinstance(invalid, ValueError) else err["msg"]
        return ContentError(_code(kind, subject), where, f"{label}: {subject.plain(message)}", subject.expected)
    if kind == "missing":  # reported at the block the key is missing from
        return ContentError(codes.MISSING_KEY, locate(loc[:-1]), f"missing key '{loc[-1]}'" + _in(loc[:-1]),
                            expected=f"'{loc[-1]}:' in this block",
                            hint=MISSING_HINTS.get(str(loc[-1]), f"add '{loc[-1]}:' with its value to this block"))
    return _worded(err, loc, kind, where, label, subject)


def _code(kind: str, subject: Subject) -> Code:
    if kind == "string_pattern_mismatch":
        return subject.pattern
    if kind in _SIZES:
        return _SIZES[kind]
    if kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        return codes.WRONG_TYPE
    return _CODES.get(kind, codes.INVALID_VALUE)


_CODES = {"extra_forbidden": codes.UNKNOWN_KEY, "missing": codes.MISSING_KEY, "literal_error": codes.UNKNOWN_VALUE,
          "enum": codes.UNKNOWN_VALUE}
_SIZES = {"string_too_long": codes.TOO_LONG, "string_too_short": codes.EMPTY_VALUE, "too_long": codes.ENTRY_COUNT,
          "too_short": codes.ENTRY_COUNT, "greater_than": codes.OUT_OF_RANGE, "greater_than_equal": codes.OUT_OF_RANGE,
          "less_than": codes.OUT_OF_RANGE, "less_than_equal": codes.OUT_OF_RANGE}


def _worded(err: dict, loc: tuple, kind: str, where: Location, field: str, subject: Subject) -> ContentError:
    """pydantic's error in the author's terms, with what to write instead."""
    code = _code(kind, subject)
    message = err["msg"]
    if kind == "value_error":  # a ValueError from a validator that is not Invalid: its own words
        return ContentError(code, where, f"{field}: {err['ctx']['error']}")
    if kind == "string_pattern_mismatch":
        return ContentError(code, where, f"{field}: '{_shown(err['input'])}' is not a valid id",
                            expected="lower-case letters, digits and single hyphens, e.g. 'audit-lead'",
                            hint=_id_hint(err["input"], loc))
    if kind == "literal_error":
        choices = _literal_choices(loc, subject.model)
        return ContentError(code, where, f"{field}: unknown value '{_shown(err['input'])}'",
                            expected=f"one of {err.get('ctx', {}).get('expected', '')}",
                            hint=suggest(err["input"], choices), choices=choices)
    if kind in _SIZES:
        return _size_error(code, where, loc, kind, err)
    if kind == "string_type" or err.get("input") is None:
        return _not_text(where, loc, err) if kind == "string_type" else \
            ContentError(codes.EMPTY_VALUE, where, f"{field} is empty",
                         expected=_expected_for(kind) or "a value",
                         hint="write the value after the ':', or remove the key if it is optional")
    if kind in _NOT_A:
        message = f"'{_shown(err['input'])}' is not {_NOT_A[kind]}"
    return ContentError(code, where, f"{field}: {message[:1].lower() + message[1:]}",
                        expected=_expected_for(kind), hint=_type_hint(kind, loc, err.get("input")))


_NOT_A = {"int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
          "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
          "bool_type": "true or false"}


MISSING_HINTS = {
    "scale": "add the answer scale, two or more points such as '- {value: 1, label: Not yet}'",
    "dimensions": "add the questions each statement is rated on, e.g. '- {id: doing, question: How well "
                  "are we doing?, short: Doing}'",
    "sections": "add at least one section with 'id', 'title' and 'items'",
    "items": "add the statements, each as '- id: ...' with 'text: ...'",
    "tasks": "add at least one task with 'id', 'text' and 'owners'",
    "owners": "say who does the task, e.g. 'owners: [lead]', using role ids",
    "respondents": "say who answers, e.g. 'respondents: [staff]', using role ids",
    "roles": "add at least one role with 'id', 'name' and 'description'",
    "stages": "add at least one stage",
    "programme": "programme.yml needs a 'programme:' block with id, title, version and the rest",
}
"""What to add when a key is missing, for the keys people most often leave out."""


def _size_error(code: Code, where: Location, loc: tuple, kind: str, err: dict) -> ContentError:
    """Lengths and bounds, always saying the limit: 'too long (6,120 characters) (expected at most 5,000)'."""
    ctx, value = err.get("ctx") or {}, err.get("input")
    field = content_field(loc)
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ContentError(code, where, f"{field}: the text is too long ({len(value or ''):,} characters)",
                            expected=f"at most {limit:,} characters",
                            hint="titles, names and labels are short: put longer text in a description"
                            if limit <= 200 else "shorten it, or split it into several entries")
    if kind == "string_too_short":
        return ContentError(code, where, f"{field} is empty", expected="some text",
                            hint="write the text, or remove the key if it is optional")
    if kind in ("too_long", "too_short"):
        count = ctx.get("actual_length", len(value) if isinstance(value, list) else 0)
        limit = ctx.get("max_length") if kind == "too_long" else ctx.get("min_length")
        words = "at most" if kind == "too_long" else "at least"
        return ContentError(code, where, f"{field} has {count} entr{'y' if count == 1 else 'ies'}",
                            expected=f"{words} {limit}", hint=_list_size_hint(loc, kind))
    bound = {"greater_than": ("more than", "gt"), "greater_than_equal": ("at least", "ge"),
             "less_than": ("less than", "lt"), "less_than_equal": ("at most", "le")}[kind]
    return ContentError(code, where,
                        f"{field}: {_shown(value)} is too {'small' if kind.startswith('greater') else 'large'}",
                        expected=f"{bound[0]} {ctx.get(bound[1])}")


def _list_size_hint(loc: tuple, kind: str) -> str:
    name = content_field(loc).strip("'")
    if kind == "too_short":
        return MISSING_HINTS.get(name, f"add entries to '{name}', each starting with '- '")
    return {"scale": "a scale has at most 10 points", "dimensions": "rate each statement on at most 4 questions"
            }.get(name, "remove some entries")


def _not_text(where: Location, loc: tuple, err: dict) -> ContentError:
    """Text was expected; say what YAML read instead, since the cause is usually the punctuation."""
    value, field = err.get("input"), content_field(loc)
    if value is None:
        return ContentError(codes.EMPTY_VALUE, where, f"{field} is empty", expected="text",
                            hint="write the text after the ':', or quote it if it is a word like null")
    if isinstance(value, list):
        return ContentError(codes.WRONG_TYPE, where, f"{field}: a list where text was expected", expected="text",
                            hint="write the text on the same line as the key, without '- ' or [ ]")
    if isinstance(value, dict):
        return ContentError(codes.WRONG_TYPE, where, f"{field}: a block of keys where text was expected",
                            expected="text",
                            hint="a ': ' inside the text makes YAML read a key there; put the text in quotes")
    return ContentError(codes.WRONG_TYPE, where, f"{field}: input should be text", expected="text")


def _type_hint(kind: str, loc: tuple, value) -> str:
    name = content_field(loc).strip("'")
    if kind == "list_type" and isinstance(value, str):
        return f"write it as a list: {name}: [{_shown(value)}]"
    if kind in ("model_type", "dict_type") and isinstance(value, str):
        return f"put the keys of '{name}' on their own lines, indented under '{name}:'"
    if kind in ("int_parsing", "float_parsing", "int_from_float"):
        return "write digits only, without units or words"
    if kind == "bool_parsing":
        return "write true or false"
    if kind in ("date_parsing", "date_from_datetime_parsing"):
        return "write the date as year-month-day, e.g. 2024-09-01"
    return ""


def _id_hint(value, loc: tuple) -> str:
    """Suggest the id the author probably meant, and say why ids must not change."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")[:60] if isinstance(value, str) else ""
    stable = " Keep an id once it is used: answers and comparisons follow the id, not the wording." \
        if "items" in loc or "questionnaires" in loc else ""
    return (f"did you mean '{slug}'?" if slug and slug != value else "") + stable


def _shown(value) -> str:
    """A value quoted back in a message, cut short: the message is about the value, not a copy of it."""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_SHOWN_VALUE else text[:MAX_SHOWN_VALUE - 1] + "\u2026"


def _expected_for(kind: str) -> str:
    if kind.endswith(("_type", "_parsing")):
        return {"list_type": "a list of entries starting with '- '", "model_type": "a block of 'key: value' lines",
                "dict_type": "a block of 'key: value' lines", "date_from_datetime_parsing": "a date like 2024-09-01",
                "date_parsing": "a date like 2024-09-01", "int_parsing": "a whole number",
                "float_parsing": "a number such as 1.5", "bool_parsing": "true or false", "int_type": "a whole number",
                "int_from_float": "a whole number", "float_type": "a number such as 1.5", "bool_type": "true or false",
                "string_type": "text"}.get(kind, "")
    return ""


def _in(loc: tuple) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return f" in {parts[-1]} entry" if parts else ""


def fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Keys allowed in the block at ``loc``, for 'did you mean' hints."""
    cls = _inner_model(_annotation_at(model, loc))
    return [f.alias or n for n, f in cls.model_fields.items()] if cls else []


def _literal_choices(loc: tuple, model: type[BaseModel]) -> tuple[str, ...]:
    """The values a Literal field allows, as data for editors."""
    return tuple(str(v) for v in _literal_values(_annotation_at(model, loc)))


def _annotation_at(model: type[BaseModel], loc: tuple):
    """The type of the value at ``loc`` (list positions skipped), or None when no field is there."""
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        cls = _inner_model(annotation)
        field = next((f for n, f in cls.model_fields.items() if (f.alias or n) == part), None) if cls else None
        if field is None:
            return None
        annotation = field.annotation
    return annotation


def _literal_values(annotation) -> list:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for arg in typing.get_args(annotation) for v in _literal_values(arg)]


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None
