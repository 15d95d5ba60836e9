"""Per-school packs: the school's name in the header fields, its pathway, only its components."""

import shutil
from pathlib import Path

import pytest

from auditpack import batch, pipeline
from auditpack.errors import ContentErrors
from auditpack.schools import request_from_file, request_from_flags, slugify, tailor

from .conftest import translated_mini
from .pdf_reading import all_text, open_pdf, page_texts
from .test_cli import run


def test_slug_is_safe_for_folders():
    assert slugify("St Anne's Primary") == "st-annes-primary"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Ysgol Ŵyl") == "ysgol-wyl"
    assert slugify("Con") == "con-school" and slugify("LPT1") == "lpt1-school"  # Windows device names


@pytest.mark.parametrize("name, slug", [
    ("Szkoła Podstawowa nr 5", "szkola-podstawowa-nr-5"),
    ("Школа № 57", "shkola-no-57"),
    ("Σχολείο Αθηνών", "skholeio-athenon"),
    ("مدرسة النور", "mdrs-lnwr"),
    ("北京第一小学", "bei-jing-di-yi-xiao-xue"),
    ("Ærø Skole", "aero-skole"),
])
def test_names_in_any_script_keep_their_letters_in_the_folder_name(name, slug):
    """'Szkoła' became 'szkoa', and names in Greek, Arabic or Chinese had no folder name at all."""
    assert slugify(name) == slug
    assert request_from_flags(name, None, None, None).slug == slug


def test_a_name_with_no_letters_or_digits_in_any_script_is_refused():
    with pytest.raises(ContentErrors) as refused:
        request_from_flags("\u2605 \u2605 \u2605", None, None, None)
    assert "the school name has no letters or digits" in refused.value.format()


@pytest.fixture(scope="module")
def school_pack(mini_build, tmp_path_factory):
    """One school's packs, made in a copy of the tiny build without its site: the cached PDFs are stamped,
    not rendered again."""
    root = tmp_path_factory.mktemp("school") / "mini"
    shutil.copytree(mini_build, root, ignore=lambda folder, names: ["site"] if Path(folder) == mini_build else [])
    project = pipeline.Project.open(root)
    request = request_from_flags("St Anne's Primary", None, "self-led", "voice")
    summary = batch.build_school(project, request)
    return summary.output_dir / "mini"


@pytest.mark.slow
def test_school_name_is_in_the_header_fields(school_pack):
    first = page_texts(school_pack / "stage-2-gather" / "group-recording.pdf")[0]
    assert "School: St Anne's Primary" in first
    assert "Group recording form" in first and "St Anne's Primary ·" not in first  # not in the running header
    assert "Prepared for St Anne's Primary" in page_texts(school_pack / "mini-complete-pack.pdf")[0]


@pytest.mark.slow
def test_only_the_pathways_tasks(school_pack):
    text = all_text(school_pack / "stage-1-prepare" / "briefing.pdf")
    assert "Sign the partnership agreement" not in text  # supported pathway only
    assert "Pathway Self-led" in text and "only" not in text
    assert "Run the audit activities." in all_text(school_pack / "stage-2-gather" / "briefing.pdf")


@pytest.mark.slow
def test_only_the_chosen_components(school_pack):
    names = {p.name for p in (school_pack / "stage-2-gather").glob("*.pdf")}
    assert "research-notes-voice.pdf" in names and "research-notes-ethos.pdf" not in names
    assert "Ethos and environment" not in all_text(school_pack / "stage-2-gather" / "audit-timetable.pdf")


@pytest.mark.slow
def test_the_site_is_not_touched(school_pack):
    assert not (school_pack.parent.parent.parent / "site").exists()
    assert open_pdf(school_pack / "mini-complete-pack.pdf")


def test_unknown_ids_list_the_valid_ones(mini_project):
    programmes = pipeline.check(pipeline.Project.open(mini_project))
    with pytest.raises(ContentErrors) as caught:
        tailor(programmes, request_from_flags("X", None, "self-lead", "voice,ethoss"))
    messages = {(str(e.location), e.message, e.expected, e.hint) for e in caught.value.errors}
    assert ("--pathway", "unknown pathway 'self-lead'", "one of: supported, self-led", "did you mean 'self-led'?") \
        in messages
    assert ("--components", "unknown component 'ethoss'", "one of: ethos, voice", "did you mean 'ethos'?") in messages


def test_school_file_errors_point_at_lines(mini_project):
    school = mini_project / "school.yml"
    school.write_text("name: St Anne's\npathway: supported\ncomponents: [ethos, nope]\n")
    programmes = pipeline.check(pipeline.Project.open(mini_project))
    with pytest.raises(ContentErrors) as caught:
        tailor(programmes, request_from_file(school))
    [error] = caught.value.errors
    assert (error.location.file, error.location.line, error.message) == (str(school), 3, "unknown component 'nope'")


@pytest.mark.slow
def test_cli_school_build_and_errors(mini_project):
    result = run("--school", "Ysgol Ŵyl", "--pathway", "supported", "-q", "--project", str(mini_project))
    assert result.returncode == 0, result.stderr
    assert (mini_project / "schools" / "ysgol-wyl" / "mini" / "mini-complete-pack.pdf").is_file()
    bad = run("--school", "X", "--components", "nope", "--project", str(mini_project))
    assert bad.returncode == 1 and "--components: unknown component 'nope'" in bad.stderr
    usage = run("--pathway", "supported", "--project", str(mini_project))
    assert usage.returncode == 2 and "need --school" in usage.stderr


def test_a_language_the_programme_is_not_published_in_is_refused_at_its_flag(tmp_path):
    project = translated_mini(tmp_path / "mini", "cy", lambda number, address, source: f"Cymraeg {number}")
    checked = pipeline.checked(pipeline.Project.open(project))
    assert tailor(checked.programmes, request_from_flags("X", None, None, None, "cy"),
                  checked.translated).programme.language == "cy"
    with pytest.raises(ContentErrors) as caught:
        tailor(checked.programmes, request_from_flags("X", None, None, None, "fr"), checked.translated)
    [error] = caught.value.errors
    assert (error.code.number, str(error.location), error.message) == ("AP311", "--language",
                                                                         "'mini' is not published in 'fr'")
    assert error.choices == ("en-GB", "cy")


@pytest.mark.slow
def test_a_school_s_packs_in_welsh_and_a_schools_file_with_a_language_column(tmp_path):
    """`build --school NAME --language cy` makes the school's packs from the Welsh edition; a schools
    CSV file may ask for a language per school."""
    project = translated_mini(tmp_path / "mini", "cy", lambda number, address, source: f"Cymraeg {number}")
    result = run("--school", "Ysgol Gymraeg", "--language", "cy", "-q", "--project", str(project))
    assert result.returncode == 0, result.stderr
    welsh = all_text(project / "schools" / "ysgol-gymraeg" / "mini" / "stage-2-gather" / "response-form.pdf")
    assert "Cymraeg" in welsh and "Peidiwch ag ysgrifennu eich enw" in welsh and "Ysgol Gymraeg" in welsh
    (project / "schools.csv").write_text("name,language\nYsgol Un,cy\nHillside Primary,\n", encoding="utf-8")
    packs = run("packs", "--schools", str(project / "schools.csv"), "-q", "--project", str(project),
                "--out", str(project / "many"))
    assert packs.returncode == 0, packs.stderr
    form = "mini/stage-2-gather/response-form.pdf"
    assert "Peidiwch ag ysgrifennu" in all_text(project / "many" / "ysgol-un" / form)
    assert "Do not write your name" in all_text(project / "many" / "hillside-primary" / form)
