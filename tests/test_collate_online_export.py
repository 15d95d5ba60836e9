"""Files saved by the online form: the format, and every way such a file can be unusable."""

from __future__ import annotations

import json

import pytest

from auditpack.collate.answers import Unusable
from auditpack.collate.online_export import read_online_export

from .test_collate_filling import RESPONSES


def test_reads_an_export():
    response = read_online_export((RESPONSES / "online" / "response-a.json").read_bytes())
    assert response.identity.questionnaire == "wellbeing" and response.identity.version == "2.1"
    assert response.answers == {("kind-staff", "doing"): "4", ("kind-staff", "support"): "2",
                                ("no-item", "doing"): "dk", ("calm-rooms", "doing"): "3",
                                ("calm-rooms", "support"): "3"}
    assert (response.response_id, response.revision, response.comments) == ("r-00000000000000a1", 4, 1)
    assert "Jo" not in repr(response), "comment text must never be kept"


def test_numbers_and_byte_order_mark_are_accepted():
    document = {"format": "auditpack-response", "format_version": 1, "questionnaire": "wellbeing",
                "answers": {"kind-staff": {"doing": 3, "support": ""}}}
    response = read_online_export(b"\xef\xbb\xbf" + json.dumps(document).encode())
    assert response.answers == {("kind-staff", "doing"): "3"}


@pytest.mark.parametrize("name, reason", [
    ("online-truncated.json", "it is not valid JSON (line 1, column"),
    ("foreign.json", "it is JSON, but not an export from the online form"),
    ("online-future-format.json", "format version 9, which this auditpack does not read"),
])
def test_unusable_files(name, reason):
    with pytest.raises(Unusable) as caught:
        read_online_export((RESPONSES / "bad" / name).read_bytes())
    assert reason in str(caught.value)


@pytest.mark.parametrize("data, reason", [
    (b"\xff\xfe\x00", "not a text file in UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"format": "auditpack-response", "format_version": 1, "answers": {}}', "does not say which questionnaire"),
    (b'{"format": "auditpack-response", "format_version": 1, "questionnaire": "w", "answers": []}',
     "is not a list of statements"),
    (b'{"format": "auditpack-response", "format_version": 1, "questionnaire": "w", "answers": {"a": 3}}',
     "are not given per question"),
    ((b'{"format": "auditpack-response", "format_version": 1, "questionnaire": "w", '
      b'"answers": {"a": {"doing": [3]}}}'), "is [3], not a score"),
])
def test_malformed_documents(data, reason):
    with pytest.raises(Unusable) as caught:
        read_online_export(data)
    assert reason in str(caught.value)


EXPORT = b'{"format": "auditpack-response", "format_version": 1, "questionnaire": "wellbeing", %s}'


@pytest.mark.parametrize("data, reason", [
    (EXPORT % (b'"revision": ' + b"9" * 5000), "it holds a number 5,000 digits long"),  # int() refuses 4,301
    (EXPORT % (b'"answers": {"a": {"b": -' + b"1" * 4400 + b'}}'), "it holds a number 4,400 digits long"),
    (b'{"format_version": ' + b"1" * 100_000 + b"}", "it holds a number 100,000 digits long"),
    (EXPORT % b'"revision": NaN', "it is not valid JSON (NaN is not a JSON value)"),
    (EXPORT % b'"answers": {"a": {"b": -Infinity}}', "it is not valid JSON (-Infinity is not a JSON value)"),
    (b'{"format": "auditpack-response", "format_version": true}', "format version true, which this"),
    (b'{"format": "auditpack-response", "format_version": "' + b"9" * 10_000 + b'"}',
     'format version "' + "9" * 38 + "…, which"),
    (EXPORT % b'"answers": {"\\u001b[2J\\u202e": 3}', r"its answers to '\x1b[2J\u202e' are not given per question"),
])
def test_hostile_numbers_and_text(data, reason):
    """Numbers Python cannot convert, values JSON does not have, and text that would act when shown."""
    with pytest.raises(Unusable) as caught:
        read_online_export(data)
    assert reason in str(caught.value)


def test_identity_is_printable_and_cut_to_what_an_id_can_be():
    data = EXPORT.replace(b'"wellbeing"', b'"well\\ud800being"') % (b'"version": "' + b"v" * 100 + b'", "answers": {}')
    identity = read_online_export(data).identity
    assert identity.questionnaire == r"well\ud800being" and identity.version == "v" * 60 + "…"


