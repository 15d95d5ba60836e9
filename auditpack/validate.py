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
from .i18n import N_, ntell, tell
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
            codes.NO_PROGRAMMES, Location(str(content_dir)), tell("no programme folders found"),
            expected=tell("one folder per programme, each holding programme.yml"),
            hint=tell("run from the project folder, or set content_dir in site_config.yml"))])
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
            codes.MISSING_PROGRAMME_FILE, Location(str(main)), tell("programme.yml is missing"),
            expected=tell("a programme.yml with the 'programme:' block"),
            hint=tell("every programme folder needs one; see content/blackpool-ara/programme.yml"))]
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
                                       tell("the file must be a set of 'key: value' blocks"),
                                       expected=tell("top-level keys among: %(keys)s") % {
                                           "keys": ", ".join(TOP_LEVEL_KEYS)},
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
                                       tell("links to a file outside the programme folder (%(target)s)") % {
                                           "target": target},
                                       expected=tell("content files inside the programme folder"),
                                       hint=tell("copy the file into the folder instead of linking to it")))
        elif not target.is_file():
            errors.append(ContentError(codes.NOT_A_FILE, Location(str(file)), tell("not a regular file"),
                                       expected=tell("a YAML text file"),
                                       hint=tell("remove it, or rename it so it does not end in .yml")))
        elif (size := target.stat().st_size) > MAX_FILE_BYTES:
            errors.append(too_large(str(file), size))
        else:
            sizes.append((size, str(file.relative_to(folder))))
    total = sum(size for size, _ in sizes)
    if total > MAX_PROGRAMME_BYTES:
        errors.append(_too_much_yaml(folder, total, sizes))
    return errors


def _too_much_yaml(folder: Path, total: int, sizes: list[tuple[int, str]]) -> ContentError:
    largest = ", ".join(ntell("%(name)s (%(size)s byte)", "%(name)s (%(size)s bytes)", size) % {
        "name": name, "size": f"{size:,}"} for size, name in sorted(sizes, reverse=True)[:3])
    return ContentError(codes.PROGRAMME_TOO_LARGE, Location(str(folder)),
                        ntell("the programme folder holds %(total)s byte of YAML",
                              "the programme folder holds %(total)s bytes of YAML", total) % {"total": f"{total:,}"},
                        expected=ntell("at most %(limit)s byte", "at most %(limit)s bytes", MAX_PROGRAMME_BYTES) % {
                            "limit": f"{MAX_PROGRAMME_BYTES:,}"},
                        hint=tell("a programme needs far less; the largest files are %(largest)s: "
                                  "remove copies or generated files") % {"largest": largest})


def _merge_key(merged: dict, source: SourceMap, positions: SourceMap, key: str, value: Any) -> list[ContentError]:
    where = positions.locate((key,))
    if key not in TOP_LEVEL_KEYS:
        return [unknown_key(where, key, TOP_LEVEL_KEYS)]
    if key == "programme":
        if key in merged:
            first = source.locate((key,))
            return [ContentError(codes.PROGRAMME_TWICE, where, tell("'programme' is set twice"),
                                 expected=tell("one 'programme' block"),
                                 hint=tell("the first is at %(where)s") % {"where": first})]
        merged[key] = value
        source.merge(positions)
        return []
    if not isinstance(value, list):
        return [ContentError(codes.NOT_A_LIST, where, tell("'%(key)s' must be a list") % {"key": key},
                             expected=tell("entries each starting with '- '"))]
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
                message, expected, hint = _DUPLICATE_ID.get(noun, _DUPLICATE_ID_OF_ENTRY)
                errors.append(ContentError(
                    codes.DUPLICATE_ID, source.locate(path + ("id",)), tell(message) % {"id": ident},
                    expected=tell(expected),
                    hint=tell(hint) % {"first": source.locate(first[ident] + ("id",))}))
            else:
                first[ident] = path
    return errors


