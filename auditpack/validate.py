"""Turn the YAML of a programme folder into a validated :class:`Content`.

All problems are gathered before anything is returned, so one run of
``auditpack check`` lists every mistake with its file, line and column.
"""

from __future__ import annotations

import re
import typing
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import ContentError, ContentErrors, Location, suggest
from .load import MAX_FILE_BYTES, SourceMap, load_yaml_file, too_large
from .model import TOP_LEVEL_KEYS, Content
from .output import windows_reserved

UNREADABLE = ("YAML syntax error", "YAML error", "the file is not UTF-8", "the file is UTF-", "cannot read file",
              "file is too large", "the file expands", "the values are nested", "not a regular file",
              "the programme folder", "links to a file outside")
LIST_KEYS = tuple(k for k in TOP_LEVEL_KEYS if k != "programme")
MAX_PROGRAMME_BYTES = 5_000_000
"""All of a programme's YAML together; several files just under the per-file limit are still too many."""
MAX_SHOWN_VALUE = 60
"""Characters of a wrong value quoted back in a message."""


def load_programmes(content_dir: Path) -> list[Content]:
    """Every programme under ``content_dir``, or ContentErrors listing all problems."""
    folders = sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
        if content_dir.is_dir() else []
    if not folders:
        raise ContentErrors([ContentError(
            Location(str(content_dir)), "no programme folders found",
            expected="one folder per programme, each holding programme.yml",
            hint="run from the project folder, or set content_dir in site_config.yml")])
    programmes, errors = [], []
    for folder in folders:
        content, problems = load_programme(folder)
        errors.extend(problems)
        if content is not None:
            programmes.append(content)
    errors.extend(_programme_ids_unique(programmes, folders))
    if errors:
        raise ContentErrors(errors)
    return programmes


def load_programme(folder: Path) -> tuple[Content | None, list[ContentError]]:
    raw, source, errors = _merge_folder(folder)
    if raw is None or any(e.message.startswith(UNREADABLE) for e in errors):
        return None, errors  # checking the rest would only report keys the broken file holds
    errors += _unique_ids(raw, source) + _stage_numbers(raw, source) + _portable_ids(raw, source)
    try:
        content = Content.model_validate(raw, context=_declared_ids(raw))
    except ValidationError as exc:
        return None, errors + _from_pydantic_errors(exc.errors(), source)
    return (None if errors else content), errors


def _merge_folder(folder: Path) -> tuple[dict | None, SourceMap, list[ContentError]]:
    """Read every YAML file of a programme into one mapping, keeping positions."""
    files = sorted(folder.rglob("*.yml")) + sorted(folder.rglob("*.yaml"))
    main = folder / "programme.yml"
    if main not in files:
        return None, SourceMap(), [ContentError(
            Location(str(main)), "programme.yml is missing",
            expected="a programme.yml with the 'programme:' block",
            hint="every programme folder needs one; see content/blackpool-ara/programme.yml")]
    files.remove(main)
    unsafe = _unsafe_files(folder, [main, *files])
    if unsafe:
        return None, SourceMap(), unsafe
    merged: dict[str, Any] = {}
    source = SourceMap({(): Location(str(main), 1, 1)})
    errors: list[ContentError] = []
    for file in [main, *files]:
        data, positions, problems = load_yaml_file(file)
        errors += problems
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.append(ContentError(positions.locate(()), "the file must be a set of 'key: value' blocks",
                                       expected=f"top-level keys among: {', '.join(TOP_LEVEL_KEYS)}"))
            continue
        for key, value in data.items():
            errors += _merge_key(merged, source, positions, key, value)
    return merged, source, errors


def _unsafe_files(folder: Path, files: list[Path]) -> list[ContentError]:
    """Files that are links out of the programme folder, too large, or more YAML together than a
    programme needs.

    A link to /etc/passwd would print its lines in error messages; a folder of many large files
    would keep ``check`` busy for minutes. A file too large on its own is named, with its size.
    """
    root = folder.resolve()
    errors, sizes = [], []
    for file in files:
        target = file.resolve()
        if not target.is_relative_to(root):
            errors.append(ContentError(Location(str(file)), f"links to a file outside the programme folder ({target})",
                                       expected="content files inside the programme folder",
                                       hint="copy the file into the folder instead of linking to it"))
        elif not target.is_file():
            errors.append(ContentError(Location(str(file)), "not a regular file", expected="a YAML text file",
                                       hint="remove it, or rename it so it does not end in .yml"))
        elif (size := target.stat().st_size) > MAX_FILE_BYTES:
            errors.append(too_large(str(file), size))
        else:
            sizes.append((size, str(file.relative_to(folder))))
    total = sum(size for size, _ in sizes)
    if total > MAX_PROGRAMME_BYTES:
        largest = ", ".join(f"{name} ({size:,} bytes)" for size, name in sorted(sizes, reverse=True)[:3])
        errors.append(ContentError(Location(str(folder)), f"the programme folder holds {total:,} bytes of YAML",
                                   expected=f"at most {MAX_PROGRAMME_BYTES:,} bytes",
                                   hint=f"a programme needs far less; the largest files are {largest}: "
                                        "remove copies or generated files"))
    return errors


