"""A programme in another language from its translation file: written and kept up to date by
``auditpack translate``, applied by id before validation, with located warnings for texts left
untranslated or translated from an earlier wording, and ids (so answers) unchanged."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from auditpack import codes, validate

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd: Path):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def po_file(project: Path) -> Path:
    return project / "content" / "mini" / "translations" / "cy.po"


def fill(po: Path, translate) -> None:
    """Give every entry the translation ``translate(context, source)`` (None: leave it)."""
    catalogue = read_po(po.open("rb"))
    for message in catalogue:
        if message.id and message.context:
            given = translate(message.context, message.id)
            if given is not None:
                message.string = given
                message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalogue, width=100, include_previous=True)
    po.write_bytes(out.getvalue())


def publish_in_welsh(project: Path) -> None:
    programme = project / "content" / "mini" / "programme.yml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace('  version: "2.1"\n', '  version: "2.1"\n  translations: [cy]\n', 1),
                         encoding="utf-8")


def test_translate_writes_every_text_by_its_address(mini_project):
    result = run("translate", "--language", "cy", cwd=mini_project)
    assert result.returncode == 0, result.stderr
    assert "0 translated, 56 to translate, 0 to check; add 'cy' to 'translations'" in result.stdout
    catalogue = read_po(po_file(mini_project).open("rb"))
    entries = {m.context: m for m in catalogue if m.id}
    assert entries["programme/title"].id == "Mini wellbeing audit"
    assert entries["roles/lead/name"].id == "Audit lead"
    assert entries["roles/lead/name"].locations == [("content/mini/programme.yml", 13)]
    assert not any(key.endswith(("/id", "/version", "/publisher")) for key in entries)
    assert all(m.string == "" for m in entries.values())


def test_a_translated_programme_keeps_its_ids_and_speaks_welsh(mini_project):
    run("translate", "--language", "cy", cwd=mini_project)
    fill(po_file(mini_project), lambda key, source: f"CY {source}")
    publish_in_welsh(mini_project)
    checked = validate.check_programmes(mini_project / "content")
    [english], [welsh] = checked.programmes, checked.translated
    assert welsh.programme.language == "cy" and english.programme.language == "en-GB"
    assert welsh.programme.title == "CY Mini wellbeing audit"
    assert [s.id for s in welsh.stages] == [s.id for s in english.stages]
    q_en, q_cy = english.questionnaires[0], welsh.questionnaires[0]
    assert [i.id for i in q_cy.items] == [i.id for i in q_en.items]
    assert all(i.text.startswith("CY ") for i in q_cy.items)
    assert [p.label for p in q_cy.scale] == [f"CY {p.label}" for p in q_en.scale]
    assert not [w for w in checked.warnings if w.code in (codes.UNTRANSLATED, codes.STALE_TRANSLATION)]


def test_missing_and_stale_translations_are_located_warnings_and_print_the_source(mini_project):
    run("translate", "--language", "cy", cwd=mini_project)
    fill(po_file(mini_project), lambda key, source: None if key == "roles/lead/name" else f"CY {source}")
    publish_in_welsh(mini_project)
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("Runs the audit.", "Leads the audit."),
                         encoding="utf-8")
    checked = validate.check_programmes(mini_project / "content")
    [welsh] = checked.translated
    missing = [w for w in checked.warnings if w.code == codes.UNTRANSLATED]
    stale = [w for w in checked.warnings if w.code == codes.STALE_TRANSLATION]
    lines = programme.read_text(encoding="utf-8").splitlines()
    name_line = next(n for n, line in enumerate(lines, 1) if "name: Audit lead" in line)
    assert [(Path(w.location.file).name, w.location.line) for w in missing] == [("programme.yml", name_line)]
    assert "'roles/lead/name' has no 'cy' translation" in missing[0].message
    [old] = stale
    assert Path(old.location.file).name == "cy.po" and old.location.line > 0
    assert "'roles/lead/description'" in old.message and f"programme.yml:{name_line + 1}" in old.message
    lead = next(r for r in welsh.roles if r.id == "lead")
    assert (lead.name, lead.description) == ("Audit lead", "Leads the audit.")  # the source, not a stale text

    result = run("translate", "--language", "cy", cwd=mini_project)  # marks the changed text for checking
    assert "54 translated, 1 to translate, 1 to check" in result.stdout, result.stdout
    entry = next(m for m in read_po(po_file(mini_project).open("rb")) if m.context == "roles/lead/description")
    assert entry.fuzzy and entry.string == "CY Runs the audit."
    assert "#| msgid \"Runs the audit.\"" in po_file(mini_project).read_text(encoding="utf-8")
    run("translate", "--language", "cy", cwd=mini_project)  # a later update keeps the earlier wording shown
    assert "#| msgid \"Runs the audit.\"" in po_file(mini_project).read_text(encoding="utf-8")


def test_a_listed_language_without_its_file_is_a_warning_with_the_command_to_run(mini_project):
    publish_in_welsh(mini_project)
    result = run("check", cwd=mini_project)
    assert result.returncode == 0
    assert "[AP180 missing-translation-file]" in result.stderr
    assert "hint: run 'auditpack translate --language cy'" in result.stderr


def test_a_broken_translation_file_is_a_located_error(mini_project):
    run("translate", "--language", "cy", cwd=mini_project)
    publish_in_welsh(mini_project)
    po = po_file(mini_project)
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid "unclosed\n', encoding="utf-8")
    result = run("check", cwd=mini_project)
    assert result.returncode == 1, result.stderr
    assert "cy.po" in result.stderr and "AP018" not in result.stdout
    assert "Traceback" not in result.stderr


def test_translations_naming_the_programmes_own_language_are_refused(mini_project):
    programme = mini_project / "content" / "mini" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace(
        '  version: "2.1"\n', '  version: "2.1"\n  translations: [cy, en-gb]\n', 1), encoding="utf-8")
    result = run("check", cwd=mini_project)
    assert result.returncode == 1
    assert "'translations' lists 'en-gb' which is the programme's own language" in result.stderr


def test_an_unknown_language_is_refused_before_anything_is_written(mini_project):
    result = run("translate", "--language", "zz", cwd=mini_project)
    assert result.returncode == 2 and "not a language Babel knows" in result.stderr
    assert not po_file(mini_project).exists()


def test_a_choice_column_keeps_its_values_and_prints_its_translated_labels(tmp_path):
    """The choices of a choice column are what answers are stored by: translated, they become the
    column's labels (printed), and the values stay, so a Welsh form's 'Uchel' is collated as 'High'."""
    from auditpack import documents, pipeline
    from auditpack.render import print_html

    from .conftest import FIXTURES, copy_project

    project = copy_project(FIXTURES / "columns", tmp_path / "columns")
    [programme_yml] = project.glob("content/*/programme.yml")
    text = programme_yml.read_text(encoding="utf-8")
    programme_yml.write_text(text.replace('  version: "1.0"\n', '  version: "1.0"\n  translations: [cy]\n', 1),
                             encoding="utf-8")
    run("translate", "--language", "cy", cwd=project)
    [po] = project.glob("content/*/translations/cy.po")
    welsh_words = {"High": "Uchel", "Medium": "Canolig", "Low": "Isel"}
    addresses = []

    def translate(key, source):
        addresses.append(key)
        return welsh_words.get(source, f"CY {source}")

    fill(po, translate)
    assert sorted(a.rsplit("/", 1)[1] for a in addresses if "/choices/" in a) == ["0", "1", "2"]
    checked = pipeline.checked(pipeline.Project.open(project))
    [welsh] = checked.translated
    column = next(c for q in welsh.questionnaires for c in q.record_columns or () if c.kind == "choice")
    assert column.choices == ["High", "Medium", "Low"] and column.labels == ["Uchel", "Canolig", "Isel"]
    assert column.options(None) == [("High", "Uchel"), ("Medium", "Canolig"), ("Low", "Isel")]
    plan = documents.plan([welsh], variants=("fillable",))
    env = print_html.environment(pipeline.Project.open(project).templates)
    form = next(d for d in plan.variants if d.kind == "group-rating" and d.variant == "fillable")
    html = print_html.render_document(env, form, print_html.PrintOptions())
    assert "Uchel" in html and 'value="High"' in html