_DUPLICATE_ID = {
    "changelog": (N_("duplicate changelog id '%(id)s'"), N_("each changelog id used once"),
                  N_("first used at %(first)s; ids must stay stable, so give the new changelog a new id")),
    "role": (N_("duplicate role id '%(id)s'"), N_("each role id used once"),
             N_("first used at %(first)s; ids must stay stable, so give the new role a new id")),
    "pathway": (N_("duplicate pathway id '%(id)s'"), N_("each pathway id used once"),
                N_("first used at %(first)s; ids must stay stable, so give the new pathway a new id")),
    "stage": (N_("duplicate stage id '%(id)s'"), N_("each stage id used once"),
              N_("first used at %(first)s; ids must stay stable, so give the new stage a new id")),
    "component": (N_("duplicate component id '%(id)s'"), N_("each component id used once"),
                  N_("first used at %(first)s; ids must stay stable, so give the new component a new id")),
    "guidance": (N_("duplicate guidance id '%(id)s'"), N_("each guidance id used once"),
                 N_("first used at %(first)s; ids must stay stable, so give the new guidance a new id")),
    "questionnaire": (N_("duplicate questionnaire id '%(id)s'"), N_("each questionnaire id used once"),
                      N_("first used at %(first)s; ids must stay stable, so give the new questionnaire a new id")),
    "task": (N_("duplicate task id '%(id)s'"), N_("each task id used once"),
             N_("first used at %(first)s; ids must stay stable, so give the new task a new id")),
    "section": (N_("duplicate section id '%(id)s'"), N_("each section id used once"),
                N_("first used at %(first)s; ids must stay stable, so give the new section a new id")),
    "dimension": (N_("duplicate dimension id '%(id)s'"), N_("each dimension id used once"),
                  N_("first used at %(first)s; ids must stay stable, so give the new dimension a new id")),
    "item": (N_("duplicate item id '%(id)s'"), N_("each item id used once"),
             N_("first used at %(first)s; ids must stay stable, so give the new item a new id")),
    "audience": (N_("duplicate audience id '%(id)s'"), N_("each audience id used once"),
                 N_("first used at %(first)s; ids must stay stable, so give the new audience a new id")),
}
"""What is said of an id used twice, by the kind of entry (as :func:`_id_groups` names it): each kind's
sentences whole, so a language that inflects the noun can."""
_DUPLICATE_ID_OF_ENTRY = (N_("duplicate id '%(id)s'"), N_("each id used once"),
                          N_("first used at %(first)s; ids must stay stable, so give the new entry a new id"))
"""The same for a kind of entry added to the model but not yet to :data:`_DUPLICATE_ID`."""


def _stage_numbers(raw: dict, source: SourceMap) -> list[ContentError]:
    """Stages are numbered 1, 2, 3... in the order written; report the first that is not."""
    stages = raw.get("stages")
    for i, stage in enumerate(stages if isinstance(stages, list) else []):
        number = stage.get("number") if isinstance(stage, dict) else None
        if isinstance(number, str) and number.isascii() and number.isdigit() and int(number) != i + 1:
            return [ContentError(codes.STAGE_ORDER, source.locate(("stages", i, "number")),
                                 tell("stage number %(number)s is out of order") % {"number": number},
                                 expected=tell("stage %(position)d, as it is stage %(position)d in the order "
                                               "written") % {"position": i + 1},
                                 hint=tell("number the stages 1, 2, 3... in the order they are written"))]
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
                        tell("audience '%(audience)s' names unknown section '%(section)s'") % {
                            "audience": name, "section": section_id}, expected=one_of(section_ids),
                        hint=suggest(section_id, section_ids), choices=tuple(section_ids)))
            asked = [item["id"] for s in sections if not chosen or s["id"] in chosen
                     for item in _list(s.get("items")) if isinstance(item, dict) and isinstance(item.get("id"), str)]
            wording = audience.get("wording")
            for item_id in wording if isinstance(wording, dict) else {}:
                if isinstance(item_id, str) and item_id not in asked:
                    errors.append(ContentError(
                        codes.UNKNOWN_ITEM, source.locate(path + ("wording", item_id)),
                        tell("audience '%(audience)s' words statement '%(item)s', which is not among its "
                             "sections' statements") % {"audience": name, "item": item_id},
                        expected=tell("an item id of the audience's sections"), hint=suggest(item_id, asked),
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
    named = {"id": ident}
    return ContentError(codes.RESERVED_ID, where, tell("'%(id)s' cannot be an id: Windows reserves the name") % named,
                        expected=tell("an id other than con, prn, aux, nul, com0-9 or lpt0-9"),
                        hint=tell("ids become file and folder names; add a word, e.g. '%(id)s-audit'") % named)


def _programme_ids_unique(programmes: list[Content], folders: list[Path]) -> list[ContentError]:
    counts = Counter(p.programme.id for p in programmes)
    return [ContentError(codes.DUPLICATE_PROGRAMME, Location(str(folders[0])),
                         ntell("programme id '%(id)s' is used by %(count)d folder",
                               "programme id '%(id)s' is used by %(count)d folders", n) % {"id": pid, "count": n},
                         expected=tell("a different id per programme")) for pid, n in counts.items() if n > 1]
