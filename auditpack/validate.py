"""Turn the YAML of a programme folder into a validated :class:`Content`.

All problems are gathered before anything is returned, so one run of
``auditpack check`` lists every mistake with its file, line and column.
"""

from __future__ import annotations

import typing
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ContentError, ContentErrors, Location, suggest, with_source_line
from .load import SourceMap, load_yaml_file
from .model import TOP_LEVEL_KEYS, Content

UNREADABLE = ("YAML syntax error", "YAML error", "the file is not UTF-8", "cannot read file", "file is too large",
              "the file expands")
LIST_KEYS = tuple(k for k in TOP_LEVEL_KEYS if k != "programme")


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
        raise ContentErrors([with_source_line(e) for e in errors])
    return programmes


def load_programme(folder: Path) -> tuple[Content | None, list[ContentError]]:
    raw, source, errors = _merge_folder(folder)
    if raw is None or any(e.message.startswith(UNREADABLE) for e in errors):
        return None, errors  # checking the rest would only report keys the broken file holds
    errors += _unique_ids(raw, source) + _stage_numbers(raw, source)
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

    def ids(key: str) -> set[str]:
        entries = raw.get(key)
        return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)} \
            if isinstance(entries, list) else set()

    sections = {}
    for q in raw.get("questionnaires") or []:
        if isinstance(q, dict) and isinstance(q.get("sections"), list):
            sections[q.get("id")] = {s.get("id") for s in q["sections"] if isinstance(s, dict)}
    return {"roles": ids("roles"), "pathways": ids("pathways"), "questionnaires": ids("questionnaires"),
            "guidance": ids("guidance"), "components": ids("components"), "sections": sections}


def _id_groups(raw: dict):
    """Each group of entries whose ids must differ, as (noun, [(path, id)])."""

    def entries(items, path):
        return [(path + (i,), e.get("id")) for i, e in enumerate(items or [])
                if isinstance(e, dict) and isinstance(e.get("id"), str)]

    for key in LIST_KEYS:
        if isinstance(raw.get(key), list):
            yield key.rstrip("s"), entries(raw[key], (key,))
    tasks = []
    for i, stage in enumerate(raw.get("stages") or []):
        if isinstance(stage, dict) and isinstance(stage.get("tasks"), list):
            tasks += entries(stage["tasks"], ("stages", i, "tasks"))
    yield "task", tasks
    for i, q in enumerate(raw.get("questionnaires") or []):
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


def _unique_ids(raw: dict, source: SourceMap) -> list[ContentError]:
    errors = []
    for noun, entries in _id_groups(raw):
        first: dict[str, tuple] = {}
        for path, ident in entries:
            if ident in first:
                errors.append(ContentError(
                    source.locate(path + ("id",)), f"duplicate {noun} id '{ident}'",
                    expected=f"each {noun} id used once",
                    hint=f"first used at {source.locate(first[ident] + ('id',))}; ids must stay stable, so give the new {noun} a new id"))
            else:
                first[ident] = path
    return errors


def _stage_numbers(raw: dict, source: SourceMap) -> list[ContentError]:
    """Stages are numbered 1, 2, 3... in the order written; report the first that is not."""
    stages = raw.get("stages") if isinstance(raw.get("stages"), list) else []
    for i, stage in enumerate(stages):
        number = stage.get("number") if isinstance(stage, dict) else None
        if isinstance(number, str) and number.isdigit() and int(number) != i + 1:
            return [ContentError(source.locate(("stages", i, "number")), f"stage number {number} is out of order",
                                 expected=f"stage {i + 1}, as it is stage {i + 1} in the order written",
                                 hint="number the stages 1, 2, 3... in the order they are written")]
    return []


def _programme_ids_unique(programmes: list[Content], folders: list[Path]) -> list[ContentError]:
    counts = Counter(p.programme.id for p in programmes)
    return [ContentError(Location(str(folders[0])), f"programme id '{pid}' is used by {n} folders",
                         expected="a different id per programme") for pid, n in counts.items() if n > 1]


# --- pydantic errors in the user's terms ------------------------------------------------

def _from_pydantic_errors(errors: list[dict], source: SourceMap) -> list[ContentError]:
    """One message per mistake: a misspelt key is reported as unknown, not also as missing."""
    misspelt = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors if e["type"] == "extra_forbidden"}

    def explained(err: dict) -> bool:
        parent, key = tuple(err["loc"][:-1]), str(err["loc"][-1])
        return any(p == parent and suggest(typo, [key]) for p, typo in misspelt)

    return [_from_pydantic(e, source) for e in errors if not (e["type"] == "missing" and explained(e))]


def _from_pydantic(err: dict, source: SourceMap) -> ContentError:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = source.locate(loc)
    if kind == "extra_forbidden":
        return _unknown_key(where, str(loc[-1]), _fields_at(loc[:-1]))
    if kind == "missing":
        return ContentError(source.locate(loc[:-1]), f"missing key '{loc[-1]}'" + _in(loc[:-1]),
                            expected=f"'{loc[-1]}:' in this block")
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
        return ContentError(where, f"{_field(loc)}: '{err['input']}' is not a valid id",
                            expected="lower-case letters, digits and single hyphens, e.g. 'audit-lead'")
    if kind == "literal_error":
        choices = err.get("ctx", {}).get("expected", "")
        return ContentError(where, f"{_field(loc)}: unknown value '{err['input']}'", expected=f"one of {choices}",
                            hint=suggest(err["input"], choices))
    return ContentError(where, f"{_field(loc)}: {message[0].lower() + message[1:]}",
                        expected=_expected_for(kind, err))


def _expected_for(kind: str, err: dict) -> str:
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return {"list_type": "a list of entries starting with '- '", "model_type": "a block of 'key: value' lines",
                "dict_type": "a block of 'key: value' lines", "date_from_datetime_parsing": "a date like 2024-09-01",
                "date_parsing": "a date like 2024-09-01", "int_parsing": "a whole number",
                "float_parsing": "a number such as 1.5", "bool_parsing": "true or false",
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
