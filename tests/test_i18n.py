"""auditpack's own wording goes through the catalogues: each catalogue has every marked phrase,
translated, with the same placeholders; no fixed English reaches a printed document unmarked; and a
Welsh programme's documents speak Welsh, plurals and dates included."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from typing import ClassVar

import pytest
from babel import dates
from babel.messages.pofile import read_po

from auditpack import documents, i18n, pipeline, wording
from auditpack.kinds import VARIANTS
from auditpack.render import pages, print_html, text
from auditpack.template_folders import PACKAGED, TemplateFolders

from .conftest import FIXTURES
from .html_text import shown_text

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def marked():
    return {m.id if isinstance(m.id, str) else tuple(m.id): m for m in i18n.extract() if m.id}


def catalogue(language: str):
    with (i18n.LOCALE / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", i18n.languages())
def test_every_marked_phrase_is_translated_with_its_placeholders(language, marked):
    cat = catalogue(language)
    found = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in cat if m.id}
    assert sorted(set(marked) - set(found), key=str) == [], "run: python -m auditpack.i18n, then translate"
    assert sorted(set(found) - set(marked), key=str) == [], "phrases no longer marked: python -m auditpack.i18n"
    problems = []
    for key, message in found.items():
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        source = key if isinstance(key, str) else key[-1]
        if message.fuzzy or not all(strings) or len(strings) != (1 if isinstance(key, str) else cat.num_plurals):
            problems.append(f"untranslated: {key!r}")
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != sorted(set(PLACEHOLDER.findall(source))) and \
                    set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {key!r} -> {string!r}")
    assert problems == []


def test_the_pot_file_is_current(marked):
    with (i18n.LOCALE / f"{i18n.DOMAIN}.pot").open("rb") as source:
        written = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(source) if m.id}
    assert written == set(marked), "run: python -m auditpack.i18n"


def test_welsh_has_six_plural_forms_and_the_right_one_is_used():
    with i18n.speaking("cy"):
        assert text.days(1) == "1 diwrnod" and text.days(2.5) == "2.5 diwrnod"
        assert text.long_date(dt.date(2026, 12, 4)) == "4 Rhagfyr 2026"
        assert i18n.one_of(["R", "A", "G"]) == "R, A neu G"
    with i18n.speaking("en-GB"):
        assert (text.days(1), text.days(1.5), text.days(3)) == ("1 day", "1.5 days", "3 days")
        assert text.long_date(dt.date(2026, 12, 4)) == "4 December 2026"
        assert i18n.one_of(["R", "A", "G"]) == "R, A or G"
    assert catalogue("cy").num_plurals == 6


def test_a_language_without_a_catalogue_is_written_in_english_and_a_region_is_ignored():
    with i18n.speaking("pl-PL"):
        assert i18n.gettext("Statement") == "Statement"
        assert text.long_date(dt.date(2026, 12, 4)) == "4 grudnia 2026"  # dates still in the language
    with i18n.speaking("cy-GB"):
        assert i18n.gettext("Statement") == "Datganiad"
    with i18n.speaking("not a language"):
        assert i18n.gettext("Statement") == "Statement" and text.days(2) == "2 days"


# --- No English escapes the catalogue ---------------------------------------------------------------

def pseudo(message: str) -> str:
    """Every ASCII letter of a phrase as its full-width form, placeholders kept: English that was not
    translated stays ASCII and shows."""
    return "".join(chunk if PLACEHOLDER.fullmatch(chunk) else
                   "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in chunk)
                   for chunk in re.split(f"({PLACEHOLDER.pattern})", message))


class Pseudo(gettext.NullTranslations):
    """Every phrase in the pseudo-language, and a note of each phrase asked for."""

    asked: ClassVar[set] = set()

    def gettext(self, message):
        self.asked.add(message)
        return pseudo(message)

    def ngettext(self, singular, plural, n):
        self.asked.add((singular, plural))
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context, message):
        return pseudo(message)

    def npgettext(self, context, singular, plural, n):
        return pseudo(singular if n == 1 else plural)


def content_words(folder) -> set[str]:
    words = set()
    for path in (folder / "content").rglob("*.yml"):
        words |= set(re.findall(r"[A-Za-z]+", path.read_text(encoding="utf-8")))
    return {w.lower() for w in words}


@pytest.mark.parametrize("folder", ["mini", "columns"])
def test_no_fixed_english_reaches_a_printed_document(folder, monkeypatch, marked):
    """Rendered in a pseudo-language whose every phrase is full-width, each planned document of every
    variant, and each pack's cover, holds no ASCII word that is not in its content (or a month's name,
    which Babel writes): any there is fixed wording not marked for translation."""
    monkeypatch.setattr(i18n, "translations", lambda language: Pseudo())
    project = FIXTURES / folder
    [content] = pipeline.check(pipeline.Project.open(project))
    allowed = content_words(project) | {m.lower() for m in dates.get_month_names(locale="en_GB").values()}
    env = print_html.environment(TemplateFolders((PACKAGED,)))
    plan = documents.plan([content], variants=tuple(VARIANTS))
    options = print_html.PrintOptions()
    shown = {f"{doc.kind} ({doc.variant or 'standard'})": print_html.render_document(env, doc, options)
             for doc in plan.all_documents}
    shown |= {f"cover of {pack.path}": print_html.render_cover(env, pack, [], print_html.PrintOptions(for_school=True))
              for pack in plan.packs}
    assert {d.kind for d in plan.all_documents} >= ({"group-rating"} if folder == "columns" else
                                                    {"briefing", "collation", "response-form", "group-recording"})
    leaks = {}
    for name, html in shown.items():
        words = {w for w in re.findall(r"[A-Za-z]{2,}", shown_text(html, attributes=True)) if w.lower() not in allowed}
        if words:
            leaks[name] = words
    assert leaks == {}
    assert sorted(Pseudo.asked - set(marked), key=str) == [], "asked for, but not as extracted into the catalogue"


REPORT_WORDS = {"auditpack", "collate", "pdf", "csv", "json", "record", "text", "judgement", "id", "hillside",
                "footer"}
"""Words of a collation report that are no phrase: file names, a command, a content key."""


def test_no_fixed_english_reaches_a_collation_report(monkeypatch, marked):
    """The printed collation report (its charts inside) in the pseudo-language holds no ASCII word that is
    neither content, a file's name nor a month's. The files it skipped are left out: why a file was
    skipped is collate's own message, not yet in the catalogues (as the CLI's are not)."""
    from auditpack.collate.answers import Inputs
    from auditpack.collate.readers import Target, read_inputs
    from auditpack.collate.report import render_print_html
    from auditpack.collate.tally import Rules, collate

    from .test_collate_filling import FIXTURES as COLLATE_FIXTURES
    from .test_collate_filling import RESPONSES

    monkeypatch.setattr(i18n, "translations", lambda language: Pseudo())
    project = pipeline.Project.open(COLLATE_FIXTURES / "mini")
    [content] = pipeline.check(project)
    target = Target(content, content.questionnaire("wellbeing"))
    read = read_inputs([RESPONSES], target)
    inputs = Inputs([counted for counted in read.counted if not counted.unknown], [])
    assert len(inputs.counted) >= 3 and {c.kind for c in inputs.counted} >= {"online", "tally"}
    allowed = content_words(COLLATE_FIXTURES / "mini") | REPORT_WORDS \
        | {m.lower() for m in dates.get_month_names(locale="en_GB").values()} \
        | {w.lower() for path in RESPONSES.rglob("*") for w in re.findall(r"[A-Za-z]+", path.name)}
    with pipeline.renderer(project, pipeline.build_date([content])) as renderer:
        html = render_print_html(collate(target, inputs, Rules(min_answers=1)), renderer, school="Hillside")
    words = {w for w in re.findall(r"[A-Za-z]{2,}", shown_text(html, attributes=True)) if w.lower() not in allowed}
    assert not words, " ".join(sorted(words))
    assert sorted(Pseudo.asked - set(marked), key=str) == [], "asked for, but not as extracted into the catalogue"


SITE_WORDS = {"auditpack", "scan", "collate", "programme", "questionnaire", "answers", "scanned", "scans", "review",
              "html", "json", "csv", "index", "md", "download", "downloads", "collation", "out", "pdf", "docx",
              "content", "note", "rel", "stylesheet", "href", "assets", "online", "form", "css", "js", "src",
              "script", "ap", "id", "class", "type", "button", "data", "hidden", "span", "section", "legend",
              "fieldset", "label", "input", "radio", "name", "value", "div", "textarea", "rows", "for", "select",
              "option", "action", "save", "clear", "status", "role", "aria", "live", "polite", "labelledby",
              "search", "exclude", "choices", "choice", "item", "statement", "number", "dont", "know", "dk",
              "record", "comments", "actions", "progress", "primary", "noscript", "autocomplete", "off",
              "novalidate", "storage", "key", "format", "version", "audience", "rater", "individual", "group",
              "checked", "strong", "ul", "li", "question", "dimension", "messages", "joiner",
              "description", "en", "gb", "wellbeing", "tallies", "stage", "prepare", "gather",
              "p", "br", "small", "sections", "components", "guidance", "changes", "response"}
"""Words of the site's Markdown that are no phrase: markup, attributes, file names and commands."""