def _merge_key(merged: dict, source: SourceMap, positions: SourceMap, key: str, value: Any) -> list[ContentError]:
    where = positions.locate((key,))
    if key not in TOP_LEVEL_KEYS:
        return [_unknown_key(where, key, TOP_LEVEL_KEYS)]
    if key == "programme":
        if key in merged:
            first = source.locate((key,))
            return [ContentError(where, "'programme' is set twice", expected="one 'programme' block",
                                 hint=f"the first is at {first}")]
        merged[key] = value
        source.merge(positions)
        return []
    if not isinstance(value, list):
        return [ContentError(where, f"'{key}' must be a list", expected="entries each starting with '- '")]
    offset = len(merged.setdefault(key, []))
    merged[key].extend(value)
    source.positions.setdefault((key,), where)
    for path, loc in positions.positions.items():
        if len(path) >= 2 and path[0] == key:
            source.positions[(key, path[1] + offset, *path[2:])] = loc
    return []


def _declared_ids(raw: dict) -> dict[str, Any]:
    """Ids declared anywhere in the programme, for checking references to them."""

    def ids(entries) -> set[str]:
        return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)} \
            if isinstance(entries, list) else set()

    sections = {}
    questionnaires = raw.get("questionnaires")
    for q in questionnaires if isinstance(questionnaires, list) else []:
        if isinstance(q, dict) and isinstance(q.get("id"), str):
            sections[q["id"]] = ids(q.get("sections"))
    return {"roles": ids(raw.get("roles")), "pathways": ids(raw.get("pathways")),
            "questionnaires": ids(questionnaires), "guidance": ids(raw.get("guidance")),
            "components": ids(raw.get("components")), "sections": sections}


def _id_groups(raw: dict):
    """Each group of entries whose ids must differ, as (noun, [(path, id)])."""

    def entries(items, path):
        return [(path + (i,), e.get("id")) for i, e in enumerate(items or [])
                if isinstance(e, dict) and isinstance(e.get("id"), str)]

    for key in LIST_KEYS:
        if isinstance(raw.get(key), list):
            yield key.rstrip("s"), entries(raw[key], (key,))
    tasks = []
    for i, stage in enumerate(_list(raw.get("stages"))):
        if isinstance(stage, dict) and isinstance(stage.get("tasks"), list):
            tasks += entries(stage["tasks"], ("stages", i, "tasks"))
    yield "task", tasks
    for i, q in enumerate(_list(raw.get("questionnaires"))):
        if not (isinstance(q, dict) and isinstance(q.get("sections"), list)):
            continue
        yield "section", entries(q["sections"], ("questionnaires", i, "sections"))
        yield "dimension", entries(q.get("dimensions") if isinstance(q.get("dimensions"), list) else [],
                                   ("questionnaires", i, "dimensions"))
        items = []
        for j, s in enumerate(q["sections"]):
            if isinstance(s, dict) and isinstance(s.get("items"), list):
                items += entries(s["items"], ("questionnaires", i, "sections", j, "items"))
        yield "item", items


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _unique_ids(raw: dict, source: SourceMap) -> list[ContentError]:
    errors = []
    for noun, entries in _id_groups(raw):
        first: dict[str, tuple] = {}
        for path, ident in entries:
            if ident in first:
                errors.append(ContentError(
                    source.locate(path + ("id",)), f"duplicate {noun} id '{ident}'",
                    expected=f"each {noun} id used once",
                    hint=f"first used at {source.locate(first[ident] + ('id',))}; "
                         f"ids must stay stable, so give the new {noun} a new id"))
            else:
                first[ident] = path
    return errors


def _stage_numbers(raw: dict, source: SourceMap) -> list[ContentError]:
    """Stages are numbered 1, 2, 3... in the order written; report the first that is not."""
    stages = raw.get("stages")
    for i, stage in enumerate(stages if isinstance(stages, list) else []):
        number = stage.get("number") if isinstance(stage, dict) else None
        if isinstance(number, str) and number.isascii() and number.isdigit() and int(number) != i + 1:
            return [ContentError(source.locate(("stages", i, "number")), f"stage number {number} is out of order",
                                 expected=f"stage {i + 1}, as it is stage {i + 1} in the order written",
                                 hint="number the stages 1, 2, 3... in the order they are written")]
    return []


