"""Answers exported from the site's online form (``templates/site/assets/online-form.js``).

The file is JSON, one response per file, and holds no names::

    {"format": "auditpack-response", "format_version": 1,
     "programme": "mini", "questionnaire": "wellbeing", "version": "2.1",
     "response_id": "r-4f0c9a1e2b7d", "revision": 7,
     "answers": {"kind-staff": {"doing": "3", "support": "dk"}},
     "comments": {"people": "free text"},
     "record": {"kind-staff": {"evidence": "free text", "priority": "High"}},
     "rater": "group"}

``record`` (what was written or chosen in each record column beside a statement) and ``rater``
("group" when a group agreed the answers) are left out when empty, so older exports read the same.

``response_id`` is random, made by the browser when a response is started, so exporting the same
response twice (after changing an answer, say) is recognised and counted once; ``revision`` counts
the changes, so the latest export wins. Comment text is never copied into a report.
"""

from __future__ import annotations

import json

from ..answer_formats import FORMAT, FORMAT_VERSION
from ..i18n import Phrase, nphrase, phrase
from .answers import FormIdentity, Rater, RawResponse, Unusable, printable

MAX_DIGITS = 20
"""Digits a whole number in an export may have: revisions and scores are far shorter."""


def read_online_export(data: bytes) -> RawResponse:
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_int=_whole_number, parse_constant=_not_a_number)
    except UnicodeDecodeError:
        raise Unusable(phrase("it is not a text file in UTF-8, so not an export from the online form")) from None
    except RecursionError:
        raise Unusable(phrase("it is not an export from the online form (its JSON is nested too deeply)")) from None
    except json.JSONDecodeError as exc:
        raise Unusable(phrase("it is not valid JSON (line %(line)d, column %(column)d: %(error)s)") % {
            "line": exc.lineno, "column": exc.colno, "error": exc.msg}) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unusable(phrase("it is JSON, but not an export from the online form (no \"format\": \"%(format)s\")") % {
            "format": FORMAT})
    version = document.get("format_version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise Unusable(phrase("it was exported in format version %(version)s, which this auditpack does not read (it "
                              "reads version %(readable)s)") % {"version": _json(version), "readable": FORMAT_VERSION})
    identity = FormIdentity.printable(*(_string(document.get(key))
                                        for key in ("programme", "questionnaire", "version", "audience")))
    if identity.questionnaire is None:
        raise Unusable(phrase("it does not say which questionnaire it answers (no \"questionnaire\")"))
    return RawResponse(identity, _answers(document.get("answers")), _comments(document.get("comments")),
                       _string(document.get("response_id")), _revision(document.get("revision")),
                       _record(document.get("record")), _rater(document.get("rater")))


def _whole_number(text: str) -> int:
    """Python refuses to convert integers of more than 4,300 digits; no export needs more than a few."""
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise Unusable(nphrase("it holds a number %(count)s digits long, which no export from the online form has",
                               "it holds a number %(count)s digits long, which no export from the online form has",
                             digits) % {"count": f"{digits:,}"})
    return int(text)


def _not_a_number(name: str):
    raise Unusable(phrase("it is not valid JSON (%(name)s is not a JSON value)") % {"name": name})


def _answers(value) -> dict[tuple[str, str], str]:
    if not isinstance(value, dict):
        raise Unusable(phrase("its \"answers\" is not a list of statements and answers"))
    answers = {}
    for item_id, by_dimension in value.items():
        if not isinstance(by_dimension, dict):
            raise Unusable(phrase("its answers to '%(statement)s' are not given per question") % {
                "statement": printable(item_id)})
        for dimension_id, answer in by_dimension.items():
            if answer is None or answer == "":
                continue  # left unanswered
            if isinstance(answer, bool) or not isinstance(answer, (str, int)):
                raise Unusable(phrase("its answer to '%(statement)s', question '%(question)s' is %(value)s, not a "
                                      "score or 'dk'") % {"statement": printable(item_id),
                                                          "question": printable(dimension_id), "value": _json(answer)})
            answers[(str(item_id), str(dimension_id))] = str(answer).strip()
    return answers


def _record(value) -> dict[tuple[str, str], str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unusable(phrase("its \"record\" is not a list of statements and what was written beside them"))
    record = {}
    for item_id, by_column in value.items():
        if not isinstance(by_column, dict):
            raise Unusable(phrase("what it records beside '%(statement)s' is not given per column") % {
                "statement": printable(item_id)})
        for column_id, text in by_column.items():
            if not isinstance(text, str):
                raise Unusable(phrase("what it records beside '%(statement)s' in column '%(column)s' is %(value)s, not "
                                      "text") % {"statement": printable(item_id), "column": printable(column_id),
                                               "value": _json(text)})
            if text.strip():
                record[(str(item_id), str(column_id))] = text
    return record


def _rater(value) -> Rater:
    return "group" if value == "group" else "individual"


def _comments(value) -> int:
    if not isinstance(value, dict):
        return 0
    return sum(1 for text in value.values() if isinstance(text, str) and text.strip())


def _string(value) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def _json(value) -> Phrase | str:
    try:
        return printable(json.dumps(value, ensure_ascii=False))
    except RecursionError:
        return phrase("a value nested too deeply to show")


def _revision(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
