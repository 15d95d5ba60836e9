"""The YAML loader keeps what authors typed and where they typed it, and never raises."""

import pytest
import yaml

from auditpack.load import MAX_NODES, compose, load_yaml_file

from .conftest import FIXTURES, REPO


def write(tmp_path, text, name="file.yml", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_scalars_stay_as_typed(tmp_path):
    data, _, errors = load_yaml_file(write(tmp_path, "text: No\nversion: 1.10\nid: 2024-01-01\nempty:\n"))
    assert errors == []
    assert data == {"text": "No", "version": "1.10", "id": "2024-01-01", "empty": None}


def test_positions_point_at_keys(tmp_path):
    path = write(tmp_path, "roles:\n  - id: head\n    name: Head\n")
    _, source, _ = load_yaml_file(path)
    where = source.locate(("roles", 0, "name"))
    assert (where.file, where.line, where.column) == (str(path), 3, 5)
    assert source.locate(("roles", 0, "missing")).line == 2


def test_duplicate_key_is_an_error_with_both_lines(tmp_path):
    _, _, errors = load_yaml_file(write(tmp_path, "title: A\nsummary: x\ntitle: B\n"))
    assert len(errors) == 1
    assert errors[0].location.line == 3
    assert "duplicate key 'title'" in errors[0].message
    assert "line 1" in errors[0].hint


def test_tab_indentation_gets_a_hint(tmp_path):
    _, _, errors = load_yaml_file(write(tmp_path, "roles:\n\t- id: a\n"))
    assert errors and errors[0].location.line == 2
    assert "tab" in errors[0].hint


def test_not_utf8_is_located(tmp_path):
    _, _, errors = load_yaml_file(write(tmp_path, "title: caf\xe9\n", encoding="latin-1"))
    assert errors[0].message == "the file is not UTF-8 text"
    assert (errors[0].location.line, errors[0].location.column) == (1, 11)


@pytest.mark.parametrize("encoding, name", [
    ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-16", "UTF-16"),  # without and with a byte order mark
    ("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32"), ("utf-32", "UTF-32"),
])
def test_utf16_and_utf32_are_named_with_or_without_a_byte_order_mark(tmp_path, encoding, name):
    """Not 'control character U+0000' at line 1: the letters between the NULs are the text."""
    text = "title: Ysgol Tŷ Gwyn 学校\nowners: [lead]\n"
    data, _, errors = load_yaml_file(write(tmp_path, text, encoding=encoding))
    assert data is None and len(errors) == 1
    assert (errors[0].message, errors[0].expected) == (f"the file is {name} text, not UTF-8", "UTF-8")
    assert errors[0].hint.startswith("save it as UTF-8") and errors[0].location.line == 0


def test_utf8_with_any_script_is_not_taken_for_utf16(tmp_path):
    text = "title: 学校の健康 بيت בית Жизнь\n"
    data, _, errors = load_yaml_file(write(tmp_path, text))
    assert errors == [] and data["title"].startswith("学")


def test_bom_is_accepted(tmp_path):
    data, _, errors = load_yaml_file(write(tmp_path, "\ufefftitle: A\n"))
    assert errors == [] and data == {"title": "A"}


def test_empty_file_is_an_error(tmp_path):
    _, _, errors = load_yaml_file(write(tmp_path, "  \n"))
    assert errors[0].message == "file is empty"


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 8)]
    data, _, errors = load_yaml_file(write(tmp_path, "\n".join(lines) + "\n"))
    assert data is None
    assert "too many values" in errors[0].message
    assert f"{MAX_NODES:,}" in errors[0].expected


def _shape(node) -> tuple:
    """A node tree as comparable values: tag, value and position of every node."""
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.MappingNode):
        return node.tag, where, tuple((_shape(k), _shape(v)) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return node.tag, where, tuple(_shape(child) for child in node.value)
    return node.tag, where, node.value


@pytest.mark.parametrize("path", sorted([*(REPO / "content").rglob("*.yml"), *(FIXTURES).rglob("*.yml"),
                                         REPO / "site_config.yml"]), ids=lambda p: str(p.relative_to(REPO)))
def test_libyaml_and_the_python_parser_give_the_same_nodes_and_positions(path):
    """libyaml reads content in a fraction of the time; every value and position it gives must be
    the one the Python parser (whose messages are explained to authors) gives."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        slow = compose(text, fast=False)
    except yaml.YAMLError:
        pytest.skip("a fixture that is not YAML on purpose")
    assert _shape(compose(text)) == _shape(slow)
