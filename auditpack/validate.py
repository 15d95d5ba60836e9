"""Turn the YAML of a programme folder into a validated :class:`Content`.

All problems are gathered before anything is returned, so one run of
``auditpack check`` lists every mistake with its file, line and column.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from . import codes, translations
from .errors import ContentError, ContentErrors, Location, one_of, suggest
from .glyphs import missing_glyphs
from .load import MAX_FILE_BYTES, SourceMap, load_yaml_file, too_large
from .model import TOP_LEVEL_KEYS, Content
from .output import windows_reserved
from .pydantic_errors import Subject, content_field, translate, unknown_key
from .recommended import recommended

CONTENT = Subject(Content, content_field)
"""How content problems name their values: by key, "'owners': unknown role 'stuf'"."""
LIST_KEYS = tuple(k for k in TOP_LEVEL_KEYS if k != "programme")
MAX_PROGRAMME_BYTES = 5_000_000
"""All of a programme's YAML together; several files just under the per-file limit are still too many."""


class Checked(NamedTuple):
    programmes: list[Content]
    warnings: list[ContentError]
    """What the programmes would be better with (see :mod:`.recommended`); none stops a build."""
    translated: list[Content]
    """Each programme in each language its 'translations' lists (see :mod:`.translations`)."""


def load_programmes(content_dir: Path) -> list[Content]:
    """Every programme under ``content_dir``, or ContentErrors listing all problems."""
    return check_programmes(content_dir).programmes


def check_programmes(content_dir: Path) -> Checked:
    """Every programme under ``content_dir`` and the warnings about them, or ContentErrors listing
    all problems (the warnings among them, so one run shows everything)."""
    folders = sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
        if content_dir.is_dir() else []
    if not folders:
        raise ContentErrors([ContentError(
            codes.NO_PROGRAMMES, Location(str(content_dir)), "no programme folders found",
            expected="one folder per programme, each holding programme.yml",
            hint="run from the project folder, or set content_dir in site_config.yml")])
    programmes, translated, problems = [], [], []
    for folder in folders:
        content, found, others = _load_programme(folder)
        problems.extend(found)
        if content is not None:
            programmes.append(content)
            translated.extend(others)
    problems.extend(_programme_ids_unique(programmes, folders))
    if any(is_error(p) for p in problems):
        raise ContentErrors(problems)
    return Checked(programmes, problems, translated)


def is_error(problem: ContentError) -> bool:
    return problem.code.severity == "error"


def load_programme(folder: Path) -> tuple[Content | None, list[ContentError]]:
    content, problems, _others = _load_programme(folder)
    return content, problems


def _load_programme(folder: Path) -> tuple[Content | None, list[ContentError], list[Content]]:
    """The programme in ``folder``, the problems found, and the programme in each of its other languages."""
    content, raw, source, problems = validated(folder)
    if content is None:
        return None, problems, []
    others = []
    for language in content.programme.translations:
        translated = translations.translate(folder, raw, source, language)
        problems += translated.warnings
        try:
            others.append(Content.model_validate(translated.raw, context=_declared_ids(translated.raw)))
        except ValidationError as exc:  # a translation too long for its place, say: shown at the source text
            problems += translate(exc.errors(), source.locate, CONTENT)
    return content, problems, others


def validated(folder: Path) -> tuple[Content | None, dict, SourceMap, list[ContentError]]:
    """The programme in ``folder`` (None if it has errors), the data it was made from with where each
    value was written, and the problems found."""
    raw, source, errors = _merge_folder(folder)
    if raw is None or any(e.code.unreadable for e in errors):
        return None, {}, source, errors  # checking the rest would only report keys the broken file holds
    errors += _unique_ids(raw, source) + _stage_numbers(raw, source) + _portable_ids(raw, source) \
        + _audience_references(raw, source)
    try:
        content = Content.model_validate(raw, context=_declared_ids(raw))
    except ValidationError as exc:
        return None, raw, source, errors + translate(exc.errors(), source.locate, CONTENT)
    if errors:
        return None, raw, source, errors
    return content, raw, source, recommended(content, raw, source) + missing_glyphs(raw, source)


