"""The layouts of the forms a project printed, by form id: where each box and writing area is.

The build writes ``NAME.layout.json`` beside each scannable PDF (:mod:`auditpack.render.scan_layout`).
A scan may come back months later from an earlier print, so besides the project's own output folder
the reader takes any folders of earlier builds (``--layouts``); a form id names one print exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..files import NotRegularFile, TooLarge, read_regular
from ..i18n import tell
from ..kinds import KINDS
from ..render.scan_layout import EXTENSION, FORMAT, FormIdentity
from ..scan_code import words

MAX_LAYOUT_BYTES = 4 * 1024 * 1024
"""A 15-page form's layout is about 60 KB; anything near this is not one."""


@dataclass(frozen=True)
class Box:
    field: str
    """``item:ITEM:QUESTION``: the question the box answers."""
    value: str
    """The answer a mark in this box gives."""
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Area:
    """A writing area (comments, evidence, actions): kept as a picture, never read."""

    field: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class PageLayout:
    number: int
    width: float
    height: float
    boxes: tuple[Box, ...]
    writing: tuple[Area, ...]

    def questions(self) -> dict[str, tuple[Box, ...]]:
        """The boxes of each question on the page, in the order they are printed."""
        found: dict[str, list[Box]] = {}
        for box in self.boxes:
            found.setdefault(box.field, []).append(box)
        return {field: tuple(sorted(boxes, key=lambda b: (b.y, b.x))) for field, boxes in found.items()}


@dataclass(frozen=True)
class Layout:
    identity: FormIdentity
    pages: tuple[PageLayout, ...]
    path: str
    """Where it was read from, for messages."""

    @property
    def form(self) -> str:
        return self.identity.form

    @property
    def title(self) -> str:
        """The form as a message names it, e.g. 'response form for staff (large print, A4) of wellbeing 1.0'."""
        form = self.identity
        kind = KINDS[form.kind].title.lower() if form.kind in KINDS else form.kind
        whose = f" for {form.audience}" if form.audience else ""
        variant = "" if form.variant == "standard" else f"{form.variant.replace('-', ' ')}, "
        return f"{kind}{whose} ({variant}{form.paper}) of {form.programme} {form.version}, form {words(form.form)}"


class LayoutError(Exception):
    """A layout file that cannot be used; the message says why."""


def find_layouts(folders: list[Path]) -> tuple[dict[str, Layout], list[tuple[str, str]]]:
    """Every layout in the folders (searched whole), by form id; and (file, reason) for each refused."""
    found: dict[str, Layout] = {}
    refused: list[tuple[str, str]] = []
    for folder in folders:
        for path in sorted(folder.rglob(f"*{EXTENSION}")) if folder.is_dir() else [folder]:
            try:
                layout = read_layout(path)
            except LayoutError as exc:
                refused.append((str(path), str(exc)))
                continue
            found.setdefault(layout.form, layout)  # the same print found twice (site and a school's copy)
    return found, refused


def read_layout(path: Path) -> Layout:
    try:
        record = json.loads(read_regular(path, MAX_LAYOUT_BYTES).decode("utf-8"))
    except (NotRegularFile, TooLarge, OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise LayoutError(tell("it is not a readable layout file (%(error)s)") % {
            "error": type(exc).__name__}) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise LayoutError(tell("it is not a layout written by auditpack (no \"format\": \"%(format)s\")") % {
            "format": FORMAT})
    try:
        pages = tuple(PageLayout(int(p["page"]), float(p["width"]), float(p["height"]),
                                 tuple(Box(str(b["field"]), str(b["value"]), *_rect(b)) for b in p["boxes"]),
                                 tuple(Area(str(w["field"]), *_rect(w)) for w in p["writing"]))
                      for p in record["pages"])
        text = {key: record.get(key) for key in ("programme", "version", "kind", "variant", "paper")}
        if not all(isinstance(value, str) for value in text.values()) or not isinstance(record.get("form"), str):
            raise TypeError
        identity = FormIdentity(record["form"], **text, questionnaire=_optional(record.get("questionnaire")),  # type: ignore[arg-type]
                                audience=_optional(record.get("audience")))
        return Layout(identity, pages, str(path))
    except (KeyError, TypeError, ValueError):
        raise LayoutError(tell("its pages, boxes or names are not as auditpack writes them")) from None


def _rect(entry: dict) -> tuple[float, float, float, float]:
    return float(entry["x"]), float(entry["y"]), float(entry["width"]), float(entry["height"])


def _optional(value: object) -> str | None:
    return value if isinstance(value, str) else None