@pytest.mark.parametrize("folder", ["mini", "audiences"])
def test_no_fixed_english_reaches_a_site_page(folder, monkeypatch, marked):
    """The site's pages and online forms in the pseudo-language hold no ASCII word that is neither
    content nor markup: fixed wording not marked for translation shows up."""
    monkeypatch.setattr(i18n, "translations", lambda language: Pseudo())
    project = FIXTURES / folder
    [content] = pipeline.check(pipeline.Project.open(project))
    plan = documents.plan([content], variants=tuple(VARIANTS))
    pdfs = pages.pending_pdfs(plan)
    config = pipeline.Project.open(project).config
    rendered = pages.render_pages([content], plan, pdfs, config, TemplateFolders((PACKAGED,)), site_zip="site.zip")
    months = {m.lower() for m in dates.get_month_names(locale="en_GB").values()}
    allowed = content_words(project) | SITE_WORDS | months | \
        {w.lower() for w in re.findall(r"[A-Za-z]+", config.site_name + " " + content.programme.id)}
    leaks = {}
    for path, markdown in rendered.items():
        shown = re.sub(r"AUDITPACK(LONG|SHORT)\d+FACTS", "", markdown)
        shown = re.sub(r"\]\([^)]*\)|`[^`]*`|^ {4}auditpack .*$|\{[^}]*\}|[\w-]+=\"[^\"]*\"|</?[\w-]+", "]", shown,
                       flags=re.MULTILINE)  # link targets, code, attributes and tags: not words a person reads
        words = {w for w in re.findall(r"[A-Za-z]{2,}", shown) if w.lower() not in allowed}
        if words:
            leaks[path] = words
    assert leaks == {}
    assert sorted(Pseudo.asked - set(marked), key=str) == [], "asked for, but not as extracted into the catalogue"