def _merge_folder(folder: Path) -> tuple[dict | None, SourceMap, list[ContentError]]:
    """Read every YAML file of a programme into one mapping, keeping positions."""
    files = sorted(folder.rglob("*.yml")) + sorted(folder.rglob("*.yaml"))
    main = folder / "programme.yml"
    if main not in files:
        return None, SourceMap(), [ContentError(
            codes.MISSING_PROGRAMME_FILE, Location(str(main)), "programme.yml is missing",
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
            errors.append(ContentError(codes.NOT_A_MAPPING, positions.locate(()),
                                       "the file must be a set of 'key: value' blocks",
                                       expected=f"top-level keys among: {', '.join(TOP_LEVEL_KEYS)}",
                                       choices=TOP_LEVEL_KEYS))
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
            errors.append(ContentError(codes.LINK_OUTSIDE, Location(str(file)),
                                       f"links to a file outside the programme folder ({target})",
                                       expected="content files inside the programme folder",
                                       hint="copy the file into the folder instead of linking to it"))
        elif not target.is_file():
            errors.append(ContentError(codes.NOT_A_FILE, Location(str(file)), "not a regular file",
                                       expected="a YAML text file",
                                       hint="remove it, or rename it so it does not end in .yml"))
        elif (size := target.stat().st_size) > MAX_FILE_BYTES:
            errors.append(too_large(str(file), size))
        else:
            sizes.append((size, str(file.relative_to(folder))))
    total = sum(size for size, _ in sizes)
    if total > MAX_PROGRAMME_BYTES:
        largest = ", ".join(f"{name} ({size:,} bytes)" for size, name in sorted(sizes, reverse=True)[:3])
        errors.append(ContentError(codes.PROGRAMME_TOO_LARGE, Location(str(folder)),
                                   f"the programme folder holds {total:,} bytes of YAML",
                                   expected=f"at most {MAX_PROGRAMME_BYTES:,} bytes",
                                   hint=f"a programme needs far less; the largest files are {largest}: "
                                        "remove copies or generated files"))
    return errors


def _merge_key(merged: dict, source: SourceMap, positions: SourceMap, key: str, value: Any) -> list[ContentError]:
    where = positions.locate((key,))
    if key not in TOP_LEVEL_KEYS:
        return [unknown_key(where, key, TOP_LEVEL_KEYS)]
    if key == "programme":
        if key in merged:
            first = source.locate((key,))
            return [ContentError(codes.PROGRAMME_TWICE, where, "'programme' is set twice",
                                 expected="one 'programme' block",
                                 hint=f"the first is at {first}")]
        merged[key] = value
        source.merge(positions)
        return []
    if not isinstance(value, list):
        return [ContentError(codes.NOT_A_LIST, where, f"'{key}' must be a list",
                             expected="entries each starting with '- '")]
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
        yield "audience", entries(_list(q.get("audiences")), ("questionnaires", i, "audiences"))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _unique_ids(raw: dict, source: SourceMap) -> list[ContentError]:
    errors = []
    for noun, entries in _id_groups(raw):
        first: dict[str, tuple] = {}
        for path, ident in entries:
            if ident in first:
                errors.append(ContentError(
                    codes.DUPLICATE_ID, source.locate(path + ("id",)), f"duplicate {noun} id '{ident}'",
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
            return [ContentError(codes.STAGE_ORDER, source.locate(("stages", i, "number")),
                                 f"stage number {number} is out of order",
                                 expected=f"stage {i + 1}, as it is stage {i + 1} in the order written",
                                 hint="number the stages 1, 2, 3... in the order they are written")]
    return []


def _audience_references(raw: dict, source: SourceMap) -> list[ContentError]:
    """An audience's sections must be its questionnaire's, and it may reword only statements it is asked.
    Checked here, on the YAML, so each problem points at the very section id or item id."""
    errors = []
    for i, q in enumerate(_list(raw.get("questionnaires"))):
        if not isinstance(q, dict):
            continue
        sections = [s for s in _list(q.get("sections")) if isinstance(s, dict) and isinstance(s.get("id"), str)]
        section_ids = [s["id"] for s in sections]
        for j, audience in enumerate(_list(q.get("audiences"))):
            if not isinstance(audience, dict):
                continue
            path, name = ("questionnaires", i, "audiences", j), audience.get("id")
            chosen = [c for c in _list(audience.get("sections")) if isinstance(c, str)]
            for k, section_id in enumerate(_list(audience.get("sections"))):
                if isinstance(section_id, str) and section_id not in section_ids:
                    errors.append(ContentError(
                        codes.UNKNOWN_SECTION, source.locate(path + ("sections", k)),
                        f"audience '{name}' names unknown section '{section_id}'", expected=one_of(section_ids),
                        hint=suggest(section_id, section_ids), choices=tuple(section_ids)))
            asked = [item["id"] for s in sections if not chosen or s["id"] in chosen
                     for item in _list(s.get("items")) if isinstance(item, dict) and isinstance(item.get("id"), str)]
            wording = audience.get("wording")
            for item_id in wording if isinstance(wording, dict) else {}:
                if isinstance(item_id, str) and item_id not in asked:
                    errors.append(ContentError(
                        codes.UNKNOWN_ITEM, source.locate(path + ("wording", item_id)),
                        f"audience '{name}' words statement '{item_id}', which is not among its sections' statements",
                        expected="an item id of the audience's sections", hint=suggest(item_id, asked),
                        choices=tuple(asked)))
    return errors


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
    return ContentError(codes.RESERVED_ID, where, f"'{ident}' cannot be an id: Windows reserves the name",
                        expected="an id other than con, prn, aux, nul, com0-9 or lpt0-9",
                        hint=f"ids become file and folder names; add a word, e.g. '{ident}-audit'")


def _programme_ids_unique(programmes: list[Content], folders: list[Path]) -> list[ContentError]:
    counts = Counter(p.programme.id for p in programmes)
    return [ContentError(codes.DUPLICATE_PROGRAMME, Location(str(folders[0])),
                         f"programme id '{pid}' is used by {n} folders",
                         expected="a different id per programme") for pid, n in counts.items() if n > 1]
