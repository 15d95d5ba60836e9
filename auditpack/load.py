"""Read YAML files into plain data while remembering where every value came from.

Scalars are kept as the strings the author typed (``No`` stays ``No``, ``1.10``
stays ``1.10``); the typed model decides what each field means. Positions are
kept per path so that any later problem can point at a file, line and column.

Content files may be careless or hostile, so nothing here raises: a file that is
too big, nested too deeply, an alias bomb, not UTF-8, or not YAML at all becomes
a located :class:`ContentError` with a hint, found before any expensive work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from . import codes
from .codes import Code
from .errors import ContentError, Location
from .files import NotRegularFile, TooLarge, read_regular
from .i18n import ntell, tell

Path_ = tuple  # a path into the data: keys and list indexes

MAX_FILE_BYTES = 1_000_000
"""About 60 times the largest bundled file; pure-Python YAML reads roughly 0.3 MB a second."""
MAX_NODES = 200_000  # bounds alias expansion ("billion laughs")
MAX_TEXT = 5 * MAX_FILE_BYTES
"""Characters of text the file may expand to: without aliases it is at most the file's size."""
MAX_DEPTH = 40
"""Content needs about eight levels; Python's recursion limit is hit near a thousand."""

_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge", "value")}
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
"""Control characters (C0, DEL, and C1 but the NEL line break) and lone surrogates: invisible, and they
break HTML, PDFs and UTF-8 output; C1 controls in text are mostly Windows-1252 punctuation read wrongly."""


@dataclass
class SourceMap:
    """Where each path of the loaded data was written."""

    positions: dict[Path_, Location] = field(default_factory=dict)

    def locate(self, path: Path_) -> Location:
        """The position of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Location("?"))

    def merge(self, other: SourceMap, prefix: Path_ = ()) -> None:
        for key, loc in other.positions.items():
            self.positions[prefix + key] = loc


class _TooLarge(Exception):
    def __init__(self, code: Code, location: Location, message: str, expected: str, hint: str):
        self.error = ContentError(code, location, message, expected=expected, hint=hint)


def _too_deep(location: Location) -> _TooLarge:
    depth = {"depth": MAX_DEPTH}
    return _TooLarge(codes.TOO_DEEP, location,
                     ntell("the values are nested more than %(depth)d level deep",
                           "the values are nested more than %(depth)d levels deep", MAX_DEPTH) % depth,
                     expected=ntell("at most %(depth)d level", "at most %(depth)d levels", MAX_DEPTH) % depth,
                     hint=tell("check for an alias (*name) used inside its own anchor (&name), or brackets never "
                               "closed"))


class _DepthLimit(yaml.composer.Composer):
    """Refuses deep nesting before Python's recursion limit is reached."""

    depth = 0
    peek_event: Callable[[], Any]  # from the parser each loader below mixes in

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _too_deep(Location(mark.name, mark.line + 1, mark.column + 1))
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_DepthLimit, yaml.SafeLoader):
    """PyYAML's safe loader, all in Python: its messages are the ones :func:`_explain` words for authors."""