def _portable_ids(raw: dict, source: SourceMap) -> list[ContentError]:
    """Ids become file and folder names, and schools open the site on Windows, where 'con' or
    'nul' is a device, not a folder: such an id would make a site that cannot be unzipped."""
    programme = raw.get("programme")
    entries = [(("programme",), programme.get("id"))] if isinstance(programme, dict) else []
    entries += [entry for _, group in _id_groups(raw) for entry in group]
    problems = [reserved_id(ident, source.locate(path + ("id",))) for path, ident in entries if isinstance(ident, str)]
    return [p for p in problems if p]


def reserved_id(ident: str, where: Location) -> ContentError | None:
    """The problem with an id that Windows reserves as a device name, or None; ``auditpack new``
    asks this too, so it never starts a programme that ``check`` would then reject."""
    if not windows_reserved(ident):
        return None
    return ContentError(where, f"'{ident}' cannot be an id: Windows reserves the name",
                        expected="an id other than con, prn, aux, nul, com0-9 or lpt0-9",
                        hint=f"ids become file and folder names; add a word, e.g. '{ident}-audit'")


def _programme_ids_unique(programmes: list[Content], folders: list[Path]) -> list[ContentError]:
    counts = Counter(p.programme.id for p in programmes)
    return [ContentError(Location(str(folders[0])), f"programme id '{pid}' is used by {n} folders",
                         expected="a different id per programme") for pid, n in counts.items() if n > 1]


# --- pydantic errors in the user's terms ------------------------------------------------

def _from_pydantic_errors(errors: list[ErrorDetails], source: SourceMap) -> list[ContentError]:
    """One message per mistake: a misspelt key is reported as unknown, not also as missing."""
    misspelt: dict[tuple, list[str]] = {}  # by block, so a thousand typos are not each compared with all the others
    for e in errors:
        if e["type"] == "extra_forbidden":
            misspelt.setdefault(tuple(e["loc"][:-1]), []).append(str(e["loc"][-1]))

    def explained(err: ErrorDetails) -> bool:
        return any(suggest(typo, [str(err["loc"][-1])]) for typo in misspelt.get(tuple(err["loc"][:-1]), []))

    return [_from_pydantic(e, source) for e in errors if not (e["type"] == "missing" and explained(e))]


