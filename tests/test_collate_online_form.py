"""The online form: its Markdown page, built into the real site, answered in real headless Chromium from file://.

Until the build adds the pages itself, the fixture adds them to a built copy of the mini site the way the
build will (page under <programme>/answer-<questionnaire>.md, in the navigation) and rebuilds it with MkDocs.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import yaml

from auditpack import pipeline, site
from auditpack.answer_formats import blank_sheet
from auditpack.collate.online_export import read_online_export
from auditpack.render.online_form import blank_tally_sheets, render_online_forms
from auditpack.template_folders import TemplateFolders

from .browser import Axe
from .test_collate_filling import mini_content, random_answers

PAGE = "mini/answer-wellbeing.html"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"], "preload": False}
"""WCAG 2.2 A and AA rules; preload off so axe fetches nothing (from file:// it could not)."""


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands, as 'rule: first element' lines."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    found = Axe().run(page, options=AXE_OPTIONS)["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:3]} "
            f"{v['nodes'][0].get('failureSummary', '')}" for v in found]


def test_one_page_per_questionnaire_with_real_form_controls():
    content = mini_content()
    pages = render_online_forms([content], TemplateFolders())
    assert list(pages) == ["mini/answer-wellbeing.md"]
    page = pages["mini/answer-wellbeing.md"]
    q = content.questionnaire("wellbeing")
    assert page.count('<fieldset class="ap-item"') == len(q.items)
    assert page.count('<fieldset class="ap-question"') == len(q.items) * len(q.dimensions)
    for item in q.items:
        for dim in q.dimensions:
            for value in ("1", "2", "3", "4", "dk"):
                assert f'name="item:{item.id}:{dim.id}" value="{value}"' in page
    assert 'type="text"' not in page and "name=\"name\"" not in page, "no field may ask for a name"
    assert "Ŵyn" in page and ("“I don&#39;t know”" in page or "“I don't know”" in page)


def test_statement_text_is_escaped_in_the_form(mini_project):
    questionnaire = mini_project / "content" / "mini" / "guidance.yml"
    hostile = 'text: "Use <script>alert(1)</script> & **bold**"'
    questionnaire.write_text(questionnaire.read_text().replace("text: No", hostile))
    content = pipeline.check(pipeline.Project.open(mini_project))
    page = render_online_forms(content, TemplateFolders())["mini/answer-wellbeing.md"]
    assert page.count("<script") == 1, "only the form's own script"
    assert "&amp; <strong>bold</strong>" in page


def test_blank_tally_sheet_per_questionnaire():
    content = mini_content()
    sheet = blank_sheet(content.questionnaire("wellbeing"))
    assert blank_tally_sheets([content]) == {"mini/wellbeing-tallies.csv": sheet}


@pytest.fixture(scope="session")
def online_site(mini_build, tmp_path_factory) -> Path:
    """The mini site with its online form page, built by MkDocs in strict mode."""
    if (mini_build / "site" / PAGE).is_file():
        return mini_build / "site"  # the build adds the page itself now
    work = tmp_path_factory.mktemp("online") / "mkdocs"
    shutil.copytree(mini_build / "build" / "mkdocs", work)
    programmes = pipeline.check(pipeline.Project.open(mini_build))
    for path, text in render_online_forms(programmes, TemplateFolders()).items():
        (work / "docs" / path).write_text(text, encoding="utf-8")
    settings = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))
    programme_nav = next(entry for entry in settings["nav"] if "Mini audit" in entry)
    programme_nav["Mini audit"].append({"Answer online": "mini/answer-wellbeing.md"})
    site.build_site(site.write_project(work, settings), work / "site", pipeline.build_date(programmes))
    return work / "site"


