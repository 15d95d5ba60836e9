"""JSON Schemas of the content model and the settings, for editors.

Editors that speak the YAML language server (VS Code, Vim, Emacs, JetBrains) read the
``# yaml-language-server: $schema=...`` line at the top of a content file, then complete keys
and flag mistakes as the advisor types, before any build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .config import SiteConfig
from .model import Content

SCHEMA_DIR = "schema"
CONTENT_SCHEMA = "content.schema.json"
CONFIG_SCHEMA = "site_config.schema.json"


def content_schema() -> dict:
    """Any one content file: a programme's keys, none of them required, since files share them."""
    schema = Content.model_json_schema(by_alias=True)
    schema.pop("required", None)
    schema.update({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "auditpack programme content file",
        "description": "One YAML file of a programme folder under content/. The files of a folder are joined; "
                       "together they must hold 'programme', 'roles' and 'stages'.",
    })
    return schema


def config_schema() -> dict:
    schema = SiteConfig.model_json_schema(by_alias=True)
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "auditpack site_config.yml"})
    return schema


def schema_files() -> dict[str, str]:
    """{file name: JSON text}, with stable formatting so the committed copies diff cleanly."""
    return {name: json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            for name, schema in ((CONTENT_SCHEMA, content_schema()), (CONFIG_SCHEMA, config_schema()))}


def schema_comment(yaml_file: Path, project_root: Path, name: str = CONTENT_SCHEMA) -> str:
    """The first line a content file needs so editors find its schema."""
    target = project_root / SCHEMA_DIR / name
    relative = Path(os.path.relpath(target, yaml_file.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"
