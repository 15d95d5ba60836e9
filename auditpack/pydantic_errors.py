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
from .i18n import N_, ntell, tell

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
    return f"'{names[-1]}'" if names else tell("content")


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
    name = key if shown is None else shown
    message = tell(_UNKNOWN_NOUNS[noun]) % {"key": name} if noun in _UNKNOWN_NOUNS else f"unknown {noun} '{name}'"
    return ContentError(codes.UNKNOWN_KEY, where, message, choices=allowed, hint=suggest(key, allowed))


_UNKNOWN_NOUNS = {"key": N_("unknown key '%(key)s'"), "setting": N_("unknown setting '%(key)s'")}
"""The message for a key not allowed, by what such a key is called (a :class:`Subject`'s ``unknown``)."""


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
        return _missing(loc, locate(loc[:-1]))
    return _worded(err, loc, kind, where, label, subject)


def _missing(loc: tuple, where: Location) -> ContentError:
    key, block = {"key": loc[-1]}, _block(loc[:-1])
    message = tell("missing key '%(key)s' in %(block)s entry") % {**key, "block": block} if block else \
        tell("missing key '%(key)s'") % key
    hint = tell(MISSING_HINTS[str(loc[-1])]) if str(loc[-1]) in MISSING_HINTS else \
        tell("add '%(key)s:' with its value to this block") % key
    return ContentError(codes.MISSING_KEY, where, message, expected=tell("'%(key)s:' in this block") % key, hint=hint)


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
        return ContentError(code, where, tell("%(field)s: '%(value)s' is not a valid id") % {
                                "field": field, "value": _shown(err["input"])},
                            expected=tell("lower-case letters, digits and single hyphens, e.g. 'audit-lead'"),
                            hint=_id_hint(err["input"], loc))
    if kind == "literal_error":
        choices = _literal_choices(loc, subject.model)
        return ContentError(code, where, tell("%(field)s: unknown value '%(value)s'") % {
                                "field": field, "value": _shown(err["input"])},
                            expected=tell("one of %(choices)s") % {"choices": err.get("ctx", {}).get("expected", "")},
                            hint=suggest(err["input"], choices), choices=choices)
    if kind in _SIZES:
        return _size_error(code, where, loc, kind, err)
    if kind == "string_type" or err.get("input") is None:
        return _not_text(where, loc, err) if kind == "string_type" else \
            ContentError(codes.EMPTY_VALUE, where, tell("%(field)s is empty") % {"field": field},
                         expected=_expected_for(kind) or tell("a value"),
                         hint=tell("write the value after the ':', or remove the key if it is optional"))
    if kind in _NOT_A:
        message = tell(_NOT_A[kind]) % {"field": field, "value": _shown(err["input"])}
    else:  # pydantic's own words, for the kinds not worded here
        message = f"{field}: {message[:1].lower() + message[1:]}"
    return ContentError(code, where, message, expected=_expected_for(kind),
                        hint=_type_hint(kind, loc, err.get("input")))


_NOT_A = {"int_parsing": N_("%(field)s: '%(value)s' is not a whole number"),
          "int_type": N_("%(field)s: '%(value)s' is not a whole number"),
          "int_from_float": N_("%(field)s: '%(value)s' is not a whole number"),
          "float_parsing": N_("%(field)s: '%(value)s' is not a number"),
          "float_type": N_("%(field)s: '%(value)s' is not a number"),
          "bool_parsing": N_("%(field)s: '%(value)s' is not true or false"),
          "bool_type": N_("%(field)s: '%(value)s' is not true or false")}


MISSING_HINTS = {
    "scale": N_("add the answer scale, two or more points such as '- {value: 1, label: Not yet}'"),
    "dimensions": N_("add the questions each statement is rated on, e.g. '- {id: doing, question: How well "
                     "are we doing?, short: Doing}'"),
    "sections": N_("add at least one section with 'id', 'title' and 'items'"),
    "items": N_("add the statements, each as '- id: ...' with 'text: ...'"),
    "tasks": N_("add at least one task with 'id', 'text' and 'owners'"),
    "owners": N_("say who does the task, e.g. 'owners: [lead]', using role ids"),
    "respondents": N_("say who answers, e.g. 'respondents: [staff]', using role ids"),
    "roles": N_("add at least one role with 'id', 'name' and 'description'"),
    "stages": N_("add at least one stage"),
    "programme": N_("programme.yml needs a 'programme:' block with id, title, version and the rest"),
}
"""What to add when a key is missing, for the keys people most often leave out (marked: ``tell`` them)."""


def _size_error(code: Code, where: Location, loc: tuple, kind: str, err: dict) -> ContentError:
    """Lengths and bounds, always saying the limit: 'too long (6,120 characters) (expected at most 5,000)'."""
    ctx, value = err.get("ctx") or {}, err.get("input")
    field = content_field(loc)
    if kind == "string_too_long":
        limit, length = ctx.get("max_length", 0), len(value or "")
        return ContentError(code, where, ntell("%(field)s: the text is too long (%(length)s character)",
                                               "%(field)s: the text is too long (%(length)s characters)", length) % {
                                "field": field, "length": f"{length:,}"},
                            expected=ntell("at most %(limit)s character", "at most %(limit)s characters", limit) % {
                                "limit": f"{limit:,}"},
                            hint=tell("titles, names and labels are short: put longer text in a description")
                            if limit <= 200 else tell("shorten it, or split it into several entries"))
    if kind == "string_too_short":
        return ContentError(code, where, tell("%(field)s is empty") % {"field": field}, expected=tell("some text"),
                            hint=tell("write the text, or remove the key if it is optional"))
    if kind in ("too_long", "too_short"):
        count = ctx.get("actual_length", len(value) if isinstance(value, list) else 0)
        limit = {"limit": ctx.get("max_length") if kind == "too_long" else ctx.get("min_length")}
        entries = ntell("%(field)s has %(count)s entry", "%(field)s has %(count)s entries",
                        count if isinstance(count, int) else 0)  # None: pydantic did not count them
        return ContentError(code, where, entries % {"field": field, "count": count},
                            expected=tell("at most %(limit)s") % limit if kind == "too_long" else
                            tell("at least %(limit)s") % limit, hint=_list_size_hint(loc, kind))
    message, expected, bound = _BOUNDS[kind]
    return ContentError(code, where, tell(message) % {"field": field, "value": _shown(value)},
                        expected=tell(expected) % {"limit": ctx.get(bound)})