if yaml.__with_libyaml__:  # libyaml's scanner and parser, where PyYAML was built with it (its wheels are)
    from yaml._yaml import CParser as _CParser

    class _FastLoader(_DepthLimit, yaml.composer.Composer, _CParser, yaml.resolver.Resolver):
        """libyaml's scanner and parser (in C, a fraction of the time) under the same Python
        composer: the same nodes and positions. Reading files is most of the time ``check`` takes."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def compose(text: str, fast: bool = True):
    """The file's node tree. A file libyaml refuses is read again by the Python parser, whose
    messages :func:`_yaml_syntax_error` explains; content that is wrong costs time, right content not.
    ``fast=False``: the Python parser only (the tests compare the two)."""
    if fast and yaml.__with_libyaml__:
        loader = _FastLoader(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    return yaml.compose(text, Loader=_Loader)


class _Builder:
    """Turns a composed YAML node tree into plain data plus a SourceMap."""

    def __init__(self, file: str):
        self.file = file
        self.map = SourceMap()
        self.errors: list[ContentError] = []
        self.nodes_seen = 0
        self.text_seen = 0

    def location(self, mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def build(self, node, path: Path_, mark=None) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _TooLarge(codes.TOO_MANY_VALUES, self.location(node.start_mark),
                            tell("the file expands to too many values (aliases repeated too often?)"),
                            expected=ntell("at most %(limit)s value", "at most %(limit)s values", MAX_NODES) % {
                                "limit": f"{MAX_NODES:,}"}, hint=tell("avoid anchors (&) and aliases (*)"))
        if len(path) > MAX_DEPTH:  # only an alias inside its own anchor gets here: the composer limits the rest
            raise _too_deep(self.location(node.start_mark))
        self.map.positions[path] = self.location(mark or node.start_mark)
        if node.tag not in _PLAIN_TAGS:
            self.errors.append(ContentError(
                codes.UNSUPPORTED_TAG, self.location(node.start_mark),
                tell("the YAML tag '%(tag)s' is not supported") % {"tag": _short_tag(node.tag)},
                expected=tell("plain values"),
                hint=tell("remove the tag (the word starting with '!'), or quote the value")))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        if node.tag == _NULL_TAG and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        self.text_seen += len(node.value)
        if self.text_seen > MAX_TEXT:
            raise _TooLarge(codes.TOO_MANY_VALUES, self.location(node.start_mark),
                            tell("the file expands to too much text (a long value repeated through aliases?)"),
                            expected=ntell("at most %(limit)s character", "at most %(limit)s characters", MAX_TEXT) % {
                                "limit": f"{MAX_TEXT:,}"}, hint=tell("avoid anchors (&) and aliases (*)"))
        bad = _BAD_CHARACTERS.search(node.value)
        if bad:
            self.errors.append(ContentError(
                codes.INVALID_CHARACTER, self.location(node.start_mark),
                tell("the value contains an invisible or invalid character (U+%(code)s)") % {
                    "code": f"{ord(bad.group()):04X}"}, expected=tell("printable text"),
                hint=tell("delete and retype the text around it; it often comes from copying out of a PDF")))
        return node.value

    def _mapping(self, node, path: Path_) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.errors.append(ContentError(
                    codes.MERGE_KEY, self.location(key_node.start_mark), tell("merge keys ('<<') are not supported"),
                    hint=tell("write the keys out in full; merges hide what a block really contains")))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.append(ContentError(
                    codes.KEY_NOT_TEXT, self.location(key_node.start_mark), tell("a key must be plain text"),
                    expected=tell("a name such as 'title:'")))
                continue
            key = key_node.value
            if key in result:
                first = self.map.positions[path + (key,)]
                self.errors.append(ContentError(
                    codes.DUPLICATE_KEY, self.location(key_node.start_mark),
                    tell("duplicate key '%(key)s'") % {"key": key}, expected=tell("each key once per block"),
                    hint=tell("'%(key)s' is already set at line %(line)d; keep one of them") % {
                        "key": key, "line": first.line}))
                continue
            result[key] = self.build(value_node, path + (key,), key_node.start_mark)
        return result


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def load_yaml_file(path: Path) -> tuple[Any, SourceMap, list[ContentError]]:
    """Load one YAML file. Problems are returned, never raised."""
    name = str(path)
    raw, error = _read(path, name)
    if error:
        return None, SourceMap(), [error]
    text, error = _decode(raw, name)
    if error:
        return None, SourceMap(), [error]
    if not text.strip():
        return None, SourceMap(), [ContentError(
            codes.EMPTY_FILE, Location(name, 1, 1), tell("file is empty"), expected=tell("YAML content"),
            hint=tell("delete the file or add content to it"))]
    try:
        node = compose(text)
    except _TooLarge as exc:
        return None, SourceMap(), [_in_file(exc.error, name)]
    except yaml.MarkedYAMLError as exc:
        return None, SourceMap(), [_yaml_syntax_error(name, exc, text)]
    except yaml.reader.ReaderError as exc:
        return None, SourceMap(), [_reader_error(name, exc, text)]
    except yaml.YAMLError as exc:
        return None, SourceMap(), [ContentError(codes.YAML_SYNTAX, Location(name),
                                                tell("YAML error: %(error)s") % {"error": exc})]
    if node is None:
        return None, SourceMap(), [ContentError(
            codes.ONLY_COMMENTS, Location(name, 1, 1), tell("file is empty (it holds only comments)"),
            expected=tell("YAML content"),
            hint=tell("delete the file or add content to it"))]
    builder = _Builder(name)
    builder.map.positions[()] = Location(name, 1, 1)
    try:
        data = builder.build(node, ())
    except _TooLarge as exc:
        return None, SourceMap(), [exc.error]
    return data, builder.map, builder.errors


def _in_file(error: ContentError, name: str) -> ContentError:
    where = error.location
    return replace(error, location=Location(name, where.line, where.column))


def too_large(name: str, size: int | None = None) -> ContentError:
    """The message for a file over the limit, with its size when it is known."""
    message = ntell("file is too large (%(size)s byte)", "file is too large (%(size)s bytes)", size) % {
        "size": f"{size:,}"} if size else tell("file is too large")
    return ContentError(codes.FILE_TOO_LARGE, Location(name), message,
                        expected=ntell("at most %(limit)s byte", "at most %(limit)s bytes", MAX_FILE_BYTES) % {
                            "limit": f"{MAX_FILE_BYTES:,}"}, hint=tell("split the content into several files"))


def _read(path: Path, name: str) -> tuple[bytes, ContentError | None]:
    """The file's bytes, reading no more than the limit: a link to /dev/zero or a pipe cannot hang a build."""
    try:
        return read_regular(path, MAX_FILE_BYTES), None
    except NotRegularFile:
        return b"", ContentError(codes.NOT_A_FILE, Location(name), tell("not a regular file"),
                                 expected=tell("a YAML text file"),
                                 hint=tell("remove it, or rename it so it does not end in .yml"))
    except TooLarge as exc:
        return b"", too_large(name, exc.size)
    except OSError as exc:
        return b"", ContentError(codes.CANNOT_READ, Location(name),
                                 tell("cannot read file: %(reason)s") % {"reason": exc.strerror or exc})


