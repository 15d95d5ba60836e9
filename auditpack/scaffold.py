"""``auditpack new``: a commented programme that builds first time, to edit from."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2

from . import codes
from .errors import ContentError, ContentErrors, Location
from .i18n import tell
from .render import sandbox
from .schema import SCHEMA_DIR, schema_comment, schema_files
from .template_folders import TemplateFolders
from .validate import reserved_id

FILES = {"programme.yml": "programme.yml.j2", "stages.yml": "stages.yml.j2",
         "questionnaires/staff.yml": "questionnaire.yml.j2"}


def new_programme(content_dir: Path, project_root: Path, templates: TemplateFolders, programme_id: str,
                  title: str | None = None, today: dt.date | None = None) -> list[Path]:
    """Write a new programme folder; refuses a bad id or a folder that already exists."""
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", programme_id) or len(programme_id) > 60:
        raise ContentErrors([ContentError(
            codes.INVALID_ID, Location("PROGRAMME_ID"), tell("'%(id)s' is not a valid id") % {"id": programme_id},
            expected=tell("lower-case letters, digits and single hyphens, e.g. 'staff-wellbeing'"))])
    reserved = reserved_id(programme_id, Location("PROGRAMME_ID"))
    if reserved:
        raise ContentErrors([reserved])
    folder = content_dir / programme_id
    if folder.exists():
        raise ContentErrors([ContentError(
            codes.FOLDER_EXISTS, Location(str(folder)), tell("this programme folder already exists"),
            expected=tell("a new id"), hint=tell("choose another id, or edit the existing files"))])
    env = sandbox.environment(*templates.folders("new"), keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    title = title or programme_id.replace("-", " ").capitalize()
    texts = {folder / name: env.get_template(template).render(  # all made before any is written
        id=programme_id, title=_yaml_text(title), short_title=_yaml_text(title[:40]),
        questionnaire_id="staff", today=(today or dt.date.today()).isoformat(),
        schema_line=schema_comment(folder / name, project_root)) for name, template in FILES.items()}
    written = []
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    schemas = project_root / SCHEMA_DIR
    for name, text in schema_files().items():
        if not (schemas / name).exists():  # the files above point at it
            schemas.mkdir(exist_ok=True)
            (schemas / name).write_text(text, encoding="utf-8")
            written.append(schemas / name)
    return written


def _yaml_text(text: str) -> str:
    """A title as a YAML scalar that stays text, whatever characters it holds."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