def test_wording_phrases_follow_the_language():
    [content] = pipeline.check(pipeline.Project.open(FIXTURES / "mini"))
    q = content.questionnaires[0]
    with i18n.speaking("cy"):
        said = wording.phrases(q)
    assert said.how_to_answer.startswith("Ar gyfer pob datganiad, atebwch 2 gwestiwn") or \
        said.how_to_answer.startswith("Ar gyfer pob datganiad, atebwch 2 cwestiwn")
    assert "sgôr o 1 i 4" in said.how_to_answer


@pytest.mark.slow
def test_every_page_of_every_edition_says_its_language(bundled_build):
    """lang on every page: English at the top, Welsh in cy/, Arabic (right to left) in ar/; and each
    page links the other editions with hreflang."""
    site = bundled_build / "site"
    pages = sorted(site.rglob("*.html"))
    editions = {"cy": 0, "ar": 0, "": 0}
    for page in pages:
        folder = page.relative_to(site).parts[0] if page.relative_to(site).parts[0] in ("cy", "ar") else ""
        text = page.read_text(encoding="utf-8")
        lang = re.search(r'<html lang="([^"]+)"', text)
        assert lang and lang.group(1) == (folder or "en"), page
        assert ('<body dir="rtl"' in text) == (folder == "ar"), page
        if "md-select__link" in text:  # the theme's pages (not the offline search shim's)
            assert all(f'hreflang="{other}"' in text for other in ("en", "cy", "ar")), page
        editions[folder] += 1
    assert all(count >= 10 for count in editions.values()), editions


@pytest.mark.slow
def test_the_language_switcher_opens_the_same_page_in_the_other_language(bundled_build):
    """Each switcher link of each page leads to a page that exists: the same page in the other edition
    where it has that programme (the ARA stage pages in Welsh and English), else that edition's home
    page (iMHARS, which is not translated, from English to Welsh)."""
    site = bundled_build / "site"
    same = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        links = {lang: href for href, lang in
                 re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" class="md-select__link"', text)}
        if not links:
            continue
        assert set(links) == {"en", "cy", "ar"}, page
        for lang, href in links.items():
            target = (page.parent / href).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page, lang, href)
            same += target.name == page.name and target != page.resolve()
    stage = "blackpool-ara/stage-1-prepare.html"
    assert f'<a href="../../{stage}" hreflang="en"' in (site / "cy" / stage).read_text(encoding="utf-8")
    assert f'<a href="../cy/{stage}" hreflang="cy"' in (site / stage).read_text(encoding="utf-8")
    assert '<a href="../cy/index.html" hreflang="cy"' in (site / "imhars" / "index.html").read_text(encoding="utf-8")
    assert same >= 20
    for edition, words in (("", "Page not found"), ("cy", "Heb ddod o hyd i'r dudalen"), ("ar", "الصفحة غير موجودة")):
        missing = (site / edition / "404.html").read_text(encoding="utf-8")
        assert words in missing and 'href="./index.html"' in missing, edition  # home, in the page itself