def _decode(raw: bytes, name: str) -> tuple[str, ContentError | None]:
    wide = wide_unicode(raw)
    if wide:  # not located: its lines would be shown with a mark between every two letters
        return "", ContentError(codes.NOT_UTF8, Location(name),
                                tell("the file is %(encoding)s text, not UTF-8") % {"encoding": wide}, expected="UTF-8",
                                hint=tell("save it as UTF-8 in your editor (choose 'UTF-8', not 'Unicode', which some "
                                          "programs use for UTF-16)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", ContentError(codes.NOT_UTF8, Location(name, line, column), tell("the file is not UTF-8 text"),
                                expected="UTF-8",
                                hint=tell("save the file as UTF-8 in your editor"))
    return text, None


def wide_unicode(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when ``raw`` is text in one of them, with or without a byte order mark.

    Without a mark the NULs give it away: in UTF-16 every letter of the Latin alphabet, space and
    line break is one byte and a NUL, so one byte in two is mostly NUL and the other almost never;
    in UTF-32 every character has two NULs on the same side. UTF-8 text holds no NULs at all.
    """
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = raw[:4096]
    if b"\x00" not in sample:
        return None
    nuls = [sample[i::4].count(0) / max(len(sample[i::4]), 1) for i in range(4)]
    if min(nuls[2:]) > 0.9 or min(nuls[:2]) > 0.9:
        return "UTF-32"
    even, odd = (nuls[0] + nuls[2]) / 2, (nuls[1] + nuls[3]) / 2
    if min(even, odd) < 0.1 and max(even, odd) > 0.33:
        return "UTF-16"
    return None


def _reader_error(name: str, exc, text: str) -> ContentError:
    """A character YAML refuses (a NUL, a control code): located, and named by its code."""
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    return ContentError(codes.CONTROL_CHARACTER, Location(name, line, column),
                        tell("YAML syntax error: the file contains a control character (U+%(code)s)") % {
                            "code": f"{code:04X}"},
                        expected=tell("printable text"),
                        hint=tell("delete and retype the text around it; it often comes from copying out of a PDF"))


# --- YAML syntax errors in the author's terms --------------------------------------------------

def _yaml_syntax_error(name: str, exc: yaml.MarkedYAMLError, text: str) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    lines = text.splitlines()
    problem, context = exc.problem or "", exc.context or ""
    message, expected, hint, *moved = _explain(problem, context, lines, line, column)
    at_end = not (0 < line <= len(lines)) or not lines[line - 1].strip()
    if exc.context_mark and ("quoted scalar" in context or "flow" in context or at_end):
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1  # where the quote or bracket opened
    last = _previous_content_line(lines, len(lines) + 1)
    if last and (not (0 < line <= len(lines)) or not lines[line - 1].strip()):
        line, column = last, len(lines[last - 1].rstrip()) + 1  # the end of the file: show its last line
    if moved:  # the mistake is not where the parser noticed it: point at the key, or at the line missing its ':'
        line, column = moved[0]
    return ContentError(codes.YAML_SYNTAX, Location(name, line, column),
                        tell("YAML syntax error: %(problem)s") % {"problem": message}, expected=expected, hint=hint)


def _explain(problem: str, context: str, lines: list[str], line: int, column: int) -> tuple:
    """(message, expected, hint[, (line, column) of the real mistake]) for the YAML mistakes people make
    most, worded for non-programmers. ``problem`` and ``context`` are PyYAML's (English) words."""
    if "'\\t'" in problem or "\t" in problem:
        return (tell("a tab is used for indentation"), tell("spaces"),
                tell("YAML indents with spaces only; replace the tab with spaces"))
    if "mapping values are not allowed" in problem:
        return _stray_colon(lines, line, column)
    if "expected <block end>" in problem:
        if "'-'" in problem:
            return (tell("a list item ('- ') where a key was expected"),
                    tell("'key: value' lines, or a list under a key"),
                    tell("indent the list under the key it belongs to, or remove the '- '"))
        return (tell("this line does not line up with the block it belongs to"),
                tell("keys of one block in one column"), _line_up_hint(lines, line))
    if "<stream end>" in problem or ("end of stream" in problem and "quoted" not in context):
        return (tell("the file ends in the middle of a value"), tell("the rest of the value"),
                tell("the file looks cut short or a bracket is never closed; check the end of the file"))
    if "quoted scalar" in context:
        return (tell("a quoted value is never closed"), tell("a closing quote"),
                tell("add the closing quote at the end of the value"))
    if "flow sequence" in context or "flow mapping" in context:
        opening, closing = ("[", "]") if "sequence" in context else ("{", "}")
        return (tell("a list opened with '%(bracket)s' is not closed") % {"bracket": opening},
                tell("'%(bracket)s' on the same line") % {"bracket": closing},
                tell("close it on the same line, e.g. owners: [lead, staff]; quote values containing ':' or ','"))
    if "found undefined alias" in problem:
        return (tell("a value starts with '*', which YAML reads as an alias"), tell("plain text"),
                tell("put the value in quotes, e.g. \"*important*\""))
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else tell("this character")
        return (tell("a value cannot start with '%(character)s'") % {"character": char}, tell("the value in quotes"),
                tell("put the whole value in quotes: \"%(character)s...\"") % {"character": char})
    if "another document" in problem:
        return (tell("the file holds more than one document ('---')"), tell("one document per file"),
                tell("remove the '---' line, or move what follows it into another file"))
    return (problem or tell("invalid YAML"), tell("valid YAML"),
            tell("check the indentation and the ':' after each key"))


_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z0-9_-]+):(\s|$)")


def _stray_colon(lines: list[str], line: int, column: int) -> tuple:
    """A ':' where YAML cannot take a key: text containing ': ', a key indented too far, or a missing ':'."""
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    key = _KEY_LINE.match(current)
    if key and column - 1 > key.end(2):  # the ':' is after the line's own key: it is part of the value
        value = current[key.end():].strip()
        quoted = f'"{value}"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return (tell("a ': ' inside a value"), tell("the value in quotes"),
                tell("put the value in quotes: %(key)s: %(value)s") % {"key": key.group(2), "value": quoted})
    previous = _previous_content_line(lines, line)
    if previous and ":" not in lines[previous - 1] and not lines[previous - 1].lstrip().startswith("-"):
        return (tell("line %(line)d has no ':' after its key") % {"line": previous},
                tell("'key: value' on every line"),
                tell("add the ':' on line %(line)d, or join that text to the line before it") % {"line": previous},
                (previous, len(lines[previous - 1].rstrip()) + 1))
    if key:
        return (tell("this line is indented further than the key above it"), tell("keys of one block in one column"),
                _line_up_hint(lines, line), (line, key.start(2) + 1))
    return (tell("a ': ' inside a value"), tell("the value in quotes"), tell("put the whole value in quotes"))


def _previous_content_line(lines: list[str], line: int) -> int | None:
    for number in range(line - 1, 0, -1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            return number
    return None


def _line_up_hint(lines: list[str], line: int) -> str:
    """Name the key above that this line should line up with, and its column."""
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    own = _KEY_LINE.match(current)
    previous = _previous_content_line(lines, line)
    above = _KEY_LINE.match(lines[previous - 1]) if previous else None
    if not (own and above):
        return tell("indent each key of a block by the same number of spaces")
    spaces = above.start(2)
    return ntell("indent '%(key)s:' by %(spaces)d space to line up with '%(above)s:' on line %(line)d, "
                 "or as far as the key it belongs under",
                 "indent '%(key)s:' by %(spaces)d spaces to line up with '%(above)s:' on line %(line)d, "
                 "or as far as the key it belongs under", spaces) % {
        "key": own.group(2), "spaces": spaces, "above": above.group(2), "line": previous}
