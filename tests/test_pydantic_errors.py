"""One translator of pydantic's errors for content, settings and school requests: each problem gets
its code from what went wrong, whichever file it is in, and keeps that file's wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditpack import codes
from auditpack.config import load_settings
from auditpack.errors import ContentErrors
from auditpack.schools import request_from_file
from auditpack.validate import load_programme


def settings_problems(tmp_path: Path, text: str):
    config = tmp_path / "site_config.yml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_settings(config, tmp_path)
    return [(e.code, e.location.line, e.message) for e in caught.value.errors]


def test_settings_problems_have_codes_and_their_own_wording(tmp_path):
    assert settings_problems(tmp_path, "workers: many\npaper: A5\ngutter_mm: 99\nbrand:\n  primary: '#ffff00'\n") == [
        (codes.WRONG_TYPE, 1,
         "setting 'workers': input should be a valid integer, unable to parse string as an integer"),
        (codes.UNKNOWN_VALUE, 2, "setting 'paper': input should be 'A4' or 'Letter'"),
        (codes.OUT_OF_RANGE, 3, "setting 'gutter_mm': input should be less than or equal to 25"),
        (codes.LOW_CONTRAST, 5, ("setting 'brand.primary': #ffff00 on white has a contrast of 1.07:1; text needs at "
                                 "least 4.5:1 (choose a darker shade)")),
    ]
    assert settings_problems(tmp_path, "output_dir: content\n") == [
        (codes.OUTPUT_FOLDER, 1, "setting 'output_dir': 'content' is also the content_dir")]


def test_school_request_problems_have_codes(tmp_path):
    school = tmp_path / "school.yml"
    school.write_text("name: ''\nfoo: 1\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        request_from_file(school)
    found = [(e.code, e.location.line, e.message, e.expected) for e in caught.value.errors]
    expected = "name, and optionally programme, pathway and components"
    assert found == [
        (codes.EMPTY_VALUE, 1, "school request: 'name': string should have at least 1 character", expected),
        (codes.UNKNOWN_KEY, 2, "school request: 'foo': extra inputs are not permitted", expected)]


def test_content_problems_are_worded_for_authors(mini_project):
    stages = mini_project / "content" / "mini" / "stages.yml"
    text = stages.read_text(encoding="utf-8")
    stages.write_text(text.replace("    outcome: Completed forms.", "    outcom: Completed forms.")
                      .replace("number: 2", "number: two").replace("components: true", "components: maybe", 1),
                      encoding="utf-8")
    content, problems = load_programme(mini_project / "content" / "mini")
    assert content is None
    found = sorted((e.location.line, e.code, e.message) for e in problems)
    assert found == [
        (25, codes.WRONG_TYPE, "'number': 'two' is not a whole number"),
        (29, codes.UNKNOWN_KEY, "unknown key 'outcom'"),  # and not also "missing key 'outcome'"
        (47, codes.WRONG_TYPE, "'components': 'maybe' is not true or false"),
    ]
    number = next(e for e in problems if e.location.line == 25)
    assert (number.expected, number.hint) == ("a whole number", "write digits only, without units or words")


def test_an_unreadable_file_stops_its_programme_by_its_code(mini_project):
    """A file that cannot be read is the one problem reported: the keys it held are not listed as missing."""
    (mini_project / "content" / "mini" / "stages.yml").write_text("stages: [\n", encoding="utf-8")
    _, problems = load_programme(mini_project / "content" / "mini")
    assert [(e.code, e.code.unreadable) for e in problems] == [(codes.YAML_SYNTAX, True)]
