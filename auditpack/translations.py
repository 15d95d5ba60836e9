"""A programme in another language, from a translation file beside its content.

An advisor writes a programme once, in its own ``language``, and lists the languages it is also
published in (``translations: [cy]``). Each has a gettext file, ``translations/cy.po`` in the
programme's folder, that translators edit with any PO editor: one entry per text of the content,
whose context is the text's stable address (``stages/prepare/tasks/brief/text``: ids, not
positions, so reordering the YAML loses nothing), whose ``msgid`` is the source text as it was when
the entry was written, and whose ``msgstr`` is the translation. ``#:`` comments give where the
source text is.

:func:`translate` puts each translation in place of its source text before the model validates
the programme, so every later step (plan, print, site, collate) works on a programme like any
other; ids stay as they are, so answers to either language collate together. A text with no
translation, or whose source has changed since its translation was written (stale), keeps the
source text, and ``check`` warns of it, located. ``auditpack translate --language cy`` writes the
file or brings it up to date (:func:`update_file`): new texts untranslated, changed ones marked
fuzzy with their earlier source kept for the translator (``#| msgid``), gone ones dropped.

What is not translated: ids, versions, dates and the publisher's name. The ``choices`` of a choice
column are the values answers are stored by: their translations (``.../choices/0``) become the
column's ``labels``, the words printed, and the values stay.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from . import bilingual, codes, glyphs, i18n
from .errors import ContentError, ContentErrors, Location
from .i18n import ntell, tell
from .load import MAX_FILE_BYTES, SourceMap

FOLDER = "translations"
TEXT_KEYS = frozenset({
    "title", "short_title", "summary", "licence", "audience", "name", "description", "purpose", "outcome",
    "notes", "text", "time", "with", "questions", "aims", "steps", "label", "question", "short", "introduction",
    "scale_note", "dont_know_label", "gap_wording", "heading", "wording", "labels",
})
"""Keys whose values are text a person reads (a list of texts, or for 'wording' texts by id)."""
NOT_TEXT_UNDER = frozenset({"id", "version", "published", "publisher", "language", "translations", "choices",
                            "bilingual_first",
                            "changelog", "kind", "scale_kind"})
HEADER = """\
# The texts of programme '%(programme)s' in '%(language)s', for a translator: write each translation
# under its source text (msgid), in msgstr. Each entry's context (msgctxt) is the text's address in
# the content, and its #: line where the source text is. 'auditpack translate --language
# %(language)s' adds new texts and marks changed ones fuzzy, with their earlier wording (#| msgid):
# check the translation, then remove the fuzzy mark. Until then the source text is printed."""
MAX_SHOWN = 10
"""Texts named one by one per language and kind of warning; the rest are counted in one more."""


@dataclass(frozen=True)
class Text:
    key: str
    """Its stable address, e.g. 'stages/prepare/tasks/brief/text'."""
    path: tuple
    """Where it is in the loaded data."""
    source: str
    where: Location


@dataclass
class Translated:
    raw: dict
    warnings: list[ContentError] = field(default_factory=list)


def texts(raw: dict, source: SourceMap) -> list[Text]:
    """Every translatable text of a programme, in the order it is written."""
    return [Text(key, path, value, source.locate(written)) for key, path, value, written in _walk(raw, (), ())]


def _walk(value, path: tuple, key: tuple, text: bool = False) -> Iterator[tuple[str, tuple, str, tuple]]:
    """(address, where its translation goes, source text, where the source text is written)."""
    if isinstance(value, str):
        if text:
            yield "/".join(key), path, value, path
    elif isinstance(value, dict):
        for name, child in value.items():
            if name == "choices" and not value.get("labels") and isinstance(child, list):
                # the values stay; their translations are printed as the column's labels
                for index, choice in enumerate(child):
                    if isinstance(choice, str):
                        yield ("/".join(key + ("choices", str(index))), path + ("labels", index), choice,
                               path + ("choices", index))
                continue
            if name in NOT_TEXT_UNDER:
                continue
            yield from _walk(child, path + (name,), key + (str(name),), text or name in TEXT_KEYS)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            ident = child.get("id") if isinstance(child, dict) else None
            yield from _walk(child, path + (index,), key + (str(ident if isinstance(ident, str) else index),), text)


def file_for(folder: Path, language: str) -> Path:
    return folder / FOLDER / f"{language}.po"