def _from_pydantic(err: ErrorDetails, source: SourceMap) -> ContentError:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = source.locate(loc)
    if kind == "extra_forbidden":
        return _unknown_key(where, str(loc[-1]), _fields_at(loc[:-1]))
    if kind == "missing":
        return ContentError(source.locate(loc[:-1]), f"missing key '{loc[-1]}'" + _in(loc[:-1]),
                            expected=f"'{loc[-1]}:' in this block",
                            hint=MISSING_HINTS.get(str(loc[-1]), f"add '{loc[-1]}:' with its value to this block"))
    message = err["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        text, _, expected = message.rpartition(" (expected ")
        expected = expected.removesuffix(")")
        if text:
            return ContentError(where, f"{_field(loc)}: {text}", expected=expected,
                                hint=suggest(_offending(text), expected.removeprefix("one of: ")))
        return ContentError(where, f"{_field(loc)}: {message}")
    if kind == "string_pattern_mismatch":
        return ContentError(where, f"{_field(loc)}: '{_shown(err['input'])}' is not a valid id",
                            expected="lower-case letters, digits and single hyphens, e.g. 'audit-lead'",
                            hint=_id_hint(err["input"], loc))
    if kind == "literal_error":
        choices = err.get("ctx", {}).get("expected", "")
        return ContentError(where, f"{_field(loc)}: unknown value '{_shown(err['input'])}'",
                            expected=f"one of {choices}", hint=suggest(err["input"], choices))
    if kind in _SIZES:
        return _size_error(where, loc, kind, err)
    if kind == "string_type" or err.get("input") is None:
        return _not_text(where, loc, kind, err) if kind == "string_type" else \
            ContentError(where, f"{_field(loc)} is empty", expected=_expected_for(kind, err) or "a value",
                         hint="write the value after the ':', or remove the key if it is optional")
    if kind in _NOT_A:
        message = f"'{_shown(err['input'])}' is not {_NOT_A[kind]}"
    return ContentError(where, f"{_field(loc)}: {message[:1].lower() + message[1:]}",
                        expected=_expected_for(kind, err), hint=_type_hint(kind, loc, err.get("input")))


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

_SIZES = {"string_too_long", "string_too_short", "too_long", "too_short", "greater_than", "greater_than_equal",
          "less_than", "less_than_equal"}


def _size_error(where: Location, loc: tuple, kind: str, err: ErrorDetails) -> ContentError:
    """Lengths and bounds, always saying the limit: 'too long (6,120 characters) (expected at most 5,000)'."""
    ctx, value = err.get("ctx") or {}, err.get("input")
    field = _field(loc)
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ContentError(where, f"{field}: the text is too long ({len(value):,} characters)",
                            expected=f"at most {limit:,} characters",
                            hint="titles, names and labels are short: put longer text in a description"
                            if limit <= 200 else "shorten it, or split it into several entries")
    if kind == "string_too_short":
        return ContentError(where, f"{field} is empty", expected="some text",
                            hint="write the text, or remove the key if it is optional")
    if kind in ("too_long", "too_short"):
        count = ctx.get("actual_length", len(value) if isinstance(value, list) else 0)
        limit = ctx.get("max_length") if kind == "too_long" else ctx.get("min_length")
        bound = "at most" if kind == "too_long" else "at least"
        return ContentError(where, f"{field} has {count} entr{'y' if count == 1 else 'ies'}",
                            expected=f"{bound} {limit}", hint=_list_size_hint(loc, kind))
    words, key = {"greater_than": ("more than", "gt"), "greater_than_equal": ("at least", "ge"),
                  "less_than": ("less than", "lt"), "less_than_equal": ("at most", "le")}[kind]
    return ContentError(where, f"{field}: {_shown(value)} is too {'small' if kind.startswith('greater') else 'large'}",
                        expected=f"{words} {ctx.get(key)}")


def _list_size_hint(loc: tuple, kind: str) -> str:
    name = _field(loc).strip("'")
    if kind == "too_short":
        return MISSING_HINTS.get(name, f"add entries to '{name}', each starting with '- '")
    return {"scale": "a scale has at most 10 points", "dimensions": "rate each statement on at most 4 questions"
            }.get(name, "remove some entries")


def _not_text(where: Location, loc: tuple, kind: str, err: ErrorDetails) -> ContentError:
    """Text was expected; say what YAML read instead, since the cause is usually the punctuation."""
    value, field = err.get("input"), _field(loc)
    if value is None:
        return ContentError(where, f"{field} is empty", expected="text",
                            hint="write the text after the ':', or quote it if it is a word like null")
    if isinstance(value, list):
        return ContentError(where, f"{field}: a list where text was expected", expected="text",
                            hint="write the text on the same line as the key, without '- ' or [ ]")
    if isinstance(value, dict):
        return ContentError(where, f"{field}: a block of keys where text was expected", expected="text",
                            hint="a ': ' inside the text makes YAML read a key there; put the text in quotes")
    return ContentError(where, f"{field}: input should be text", expected="text")


def _type_hint(kind: str, loc: tuple, value) -> str:
    name = _field(loc).strip("'")
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


def _expected_for(kind: str, err: ErrorDetails) -> str:
    if kind.endswith(("_type", "_parsing")):
        return {"list_type": "a list of entries starting with '- '", "model_type": "a block of 'key: value' lines",
                "dict_type": "a block of 'key: value' lines", "date_from_datetime_parsing": "a date like 2024-09-01",
                "date_parsing": "a date like 2024-09-01", "int_parsing": "a whole number",
                "float_parsing": "a number such as 1.5", "bool_parsing": "true or false", "int_type": "a whole number",
                "int_from_float": "a whole number", "float_type": "a number such as 1.5", "bool_type": "true or false",
                "string_type": "text"}.get(kind, "")
    return ""


def _field(loc: tuple) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    return f"'{names[-1]}'" if names else "content"


def _in(loc: tuple) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return f" in {parts[-1]} entry" if parts else ""


def _unknown_key(where: Location, key: str, allowed) -> ContentError:
    allowed = list(allowed)
    return ContentError(where, f"unknown key '{key}'", expected=f"one of: {', '.join(allowed)}",
                        hint=suggest(key, allowed))


def _offending(text: str) -> str | None:
    """The quoted id in a message such as "unknown role 'stuff'"."""
    parts = text.split("'")
    return parts[1] if len(parts) >= 3 else None


def _fields_at(loc: tuple) -> list[str]:
    """Keys allowed in the block at ``loc``, for 'did you mean' hints."""
    cls: type[BaseModel] | None = Content
    for part in loc:
        if isinstance(part, int) or cls is None:
            continue
        field = next((f for n, f in cls.model_fields.items() if (f.alias or n) == part), None)
        cls = _inner_model(field.annotation) if field else None
    if cls is None:
        return []
    return [f.alias or n for n, f in cls.model_fields.items()]


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None
