"""Editor help: the committed JSON Schemas match the model and accept every bundled file."""

import json
from pathlib import Path

import jsonschema
import yaml

from auditpack.schema import CONFIG_SCHEMA, CONTENT_SCHEMA, schema_files

REPO = Path(__file__).resolve().parent.parent


def test_committed_schemas_are_current():
    for name, text in schema_files().items():
        assert (REPO / "schema" / name).read_text() == text, f"run 'auditpack schema' to refresh schema/{name}"


def test_every_content_file_names_and_passes_its_schema():
    schema = json.loads((REPO / "schema" / CONTENT_SCHEMA).read_text())
    files = sorted((REPO / "content").rglob("*.yml"))
    assert len(files) >= 6
    for path in files:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve() == REPO / "schema" / CONTENT_SCHEMA
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # strings, as auditpack reads them
        jsonschema.Draft202012Validator(schema, format_checker=None).validate(_typed(data, schema, schema))


def test_schema_catches_a_misspelt_key():
    schema = json.loads((REPO / "schema" / CONTENT_SCHEMA).read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"roles": [{"id": "a", "nmae": "A"}]}))
    assert any("nmae" in e.message for e in errors)


def test_config_schema_accepts_the_bundled_settings():
    schema = json.loads((REPO / "schema" / CONFIG_SCHEMA).read_text())
    jsonschema.validate(yaml.safe_load((REPO / "site_config.yml").read_text()), schema)


def _typed(value, node, root):
    """Turn YAML strings into the numbers and booleans the schema expects, as an editor would see them."""
    if "$ref" in node:
        node = root["$defs"][node["$ref"].split("/")[-1]]
    options = node.get("anyOf") or [node]
    for choice in options:
        option = root["$defs"][choice["$ref"].split("/")[-1]] if "$ref" in choice else choice
        kind = option.get("type")
        if isinstance(value, dict) and kind == "object":
            props = option.get("properties", {})
            return {k: _typed(v, props.get(k, {}), root) for k, v in value.items()}
        if isinstance(value, list) and kind == "array":
            return [_typed(v, option.get("items", {}), root) for v in value]
        if isinstance(value, str) and kind in ("integer", "number"):
            return int(value) if kind == "integer" else float(value)
        if isinstance(value, str) and kind == "boolean":
            return value == "true"
    return value