def translate(folder: Path, raw: dict, source: SourceMap, language: str) -> Translated:
    """``raw`` with the programme's texts in ``language`` where its translation file has them, and a
    warning for each text left in the source language (missing or stale)."""
    po = file_for(folder, language)
    if not po.is_file():
        return Translated(raw, [ContentError(
            codes.MISSING_TRANSLATION_FILE, source.locate(("programme", "translations")),
            tell("'%(language)s' is listed in 'translations' but %(file)s does not exist") % {
                "language": language, "file": po.relative_to(folder.parent)},
            hint=tell("run 'auditpack translate --language %(language)s' to write it, ready for a translator") % {
                "language": language})])
    catalogue, problem = read(po)
    if problem:
        return Translated(raw, [problem])
    entries = {message.context: message for message in catalogue if message.id and message.context}
    translated = copy.deepcopy(raw)
    translated["programme"]["language"] = language
    translated["programme"]["translations"] = []  # the edition is in one language: the source lists them all
    missing, stale, used = [], [], []
    for text in texts(raw, source):
        entry = entries.get(text.key)
        if entry is None or not entry.string:
            missing.append(text)
        elif entry.id != text.source or entry.fuzzy:
            stale.append((text, entry))
        else:
            _put(translated, text.path, entry.string)
            used.append((Location(str(po), entry.lineno or 0, 1 if entry.lineno else 0), entry.string))
    return Translated(translated, _missing(missing, language, po) + _stale(stale, language, po)
                      + glyphs.missing_in(used))


def in_both(first, second):
    """A programme (or any part of one) whose texts are in two languages, each a two-language text
    (see :mod:`.bilingual`): ``first`` and ``second`` are the same programme in each, validated.
    Ids, versions and the rest of what is not translated are ``first``'s."""
    return _in_both(first, second, False)


def _in_both(first, second, text: bool):
    if isinstance(first, str) and isinstance(second, str):
        return bilingual.both(bilingual.clean(first), bilingual.clean(second)) if text else first
    if isinstance(first, BaseModel) and type(second) is type(first):
        changed = {}
        for name, declared in type(first).model_fields.items():
            key = declared.alias or name
            if key in NOT_TEXT_UNDER:
                continue
            before = getattr(first, name)
            after = _in_both(before, getattr(second, name), text or key in TEXT_KEYS)
            if after is not before:
                changed[name] = after
        return first.model_copy(update=changed) if changed else first
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)) and len(first) == len(second):
        paired = [_in_both(a, b, text) for a, b in zip(first, second, strict=True)]
        return type(first)(paired) if any(p is not a for p, a in zip(paired, first, strict=True)) else first
    if isinstance(first, dict) and isinstance(second, dict) and first.keys() == second.keys():
        paired_values = {k: _in_both(v, second[k], text or k in TEXT_KEYS) for k, v in first.items()}
        return paired_values if any(paired_values[k] is not v for k, v in first.items()) else first
    return first