_BOUNDS = {"greater_than": (N_("%(field)s: %(value)s is too small"), N_("more than %(limit)s"), "gt"),
           "greater_than_equal": (N_("%(field)s: %(value)s is too small"), N_("at least %(limit)s"), "ge"),
           "less_than": (N_("%(field)s: %(value)s is too large"), N_("less than %(limit)s"), "lt"),
           "less_than_equal": (N_("%(field)s: %(value)s is too large"), N_("at most %(limit)s"), "le")}
"""A number out of its bounds: the message, what was expected, and the bound's name in pydantic's context."""


def _list_size_hint(loc: tuple, kind: str) -> str:
    name = content_field(loc).strip("'")
    if kind == "too_short":
        return tell(MISSING_HINTS[name]) if name in MISSING_HINTS else \
            tell("add entries to '%(key)s', each starting with '- '") % {"key": name}
    if name == "scale":
        return tell("a scale has at most 10 points")
    return tell("rate each statement on at most 4 questions") if name == "dimensions" else tell("remove some entries")


def _not_text(where: Location, loc: tuple, err: dict) -> ContentError:
    """Text was expected; say what YAML read instead, since the cause is usually the punctuation."""
    value, field = err.get("input"), content_field(loc)
    named = {"field": field}
    if value is None:
        return ContentError(codes.EMPTY_VALUE, where, tell("%(field)s is empty") % named, expected=tell("text"),
                            hint=tell("write the text after the ':', or quote it if it is a word like null"))
    if isinstance(value, list):
        return ContentError(codes.WRONG_TYPE, where, tell("%(field)s: a list where text was expected") % named,
                            expected=tell("text"),
                            hint=tell("write the text on the same line as the key, without '- ' or [ ]"))
    if isinstance(value, dict):
        return ContentError(codes.WRONG_TYPE, where, tell("%(field)s: a block of keys where text was expected") % named,
                            expected=tell("text"),
                            hint=tell("a ': ' inside the text makes YAML read a key there; put the text in quotes"))
    return ContentError(codes.WRONG_TYPE, where, tell("%(field)s: input should be text") % named, expected=tell("text"))


def _type_hint(kind: str, loc: tuple, value) -> str:
    name = content_field(loc).strip("'")
    if kind == "list_type" and isinstance(value, str):
        return tell("write it as a list: %(key)s: [%(value)s]") % {"key": name, "value": _shown(value)}
    if kind in ("model_type", "dict_type") and isinstance(value, str):
        return tell("put the keys of '%(key)s' on their own lines, indented under '%(key)s:'") % {"key": name}
    if kind in ("int_parsing", "float_parsing", "int_from_float"):
        return tell("write digits only, without units or words")
    if kind == "bool_parsing":
        return tell("write true or false")
    if kind in ("date_parsing", "date_from_datetime_parsing"):
        return tell("write the date as year-month-day, e.g. 2024-09-01")
    return ""


def _id_hint(value, loc: tuple) -> str:
    """Suggest the id the author probably meant, and say why ids must not change."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")[:60] if isinstance(value, str) else ""
    meant = tell("did you mean '%(value)s'?") % {"value": slug} if slug and slug != value else ""
    stable = " " + tell("Keep an id once it is used: answers and comparisons follow the id, not the wording.") \
        if "items" in loc or "questionnaires" in loc else ""
    return meant + stable


def _shown(value) -> str:
    """A value quoted back in a message, cut short: the message is about the value, not a copy of it."""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_SHOWN_VALUE else text[:MAX_SHOWN_VALUE - 1] + "\u2026"


def _expected_for(kind: str) -> str:
    return tell(_EXPECTED[kind]) if kind.endswith(("_type", "_parsing")) and kind in _EXPECTED else ""


_EXPECTED = {"list_type": N_("a list of entries starting with '- '"), "model_type": N_("a block of 'key: value' lines"),
             "dict_type": N_("a block of 'key: value' lines"),
             "date_from_datetime_parsing": N_("a date like 2024-09-01"),
             "date_parsing": N_("a date like 2024-09-01"), "int_parsing": N_("a whole number"),
             "float_parsing": N_("a number such as 1.5"), "bool_parsing": N_("true or false"),
             "int_type": N_("a whole number"), "int_from_float": N_("a whole number"),
             "float_type": N_("a number such as 1.5"), "bool_type": N_("true or false"), "string_type": N_("text")}
"""What a value of each of pydantic's types is expected to be, in the author's terms."""


def _block(loc: tuple) -> str:
    """The block a key is missing from ('items' in "missing key 'id' in items entry"), or ''."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return parts[-1] if parts else ""


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