class FormPage:
    """One person at the online form, in a private browser profile."""

    def __init__(self, browser, site_dir: Path):
        self.context = browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto((site_dir / PAGE).as_uri())

    def answer(self, answers: dict, by_keyboard: bool = False) -> None:
        for (item, dim), value in answers.items():
            radio = self.page.locator(f"input[name='item:{item}:{dim}'][value='{value}']")
            if by_keyboard:
                radio.focus()
                self.page.keyboard.press("Space")
            else:
                self.page.locator("label.ap-choice", has=radio).click()

    def save(self, folder: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.get_by_role("button", name="Save my answers as a file").click()
        path = folder / download.value.suggested_filename
        download.value.save_as(path)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.mark.slow
def test_answers_are_kept_saved_and_read_by_collate(chromium, online_site, tmp_path):
    chromium.run(_answers_are_kept_saved_and_read_by_collate, online_site, tmp_path)


def _answers_are_kept_saved_and_read_by_collate(browser, online_site, tmp_path):
    q = mini_content().questionnaire("wellbeing")
    answers = random_answers(random.Random("online"), q, skip=0.3)
    person = FormPage(browser, online_site)
    person.answer(answers)
    person.page.get_by_label("Comments on people").fill("The new rota helps.")
    person.page.reload()  # answers survive a reload: they are in localStorage until saved
    assert person.page.locator("#ap-progress").text_content() == f"{len(answers)} of 6 questions answered."
    saved = person.save(tmp_path)
    assert saved.name.startswith("wellbeing-response-") and saved.suffix == ".json"
    response = read_online_export(saved.read_bytes())
    assert response.answers == answers and response.comments == 1
    assert response.identity.version == "2.1" and response.response_id.startswith("r-")
    document = json.loads(saved.read_text())
    assert set(document) == {"format", "format_version", "programme", "questionnaire", "version", "response_id",
                             "revision", "answers", "comments"}, "nothing else, and never a name"
    person.page.wait_for_function("document.getElementById('ap-status').textContent.startsWith('Saved')")
    assert all(url.startswith(("file:", "blob:", "data:")) for url in person.requests), person.requests
    assert person.errors == []
    person.close()


@pytest.mark.slow
def test_keyboard_only_and_screen_reader_names(chromium, online_site, tmp_path):
    chromium.run(_keyboard_only_and_screen_reader_names, online_site, tmp_path)


def _keyboard_only_and_screen_reader_names(browser, online_site, tmp_path):
    person = FormPage(browser, online_site)
    page = person.page
    group = page.get_by_role("group", name="1. Staff are kind to one another.", exact=True)
    doing = group.get_by_role("group", name="1. Staff are kind to one another. — How well are we doing?", exact=True)
    assert doing.get_by_role("radio").count() == 5
    assert doing.get_by_role("radio", name="I don't know", exact=True).count() == 1, "the ? is not read out"
    doing.get_by_role("radio", name="2 Partly").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # arrows move the choice within one question, as in any radio group
    assert doing.get_by_role("radio", name="3 Mostly").is_checked()
    page.keyboard.press("Tab")  # to the next question
    page.keyboard.press("Space")
    support = group.get_by_role(
        "group", name="1. Staff are kind to one another. — How well does the school support it?", exact=True)
    assert support.get_by_role("radio", name="1 Not yet").is_checked()
    response = read_online_export(person.save(tmp_path).read_bytes())
    assert response.answers == {("kind-staff", "doing"): "3", ("kind-staff", "support"): "1"}
    person.close()


@pytest.mark.slow
def test_each_question_is_named_with_its_statement(chromium, online_site):
    chromium.run(_each_question_is_named_with_its_statement, online_site)


def _each_question_is_named_with_its_statement(browser, online_site):
    """A screen reader names a question's group of radio buttons by its statement and the question, as the
    fillable PDF names its field: 'How well are we doing?' alone would be heard once per statement. The
    names are Chromium's, from its accessibility tree (Playwright's role queries)."""
    q = mini_content().questionnaire("wellbeing")
    person = FormPage(browser, online_site)
    page = person.page
    for item in q.items:
        statement = " ".join(page.locator(f"#ap-item-{item.id} > legend").inner_text().split())
        for dim in q.dimensions:
            group = page.get_by_role("group", name=f"{statement} — {dim.question}", exact=True)
            assert group.count() == 1, f"{statement} — {dim.question}"
            assert group.get_by_role("radio").count() == len(q.scale) + dim.dont_know
            assert group.locator(f"input[name='item:{item.id}:{dim.id}']").count() == len(q.scale) + dim.dont_know
    for dim in q.dimensions:
        assert page.get_by_role("group", name=dim.question, exact=True).count() == 0, "named by the question alone"
    tree = page.locator("#auditpack-form").aria_snapshot()
    assert '- group "3. Rooms are calm — “quiet” places for Ŵyn and Ŷr. — How well are we doing?"' in tree, tree[:2000]
    person.close()


@pytest.mark.slow
def test_form_passes_axe_before_and_after_answering(chromium, online_site):
    chromium.run(_form_passes_axe_before_and_after_answering, online_site)


def _form_passes_axe_before_and_after_answering(browser, online_site):
    person = FormPage(browser, online_site)
    assert axe_violations(person.page) == []
    person.answer({("kind-staff", "doing"): "2", ("calm-rooms", "support"): "dk"})
    assert axe_violations(person.page) == []
    person.close()


@pytest.mark.slow
def test_clear_starts_a_new_response(chromium, online_site, tmp_path):
    chromium.run(_clear_starts_a_new_response, online_site, tmp_path)


def _clear_starts_a_new_response(browser, online_site, tmp_path):
    person = FormPage(browser, online_site)
    person.answer({("kind-staff", "doing"): "4"})
    first = read_online_export(person.save(tmp_path).read_bytes())
    person.page.once("dialog", lambda dialog: dialog.accept())
    person.page.get_by_role("button", name="Clear my answers").click()
    assert person.page.locator("#ap-progress").text_content() == "0 of 6 questions answered."
    person.page.get_by_role("button", name="Save my answers as a file").click()
    person.page.wait_for_function("document.getElementById('ap-status').textContent.includes('no answers')")
    person.answer({("calm-rooms", "support"): "dk"}, by_keyboard=True)
    second = read_online_export(person.save(tmp_path).read_bytes())
    assert second.response_id != first.response_id
    assert second.answers == {("calm-rooms", "support"): "dk"}
    person.close()


@pytest.mark.slow
def test_without_javascript_the_page_says_what_to_use_instead(chromium, online_site):
    chromium.run(_without_javascript_the_page_says_what_to_use_instead, online_site)


def _without_javascript_the_page_says_what_to_use_instead(browser, online_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((online_site / PAGE).as_uri())
    notice = page.locator(".ap-noscript")
    assert notice.is_visible() and "This form needs JavaScript" in notice.inner_text()
    context.close()
