"""A project overrides one template by putting a file of the same name in its own templates/ folder;
every other template, stylesheet and asset still comes from auditpack."""

from __future__ import annotations

import shutil

import pypdf

from auditpack import pipeline
from auditpack.template_folders import PACKAGED, TemplateFolders


def test_without_a_templates_folder_everything_comes_from_the_package(tmp_path):
    folders = TemplateFolders.for_project(tmp_path)
    assert folders.roots == (PACKAGED,)
    assert folders.file("print/print.css") == PACKAGED / "print" / "print.css"
    assert folders.folders("print") == [PACKAGED / "print"]


def test_a_projects_file_is_used_in_place_of_auditpacks_and_only_that_one(tmp_path):
    (tmp_path / "templates" / "print").mkdir(parents=True)
    (tmp_path / "templates" / "print" / "print.css").write_text("p { }")
    folders = TemplateFolders.for_project(tmp_path)
    assert folders.file("print/print.css") == tmp_path / "templates" / "print" / "print.css"
    assert folders.file("print/briefing.html.j2") == PACKAGED / "print" / "briefing.html.j2"
    assert folders.folders("print") == [tmp_path / "templates" / "print", PACKAGED / "print"]
    assert folders.folders("site") == [PACKAGED / "site"]


def test_a_build_uses_the_one_template_a_project_overrides(mini_build, tmp_path):
    """The project copies one print template and one site template and changes a word in each; the
    briefing sheets and home page show it, and every other document is auditpack's as before.

    Built over a copy of the tiny programme's build: only what the changed templates make is rendered
    again (the cache is keyed by each document's HTML), so a stale briefing would fail here too."""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    for relative, old, new in (("print/briefing.html.j2", "{% block body %}",
                                "{% block body %}<p>Our own briefing words.</p>"),
                               ("site/home.md.j2", "", "Our own home page words.\n\n")):
        target = root / "templates" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (PACKAGED / relative).read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new, 1) if old else new + text, encoding="utf-8")
    pipeline.build(pipeline.Project.open(root))
    site = root / "site"
    briefing = next(site.rglob("briefing.pdf"))
    assert "Our own briefing words." in "".join(p.extract_text() for p in pypdf.PdfReader(briefing).pages)
    response = next(site.rglob("response-form.pdf"))
    assert "Our own briefing words." not in "".join(p.extract_text() for p in pypdf.PdfReader(response).pages)
    assert "Our own home page words." in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "assets" / "online-form.js").is_file()  # an asset the project did not override
