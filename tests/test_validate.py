"""Every kind of content mistake is reported with file, line and column, all in one run."""

from pathlib import Path

import pytest

from auditpack.errors import ContentErrors
from auditpack.load import MAX_FILE_BYTES
from auditpack.validate import MAX_PROGRAMME_BYTES, load_programme, load_programmes

from .file_opens import counted_opens

BAD = Path(__file__).parent / "fixtures" / "bad"


def problems(case: str) -> dict[str, object]:
    content, errors = load_programme(BAD / case / "p")
    assert content is None
    return {e.message: e for e in errors}


def test_all_mistakes_reported_in_one_run():
    found = problems("typo-all")
    expected_lines = {
        "'published': input should be a valid date or datetime, invalid character in year": 8,
        "duplicate role id 'lead'": 15,
        "'owners': unknown role 'leed'": 27,
        "'pathway': unknown pathway 'nowhere'": 31,
        "'questionnaire': unknown questionnaire 'missing-q'": 34,
        "'kind': unknown value 'briefng'": 35,
        "stage number 3 is out of order": 36,
        "'id': 'Two_Bad' is not a valid id": 37,
        "'owners': input should be a valid list": 44,
        "duplicate item id 'i1'": 60,
    }
    assert {message: found[message].location.line for message in expected_lines} == expected_lines
    assert all(e.location.file.endswith("typo-all/p/programme.yml") for e in found.values())
    assert all(e.location.column > 0 for e in found.values())


def test_unknown_key_suggests_the_right_one():
    error = problems("unknown-key")["unknown key 'ownr'"]
    assert (error.location.line, error.location.column) == (23, 9)
    assert "owners" in error.expected
    assert error.hint == "did you mean 'owners'?"


def test_misspelt_key_is_not_also_reported_missing():
    assert "missing key 'owners' in tasks entry" not in problems("unknown-key")


def test_missing_key_points_at_its_block(mini_project):
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("    purpose: Hear from everyone.\n", ""))
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    [error] = caught.value.errors
    assert error.message == "missing key 'purpose' in stages entry"
    assert error.location.line == 25
    assert caught.value.format().splitlines()[1].strip() == "- number: 2"  # the line shown under the message


def test_unknown_reference_lists_the_valid_ids():
    error = problems("typo-all")["'questionnaire': unknown questionnaire 'missing-q'"]
    assert error.expected == "one of: q"


def test_literal_typo_gets_a_suggestion():
    assert problems("typo-all")["'kind': unknown value 'briefng'"].hint == "did you mean 'briefing'?"


def test_duplicate_id_names_the_first_use():
    error = problems("typo-all")["duplicate item id 'i1'"]
    assert "programme.yml:59:" in error.hint


def test_missing_programme_file():
    error = problems("missing-programme")["programme.yml is missing"]
    assert error.location.file.endswith("programme.yml")


def test_section_must_belong_to_the_questionnaire(mini_project):
    stages = mini_project / "content" / "mini" / "stages.yml"
    stages.write_text(stages.read_text().replace("sections: [people]", "sections: [peple]"))
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    [error] = caught.value.errors
    assert "unknown section 'peple' of questionnaire 'wellbeing'" in error.message
    assert error.location.line == 41
    assert caught.value.format().splitlines()[1].strip() == "- kind: group-recording"


def test_error_format_is_file_line_column(mini_project):
    roles = mini_project / "content" / "mini" / "programme.yml"
    roles.write_text(roles.read_text().replace("title: Mini wellbeing audit", "titel: Mini wellbeing audit"))
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    text = caught.value.format()
    assert f"{roles}:4:3: unknown key 'titel'" in text
    assert "missing key 'title'" not in text  # one mistake, one message
    assert "did you mean 'title'?" in text
    assert "    titel: Mini wellbeing audit\n      ^" in text
    assert "Traceback" not in text


def test_files_are_merged_and_positions_kept(mini_project):
    """Lists from several files join up, and errors still point into the right file."""
    extra = mini_project / "content" / "mini" / "more-roles.yml"
    extra.write_text("roles:\n  - id: governor\n    name: Governor\n    description: x\n  - id: staff\n"
                     "    name: Dup\n    description: y\n")
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    [error] = caught.value.errors
    assert error.message == "duplicate role id 'staff'"
    assert (error.location.file, error.location.line) == (str(extra), 5)


def test_yaml_11_words_stay_text(mini_project):
    [content] = load_programmes(mini_project / "content")
    items = {i.id: i.text for q in content.questionnaires for i in q.items}
    assert items["no-item"] == "No"
    assert content.programme.version == "2.1"


def test_a_thousand_problems_in_one_file_read_it_once_to_show_them(mini_project):
    """Reporting stays linear: the file is read to load it and once more for the lines shown under
    the messages, not again for every problem (which made 4,000 problems take minutes)."""
    stages = mini_project / "content" / "mini" / "stages.yml"
    tasks = "".join(f"      - id: extra-{i}\n        text: Task {i}.\n        owners: [nobody-{i}]\n"
                    for i in range(1000))
    stages.write_text(stages.read_text().replace("    tasks:\n", "    tasks:\n" + tasks, 1))
    with counted_opens(stages) as opens, pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    with counted_opens(stages) as opens_to_show:
        shown = caught.value.format()
    assert len(caught.value.errors) == 1000
    assert (len(opens), len(opens_to_show)) == (1, 1)
    assert shown.splitlines()[1].strip() == "owners: [nobody-0]"
    assert "... and 800 more" in shown


def test_a_file_over_the_limit_is_named_with_its_size_not_its_folder(mini_project):
    big = mini_project / "content" / "mini" / "generated.yml"
    with big.open("wb") as file:
        file.truncate(20_000_000)  # 20 MB, more than the whole programme may hold
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    [error] = caught.value.errors
    assert (error.location.file, error.message) == (str(big), "file is too large (20,000,000 bytes)")
    assert error.expected == f"at most {MAX_FILE_BYTES:,} bytes"


def test_too_much_yaml_in_a_folder_names_the_largest_files(mini_project):
    folder = mini_project / "content" / "mini"
    for i in range(MAX_PROGRAMME_BYTES // MAX_FILE_BYTES + 1):
        (folder / f"copy-{i}.yml").write_bytes(b"# " + b"x" * (MAX_FILE_BYTES - 10 - i) + b"\n")
    with pytest.raises(ContentErrors) as caught:
        load_programmes(mini_project / "content")
    [error] = caught.value.errors
    assert error.location.file == str(folder) and error.message.startswith("the programme folder holds")
    assert f"the largest files are copy-0.yml ({MAX_FILE_BYTES - 7:,} bytes), copy-1.yml" in error.hint
