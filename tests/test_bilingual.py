"""Bilingual forms: every statement, question, scale label and instruction in two languages, the one
the programme names first printed first, neither smaller nor lighter, and the paper rules kept.

The two-language text itself (auditpack.bilingual) is checked on strings; the forms by opening the
PDFs with pdfplumber (text, places, sizes, fonts) and poppler's pdftotext, which the project does not
use to write them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pdfua import validate as pdfua_validate

from auditpack import bilingual, documents, i18n, pipeline
from auditpack.errors import ContentErrors
from auditpack.render import print_html

from .conftest import require, translated_mini
from .html_text import shown_text

KIND_CY = "Mae'r staff yn garedig wrth ei gilydd."
WELSH = {
    "questionnaires/wellbeing/sections/people/items/kind-staff/text": KIND_CY,
    "questionnaires/wellbeing/dimensions/doing/question": "Pa mor dda ydyn ni'n gwneud?",
}
KIND_EN = "Staff are kind to one another."
PRIVATE = re.compile("[\ue000-\ue002]")


def welsh(number: int, address: str, source: str) -> str:
    return WELSH.get(address, f"Testun Cymraeg {number}")


# --- Two-language text -------------------------------------------------------------------------

def test_a_pair_is_read_in_each_language_even_inside_another():
    sentence = bilingual.both("Sylwadau ar %(s)s", "Comments on %(s)s") % {"s": bilingual.both("Adran", "Section")}
    assert bilingual.halves(sentence) == ("Sylwadau ar Adran", "Comments on Section")
    assert bilingual.plain(sentence) == "Sylwadau ar Adran / Comments on Section"
    assert bilingual.both("iMHARS", "iMHARS") == "iMHARS"  # the same in both: printed once


def test_markup_sets_out_pairs_in_text_and_flattens_them_in_attributes_and_titles():
    pair = bilingual.both("Cytuno", "Agree")
    html = bilingual.markup(f'<title>{pair}</title><p title="{pair}">{pair}</p>', ("cy", "ltr"), ("en-GB", "ltr"))
    assert '<title>Cytuno / Agree</title>' in html and 'title="Cytuno / Agree"' in html
    assert '<span class="bilingual first" lang="cy" dir="ltr">Cytuno</span>' in html
    assert '<span class="bilingual second" lang="en-GB" dir="ltr">Agree</span>' in html
    arabic = bilingual.markup(f"<p>{bilingual.both('أوافق', 'Agree')}</p>", ("ar", "rtl"), ("en", "ltr"))
    assert 'lang="ar" dir="rtl"' in arabic and 'lang="en" dir="ltr"' in arabic


def test_blocks_of_markdown_stay_blocks_in_each_language():
    html = bilingual.markup("<td>" + bilingual.both("<p>Un</p>", "<p>One</p>") + "</td>", ("cy", "ltr"), ("en", "ltr"))
    assert '<div class="bilingual first" lang="cy" dir="ltr"><p>Un</p></div>' in html


def test_apart_gives_each_language_its_whole_sentence():
    line = f"{bilingual.both('Ysgol', 'School')} · {bilingual.both('Cam 2', 'Stage 2')}"
    assert bilingual.halves(bilingual.apart(line)) == ("Ysgol · Cam 2", "School · Stage 2")
    assert bilingual.apart("plain") == "plain"


def test_marks_from_content_cannot_open_or_break_a_pair():
    """Content is untrusted: the three private-use marks are removed from it before it is paired, and a
    stray mark anywhere is dropped, never printed or left open."""
    hostile = "a\ue000b\ue001c\ue002d"
    assert bilingual.clean(hostile) == "abcd"
    for broken in ("\ue000open", "close\ue002", "split\ue001here", "\ue000a\ue001b"):
        out = bilingual.markup(f"<p>{broken}</p>", ("cy", "ltr"), ("en", "ltr"))
        assert not PRIVATE.search(out) and not PRIVATE.search(bilingual.plain(broken))


# --- Content, plan and settings ------------------------------------------------------------------

@pytest.fixture(scope="module")
def welsh_first(tmp_path_factory) -> Path:
    project = translated_mini(tmp_path_factory.mktemp("bilingual") / "mini", "cy", welsh)
    programme = project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace(
        "  translations: [cy]\n", "  translations: [cy]\n  bilingual_first: cy\n"), encoding="utf-8")
    settings = project / "site_config.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "translations:\n  cy:\n    site_name: Safle prawf bach\n"
                        "    footer: Troedyn prawf\n", encoding="utf-8")
    return project


def editions_of(project: Path) -> list:
    checked = pipeline.checked(pipeline.Project.open(project))
    return pipeline.editions(pipeline.Project.open(project), checked.programmes, checked.translated)


def test_texts_are_paired_and_ids_languages_and_choices_are_not(welsh_first):
    two = editions_of(welsh_first)[0].bilingual[0]
    assert two.languages == ("cy", "en-GB")
    programme, questionnaire = two.content.programme, two.content.questionnaires[0]
    assert programme.language == "cy" and programme.id == "mini"
    item = next(i for i in questionnaire.items if i.id == "kind-staff")
    assert bilingual.halves(item.text) == (KIND_CY, KIND_EN)
    assert all(not bilingual.is_pair(i.id) for i in questionnaire.items)
    printed = [i.text for i in questionnaire.items] + [d.question for d in questionnaire.dimensions] \
        + [p.label for p in questionnaire.scale] + [s.title for s in questionnaire.sections]
    assert all(bilingual.is_pair(text) for text in printed)  # every statement, question and label


def test_each_edition_plans_the_bilingual_forms_of_its_languages(welsh_first):
    project = pipeline.Project.open(welsh_first)
    for edition in editions_of(welsh_first):
        plan = documents.plan(edition.programmes, tuple(project.config.variants), bilingual=edition.bilingual)
        made = [d for d in plan.variants if d.variant == "bilingual"]
        assert {d.kind for d in made} >= {"response-form", "group-recording", "collation", "action-plan"}, \
            edition.folder
        assert all(d.path.endswith("-bilingual-cy-en-gb.pdf") for d in made)
        form = next(d for d in plan.documents if d.kind == "response-form")
        assert [v.path for v in plan.variants_of(form) if v.variant == "bilingual"] == \
            [form.path.removesuffix(".pdf") + "-bilingual-cy-en-gb.pdf"]
        with i18n.speaking(edition.language):
            label = next(v for v in plan.variants_of(form) if v.variant == "bilingual").variant_label
        assert label == ("dwyieithog (Cymraeg / English)" if edition.folder else "bilingual (Cymraeg / English)")


def test_without_the_setting_the_programme_s_own_language_comes_first(tmp_path):
    project = translated_mini(tmp_path / "mini", "cy", welsh)
    assert editions_of(project)[0].bilingual[0].languages == ("en-GB", "cy")


@pytest.mark.parametrize("line, code", [
    ("  bilingual_first: fr\n", "AP185"),
    ("  bilingual_first: ../cy\n", "AP184"),
])
def test_a_bad_first_language_is_refused_where_it_is_written(tmp_path, line, code):
    project = translated_mini(tmp_path / "mini", "cy", welsh)
    programme = project / "content" / "mini" / "programme.yml"
    text = programme.read_text(encoding="utf-8").replace("  translations: [cy]\n", "  translations: [cy]\n" + line)
    programme.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        pipeline.check(pipeline.Project.open(project))
    problem = next(p for p in raised.value.errors if p.code.number == code)
    assert problem.location.line == text.splitlines().index(line.rstrip("\n")) + 1


def test_a_language_tag_cannot_name_a_path(mini_project):
    """'translations' names a file (translations/TAG.po) and a site folder (site/TAG/): a tag that is
    a path is refused before either is read or written."""
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace(
        '  version: "2.1"\n', '  version: "2.1"\n  translations: ["../../../outside"]\n', 1), encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        pipeline.check(pipeline.Project.open(mini_project))
    assert [p.code.number for p in raised.value.errors] == ["AP184"]


def test_the_html_has_each_text_in_both_languages_and_no_mark_left(welsh_first):
    project = pipeline.Project.open(welsh_first)
    edition = editions_of(welsh_first)[0]
    plan = documents.plan(edition.programmes, tuple(project.config.variants), bilingual=edition.bilingual)
    form = next(d for d in plan.variants if d.variant == "bilingual" and d.kind == "response-form")
    env = print_html.environment(project.templates)
    html = print_html.render_document(env, form, print_html.PrintOptions())
    assert not PRIVATE.search(html)
    assert all("<" not in value for value in re.findall(r'="([^"]*)"', html))  # no element inside an attribute
    shown = " ".join(shown_text(html).split())
    for phrase in (KIND_CY, KIND_EN,
                   "Peidiwch ag ysgrifennu eich enw.", "Do not write your name."):
        assert phrase in shown, phrase
    assert '<html lang="cy"' in html and 'lang="en-GB"' in html


# --- The printed forms ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(welsh_first) -> Path:
    pipeline.build(pipeline.Project.open(welsh_first))
    return welsh_first / "site" / "downloads" / "mini"


@pytest.mark.slow
def test_welsh_prints_first_then_english_at_the_same_size_and_weight(built):
    """Each statement's Welsh sits above its English on the same page, and the characters of the two
    are printed at the same sizes in the same faces."""
    form = next(built.rglob("response-form-bilingual-cy-en-gb.pdf"))
    cy_words, en_words = KIND_CY.split(), KIND_EN.split()
    with pdfplumber.open(form) as pdf:
        for page in pdf.pages:
            lines = [" ".join(w["text"] for w in line) for line in _lines(page.extract_words())]
            joined = " ".join(lines)
            if " ".join(en_words[:3]) in joined:
                break
        else:
            pytest.fail("the English statement is not printed")
        words = page.extract_words(extra_attrs=["size", "fontname"])
        cy = _first_run(words, cy_words)
        en = _first_run(words, en_words)
    assert cy and en
    assert max(w["bottom"] for w in cy) <= min(w["top"] for w in en) + 0.5, "Welsh is not above English"
    assert {round(w["size"], 1) for w in cy} == {round(w["size"], 1) for w in en}
    assert min(w["size"] for w in cy + en) >= 11
    assert {_weight(w["fontname"]) for w in cy} == {_weight(w["fontname"]) for w in en}


@pytest.mark.slow
def test_a_bilingual_collation_template_keeps_its_statements_readable_and_its_grid_on_the_page(built):
    """Its score columns are headed by the scores alone (its key names them in both languages): with
    both labels under every score, a statement was squeezed into a column a word wide, and the grid
    ran past the page's edge."""
    template = next(built.rglob("collation-bilingual-cy-en-gb.pdf"))
    with pdfplumber.open(template) as pdf:
        margin = 10 / 25.4 * 72
        for page in pdf.pages:
            assert all(margin <= c["x0"] and c["x1"] <= page.width - margin for c in page.chars), page.page_number
        statement = next(run for page in pdf.pages if (run := _first_run(page.extract_words(), KIND_EN.split())))
        key = " ".join(page.extract_text() for page in pdf.pages[:2])
    assert len({round(w["top"]) for w in statement}) == 1, "the English statement is broken over lines"
    assert all(label in key for label in ("Not yet", "Fully")), "the key names the scores in English"


