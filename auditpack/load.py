"""Read YAML files into plain data while remembering where every value came from.

Scalars are kept as the strings the author typed (``No`` stays ``No``, ``1.10``
stays ``1.10``); the typed model decides what each field means. Positions are
kept per path so that any later problem can point at a file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Location

Path_ = tuple  # a path into the data: keys and list indexes

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # bounds alias expansion ("billion laughs")

_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"


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

    def merge(self, other: "SourceMap", prefix: Path_ = ()) -> None:
        for key, loc in other.positions.items():
            self.positions[prefix + key] = loc


class _Builder:
    """Turns a composed YAML node tree into plain data plus a SourceMap."""

    def __init__(self, file: str):
        self.file = file
        self.map = SourceMap()
        self.errors: list[ContentError] = []
        self.nodes_seen = 0

    def location(self, mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def build(self, node, path: Path_, mark=None) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _TooLarge(self.location(node.start_mark))
        self.map.positions[path] = self.location(mark or node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        if node.tag == _NULL_TAG and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return node.value

    def _mapping(self, node, path: Path_) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.errors.append(ContentError(
                    self.location(key_node.start_mark), "merge keys ('<<') are not supported",
                    hint="write the keys out in full; merges hide what a block really contains"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.append(ContentError(
                    self.location(key_node.start_mark), "a key must be plain text",
                    expected="a name such as 'title:'"))
                continue
            key = key_node.value
            if key in result:
                first = self.map.positions[path + (key,)]
                self.errors.append(ContentError(
                    self.location(key_node.start_mark), f"duplicate key '{key}'",
                    expected="each key once per block",
                    hint=f"'{key}' is already set at line {first.line}; keep one of them"))
                continue
            result[key] = self.build(value_node, path + (key,), key_node.start_mark)
        return result


class _TooLarge(Exception):
    def __init__(self, location: Location):
        self.location = location


def load_yaml_file(path: Path) -> tuple[Any, SourceMap, list[ContentError]]:
    """Load one YAML file. Problems are returned, never raised."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, SourceMap(), [ContentError(Location(name), f"cannot read file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, SourceMap(), [ContentError(
            Location(name), f"file is too large ({len(raw):,} bytes)",
            expected=f"at most {MAX_FILE_BYTES:,} bytes", hint="split the content into several files")]
    text, error = _decode(raw, name)
    if error:
        return None, SourceMap(), [error]
    if not text.strip():
        return None, SourceMap(), [ContentError(
            Location(name, 1, 1), "file is empty", expected="YAML content",
            hint="delete the file or add content to it")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, SourceMap(), [_yaml_syntax_error(name, exc)]
    except yaml.YAMLError as exc:
        return None, SourceMap(), [ContentError(Location(name), f"YAML error: {exc}")]
    builder = _Builder(name)
    builder.map.positions[()] = Location(name, 1, 1)
    try:
        data = builder.build(node, ())
    except _TooLarge as exc:
        return None, SourceMap(), [ContentError(
            exc.location, "the file expands to too many values (aliases repeated too often?)",
            expected=f"at most {MAX_NODES:,} values", hint="avoid anchors (&) and aliases (*)")]
    return data, builder.map, builder.errors


def _decode(raw: bytes, name: str) -> tuple[str, ContentError | None]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", ContentError(
            Location(name, line, column), "the file is not UTF-8 text",
            expected="UTF-8", hint="save the file as UTF-8 in your editor")
    return text, None


def _yaml_syntax_error(name: str, exc: yaml.MarkedYAMLError) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or "invalid YAML"
    hint = "check the indentation and the ':' after each key"
    if "\t" in problem or "\\t" in problem or "tab" in problem:
        hint = "YAML indents with spaces only; replace the tab with spaces"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be quoted, or the line is indented too far"
    return ContentError(Location(name, line, column), f"YAML syntax error: {problem}",
                        expected="valid YAML", hint=hint)