def read(po: Path):
    """The catalogue in ``po``, or a located problem if it cannot be read (untrusted input: size,
    encoding and syntax are checked, as for YAML)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        data = po.read_bytes() if po.stat().st_size <= MAX_FILE_BYTES else None
    except OSError as exc:
        return None, ContentError(codes.CANNOT_READ, Location(str(po)),
                                  tell("cannot read the file: %(reason)s") % {"reason": exc.strerror})
    if data is None:
        return None, ContentError(codes.FILE_TOO_LARGE, Location(str(po)), tell("the translation file is too large"),
                                  expected=ntell("at most %(size)s byte", "at most %(size)s bytes", MAX_FILE_BYTES) % {
                                      "size": f"{MAX_FILE_BYTES:,}"})
    try:
        data.decode("utf-8")
        return read_po(io.BytesIO(data), abort_invalid=True, charset="utf-8"), None
    except UnicodeDecodeError:
        return None, ContentError(codes.NOT_UTF8, Location(str(po)), tell("the translation file is not UTF-8 text"),
                                  hint=tell("save it as UTF-8 from the PO editor"))
    except PoFileError as exc:
        line = int(getattr(exc, "lineno", 0) or 0)
        return None, ContentError(codes.BAD_TRANSLATION_FILE, Location(str(po), line, 1 if line else 0),
                                  tell("the translation file cannot be read: %(error)s") % {"error": exc},
                                  hint=tell("open it in a PO editor (Poedit, Lokalize) and save it again"))


def _put(data, path: tuple, value: str) -> None:
    for step in path[:-1]:
        if step == "labels" and "labels" not in data:  # a choice's translation: the labels start as the values
            data["labels"] = list(data["choices"])
        data = data[step]
    data[path[-1]] = value


def _missing(missing: list[Text], language: str, po: Path) -> list[ContentError]:
    warnings = [ContentError(codes.UNTRANSLATED, text.where,
                             tell("'%(text)s' has no '%(language)s' translation; the source text is printed") % {
                                 "text": text.key, "language": language},
                             hint=tell("translate it in %(file)s") % {"file": po.name})
                for text in missing[:MAX_SHOWN]]
    more = len(missing) - MAX_SHOWN
    if more > 0:
        warnings.append(ContentError(codes.UNTRANSLATED, Location(str(po)),
                                     ntell("%(count)d more text has no '%(language)s' translation",
                                           "%(count)d more texts have no '%(language)s' translation", more) % {
                                         "count": more, "language": language},
                                     hint=tell("run 'auditpack translate --language %(language)s', then translate "
                                               "the empty entries") % {"language": language}))
    return warnings


def _stale(stale: list, language: str, po: Path) -> list[ContentError]:
    warnings = [ContentError(codes.STALE_TRANSLATION, Location(str(po), entry.lineno or 0, 1 if entry.lineno else 0),
                             tell("the '%(language)s' translation of '%(text)s' was written for an earlier wording "
                                  "(source now at %(where)s); the source text is printed") % {
                                 "language": language, "text": text.key, "where": text.where},
                             hint=tell("check the translation against the new wording, then clear its fuzzy mark"))
                for text, entry in stale[:MAX_SHOWN]]
    more = len(stale) - MAX_SHOWN
    if more > 0:
        warnings.append(ContentError(codes.STALE_TRANSLATION, Location(str(po)),
                                     ntell("%(count)d more '%(language)s' translations are stale",
                                           "%(count)d more '%(language)s' translations are stale", more) % {
                                         "count": more, "language": language},
                                     hint=tell("run 'auditpack translate --language %(language)s' to mark them") % {
                                         "language": language}))
    return warnings


def update_file(folder: Path, raw: dict, source: SourceMap, language: str, project_root: Path) -> dict[str, int]:
    """Write ``translations/LANGUAGE.po`` for the programme in ``folder``, keeping every translation
    still wanted; returns how many texts are translated, new, and changed since their translation."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    po = file_for(folder, language)
    old, created, earlier = {}, None, {}
    if po.is_file():
        catalogue, problem = read(po)
        if problem:
            raise ContentErrors([problem])
        old, created = {m.context: m for m in catalogue if m.id and m.context}, catalogue.creation_date
        earlier = _previous_wordings(po.read_text(encoding="utf-8"))
    fresh = Catalog(locale=i18n.locale_name(language), domain=folder.name, project=folder.name,
                    version=raw["programme"].get("version"), charset="utf-8", fuzzy=False, creation_date=created,
                    last_translator="", language_team="", msgid_bugs_address="",
                    header_comment=HEADER % {"programme": folder.name, "language": language})
    counts = {"translated": 0, "new": 0, "changed": 0}
    for text in texts(raw, source):
        where = [(_relative(text.where.file, project_root), text.where.line)]
        before = old.get(text.key)
        if before is None or not before.string:
            counts["new"] += 1
            fresh.add(text.source, "", where, context=text.key)
            continue
        changed = before.id != text.source
        counts["changed" if changed or before.fuzzy else "translated"] += 1
        fresh.add(text.source, before.string, where, flags={"fuzzy"} if changed or before.fuzzy else (),
                  context=text.key, previous_id=before.id if changed else earlier.get(text.key, ()))
    po.parent.mkdir(exist_ok=True)
    out = io.BytesIO()
    write_po(out, fresh, width=100, include_previous=True, sort_output=False)
    po.write_bytes(out.getvalue())
    return counts


def _previous_wordings(po_text: str) -> dict[str, str]:
    """The earlier source wording (``#| msgid``) of each fuzzy entry, by context: Babel writes these
    lines but does not read them back, and a translator needs them on every later update too."""
    from babel.messages.pofile import unescape

    found = {}
    for block in po_text.split("\n\n"):
        lines = block.splitlines()
        previous = [line[3:] for line in lines if line.startswith("#| ")]
        context = [line for line in lines if line.startswith("msgctxt ")]
        if previous and context and previous[0].startswith("msgid "):
            parts = [previous[0][len("msgid "):], *previous[1:]]
            found[unescape(context[0][len("msgctxt "):])] = "".join(unescape(p) for p in parts if p.startswith('"'))
    return found


def _relative(file: str, root: Path) -> str:
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(file).name
