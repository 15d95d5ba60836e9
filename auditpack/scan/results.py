"""What a scan leaves in its folder, and how a person's review decisions are applied to it.

The folder holds ``answers/`` (one file per respondent or group, in the online form's export format,
which ``auditpack collate`` counts), ``pictures/`` (every doubted question and every writing area
with writing in it), ``review.html`` (the doubts, to settle in a browser, offline) and
:data:`STATE` (what was read, so that ``--apply-review`` needs neither the scans nor the layouts).
A response with an open doubt has no answers file until its doubts are settled, so collate never
counts a half-read form.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..answer_formats import FORMAT, FORMAT_VERSION, SCAN_ANSWERS, SCAN_STATE
from ..i18n import tell
from ..kinds import KINDS
from .assemble import Assembled

STATE_FORMAT = "auditpack-scan-state"
DECISIONS_FORMAT = "auditpack-scan-decisions"
NO_ANSWER = ""
"""The choice that settles a doubt with no answer to that question."""
LEAVE_OUT = "leave out"


def state_of(assembled: Assembled) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Everything the scan read, as the JSON of :data:`STATE`, and the pictures it refers to."""
    responses = []
    all_pictures: dict[str, bytes] = {}
    names: dict[str, int] = {}
    for response in assembled.responses:
        layout = response.layout
        form = layout.identity
        kind = KINDS.get(form.kind)
        stem = _safe("-".join(p for p in (form.questionnaire, form.audience, form.kind) if p))
        names[stem] = names.get(stem, 0) + 1
        name = f"{stem}-{names[stem]:03d}"
        pictures: dict[str, bytes] = {}
        writing = {}
        for read in (response.pages[n] for n in sorted(response.pages)):
            for area, png in read.writing.items():
                if png:
                    writing[area] = f"pictures/{name}-{_safe(area)}.png"
                    pictures[writing[area]] = png
        doubts = []
        for doubt in response.doubts():
            picture = None
            if doubt.field is not None:
                read = next(r for r in response.pages.values() if doubt.field in r.doubt_pictures)
                picture = f"pictures/{name}-{_safe(doubt.field)}.png"
                pictures[picture] = read.doubt_pictures[doubt.field]
            doubts.append({"id": doubt.id, "reason": doubt.reason, "where": doubt.where,
                           "candidates": list(doubt.candidates), "field": doubt.field, "picture": picture})
        responses.append({
            "id": response.id, "name": name, "form": layout.form, "title": layout.title,
            "identity": {"programme": form.programme, "questionnaire": form.questionnaire,
                         "version": form.version, "audience": form.audience},
            "rater": "group" if kind is not None and kind.group else "individual",
            "pages": [{"page": n, "file": response.pages[n].ref.shown, "file_page": response.pages[n].ref.index + 1}
                      for n in sorted(response.pages)],
            "answers": {d.field: d.answer for _, d in response.decisions() if d.answer is not None},
            "writing": writing, "doubts": doubts, "pictures": sorted(pictures)})
        all_pictures |= pictures
    return {"format": STATE_FORMAT, "format_version": 1, "responses": responses,
            "refused": [list(r) for r in assembled.refused], "blank": assembled.blank}, all_pictures


def files_of(state: dict[str, Any], pictures: dict[str, bytes] | None, review_html: str) -> dict[str, bytes | str]:
    """The files of the scan folder: answers of settled responses, review page, state, and the
    pictures when given (a review being applied leaves those in place)."""
    files: dict[str, bytes | str] = {}
    for response in state["responses"]:
        if not response["doubts"] and not response.get("left_out"):
            files[f"{SCAN_ANSWERS}/{response['name']}.json"] = answers_json(response)
    files |= pictures or {}
    files["review.html"] = review_html
    files[SCAN_STATE] = json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return files


def answers_json(response: dict[str, Any]) -> str:
    """A settled response as the online form exports one: collate reads both alike."""
    answers: dict[str, dict[str, str]] = {}
    record: dict[str, dict[str, str]] = {}
    for question, value in sorted(response["answers"].items()):
        kind, item, column = question.split(":", 2)  # item:ITEM:QUESTION, or record:ITEM:COLUMN
        (answers if kind == "item" else record).setdefault(item, {})[column] = value
    comments: dict[str, str] = {}
    for area, picture in sorted(response["writing"].items()):
        kind, _, rest = area.partition(":")
        note = f"(handwritten: see {picture})"
        if kind == "comments":
            comments[rest] = note
        elif kind == "record":
            item, _, column = rest.partition(":")
            record.setdefault(item, {})[column] = note
    identity = {key: value for key, value in response["identity"].items() if value is not None}
    document: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION, **identity,
                                "response_id": response["id"], "revision": response.get("revision", 0),
                                "answers": answers, "comments": comments}
    if record:
        document["record"] = record
    if response["rater"] == "group":
        document["rater"] = "group"
    document["scan"] = {"form": response["form"], "pages": response["pages"], "writing": response["writing"]}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


class BadDecisions(ValueError):
    """A decisions file that cannot be applied; the message says why."""


def apply_decisions(state: dict[str, Any], decisions: dict[str, Any]) -> tuple[int, list[str]]:
    """Settle the doubts a person decided (in place); returns how many were settled and the decisions
    that match no open doubt (from another scan, or already applied)."""
    if not isinstance(decisions, dict) or decisions.get("format") != DECISIONS_FORMAT:
        raise BadDecisions(tell("it is not a decisions file saved from review.html (no \"format\": \"%(format)s\")")
                           % {"format": DECISIONS_FORMAT})
    chosen = decisions.get("decisions")
    if not isinstance(chosen, dict) or not all(isinstance(v, str) for v in chosen.values()):
        raise BadDecisions(tell("its \"decisions\" is not a list of doubts and the choices made"))
    settled = 0
    open_ids = set()
    for response in state["responses"]:
        kept = []
        for doubt in response["doubts"]:
            open_ids.add(doubt["id"])
            choice = chosen.get(doubt["id"])
            if choice is None:
                kept.append(doubt)
                continue
            allowed = (*doubt["candidates"], NO_ANSWER) if doubt["field"] is not None else doubt["candidates"]
            if choice not in allowed:
                raise BadDecisions(tell("the choice for %(doubt)s is '%(choice)s', which is not one of %(allowed)s") % {
                    "doubt": doubt["id"][:80], "choice": choice[:40], "allowed": ", ".join(repr(c) for c in allowed)})
            settled += 1
            if doubt["field"] is None:
                if choice == LEAVE_OUT:
                    response["left_out"] = True
            elif choice != NO_ANSWER:
                response["answers"][doubt["field"]] = choice
            response.setdefault("decided", {})[doubt["id"]] = choice
        if len(kept) != len(response["doubts"]):
            response["revision"] = response.get("revision", 0) + 1
        response["doubts"] = kept
    return settled, sorted(set(chosen) - open_ids)


def _safe(text: str) -> str:
    """A file name part from ids (letters, digits and hyphens only, never a path)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "form"