@pytest.mark.slow
def test_no_mark_or_markup_is_printed(built):
    require(shutil.which("pdftotext") is not None, "pdftotext is missing (apt-get install -y poppler-utils)")
    forms = sorted(built.rglob("*-bilingual-*.pdf"))
    assert {f.name.split("-bilingual")[0] for f in forms} >= {"response-form", "group-recording", "collation"}
    for form in forms:
        text = subprocess.run(["pdftotext", "-layout", str(form), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert not PRIVATE.search(text) and "<span" not in text and "bilingual" not in text.replace(
            "(bilingual)", ""), form.name
        assert "Testun Cymraeg" in text and "Test footer" in text, form.name  # both languages, in every form


@pytest.mark.slow
def test_each_language_prints_the_settings_words_in_it(built):
    """The footer of site_config.yml in the edition's language, both in a bilingual form; the Welsh
    site's name in Welsh."""
    require(shutil.which("pdftotext") is not None, "pdftotext is missing (apt-get install -y poppler-utils)")

    def text(pdf: Path) -> str:
        return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())

    english = text(built / "stage-2-gather" / "response-form.pdf")
    welsh = text(built.parent.parent / "cy" / "downloads" / "mini" / "stage-2-gather" / "response-form.pdf")
    both = text(next(built.rglob("response-form-bilingual-cy-en-gb.pdf")))
    assert "Test footer" in english and "Troedyn prawf" not in english
    assert "Troedyn prawf" in welsh and "Test footer" not in welsh
    assert "Troedyn prawf" in both and "Test footer" in both
    home = (built.parent.parent / "cy" / "index.html").read_text(encoding="utf-8")
    assert "Safle prawf bach" in home and "Troedyn prawf" in home


@pytest.mark.slow
def test_bilingual_forms_pass_the_accessibility_checker(built):
    forms = sorted(built.rglob("*-bilingual-*.pdf"))
    refused = [f"{form.name}: {f.rule_id} {f.message}" for form in forms for f in pdfua_validate(str(form)).findings]
    assert forms and not refused, refused[:10]


def _lines(words):
    rows: dict[int, list] = {}
    for w in words:
        rows.setdefault(round(w["top"]), []).append(w)
    return [sorted(row, key=lambda w: w["x0"]) for _, row in sorted(rows.items())]


def _first_run(words: list[dict], wanted: list[str]) -> list[dict]:
    """The printed words of the first place the words of ``wanted`` follow each other (across lines)."""
    texts = [w["text"] for w in words]
    for start in range(len(texts)):
        if texts[start:start + 3] == wanted[:3]:
            return words[start:start + len(wanted)]
    return []


def _weight(fontname: str) -> str:
    return "bold" if "bold" in fontname.lower() else "regular"
