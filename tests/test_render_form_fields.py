"""The fillable forms' fields as a screen reader and a keyboard meet them (auditpack/render/form_fields.py).

Read from the built PDFs with pikepdf and qpdf, as a viewer would find them: each field's tooltip (/TU, the
name a screen reader says), each radio button's own name, the flags of the identification fields, the
form's list of fields, and the Tab order, which with /Tabs /S is the order of the structure tree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from auditpack import pipeline
from auditpack.answer_formats import HIDDEN_FIELDS

from .conftest import REPO, require
from .pdf_reading import all_text
from .test_collate_filling import mini_form  # noqa: F401 (fixture)
from .test_record_columns import STAGE, columns_build  # noqa: F401 (fixture)

HIDDEN = 2
PRINT = 4
READ_ONLY = 1
ANSWERS = ["1 Not yet", "2 Partly", "3 Mostly", "4 Fully", "I don't know"]
"""The mini fixture's scale and its don't-know answer, as each radio button is named."""


def _fields(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    return {str(f.T): f for f in pdf.Root.AcroForm.Fields if "/T" in f}


def _field_name(widget) -> str:
    return str(widget.get("/T") or widget.Parent.T)


def tab_order(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The widgets in the order the keyboard visits them: every page tabs in structure order (/Tabs /S), so
    the widgets' Form elements in the structure tree, depth first. A hidden one stays in the list: a viewer
    would skip it, but a screen reader reading the tags would still come to it."""
    assert all(page.obj.get("/Tabs") == "/S" for page in pdf.pages)
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == "/OBJR":
                if node.Obj.get("/Subtype") == "/Widget":
                    found.append(node.Obj)
            elif "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot)
    return found


def test_fields_are_named_by_statement_and_question(mini_form):
    with pikepdf.open(mini_form) as pdf:
        fields = _fields(pdf)
        group = fields["item:kind-staff:doing"]
        assert str(group.TU) == "1. Staff are kind to one another. — How well are we doing?"
        assert str(fields["item:calm-rooms:support"].TU) == \
            "3. Rooms are calm — “quiet” places for Ŵyn and Ŷr. — How well does the school support it?"
        assert str(fields["comments:people"].TU) == "Comments on people (optional)"
        assert str(fields["comments:place"].TU) == "Comments on place (optional)"


def test_each_radio_button_is_named_by_its_answer(mini_form):
    """pdf.js and MuPDF name a button by its own /TU alone; Acrobat by its group's, then its export value,
    which stays the answer's code (collate and pdftk read it)."""
    with pikepdf.open(mini_form) as pdf:
        group = _fields(pdf)["item:no-item:support"]
        assert [str(kid.TU) for kid in group.Kids] == \
            [f"2. No — How well does the school support it? — {answer}" for answer in ANSWERS]
        assert [str(option) for option in group.Opt] == ["1", "2", "3", "4", "dk"]
        assert all("/T" not in kid for kid in group.Kids), "a button is not a field of its own"


def test_each_field_is_listed_once(mini_form):
    """Radio buttons are their group's kids, not fields of the form's list as well; qpdf finds no loop."""
    with pikepdf.open(mini_form) as pdf:
        listed = [f.objgen for f in pdf.Root.AcroForm.Fields]
        assert len(listed) == len(set(listed)) == 3 + 6 + 2, "3 identification fields, 6 groups, 2 comment boxes"
        assert not any("/Parent" in f for f in pdf.Root.AcroForm.Fields)
        widgets = [a.objgen for page in pdf.pages for a in page.obj.Annots if a.get("/Subtype") == "/Widget"]
        reachable = [kid.objgen for f in pdf.Root.AcroForm.Fields for kid in f.get("/Kids", [f])]
        assert sorted(reachable) == sorted(widgets), "every widget on a page, once, through the field list"
    require(shutil.which("qpdf"), "qpdf is missing (apt-get install -y qpdf)")
    shown = subprocess.run([shutil.which("qpdf"), "--json=2", "--json-key=acroform", str(mini_form)],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr[:500]


def test_identification_fields_are_hidden_read_only_and_no_tab_stop(mini_form):
    with pikepdf.open(mini_form) as pdf:
        fields = _fields(pdf)
        ids = [fields[name] for name in HIDDEN_FIELDS if name in fields]
        assert len(ids) == 3
        tagged = {widget.objgen for widget in tab_order(pdf)}
        for field in ids:
            assert int(field.F) & HIDDEN and not int(field.F) & PRINT and int(field.Ff) & READ_ONLY, str(field.T)
            assert "/StructParent" not in field and field.objgen not in tagged, f"{field.T} is in the reading order"
        order = [_field_name(w) for w in tab_order(pdf)]
        assert order[:5] == ["item:kind-staff:doing"] * 5, "the first Tab stops are statement 1's boxes"
        assert not set(order) & set(HIDDEN_FIELDS)
        first_page = [_field_name(a) for a in pdf.pages[0].obj.Annots]
        assert first_page[-3:] == list(HIDDEN_FIELDS[:3]), "hidden widgets come last in the page's annotations"


def test_tab_order_follows_the_statements(mini_form):
    """Every field a person fills in is a Tab stop, once, in the order the statements are printed: a group's
    boxes together, each section's comment box after its statements; nothing before statement 1."""
    with pikepdf.open(mini_form) as pdf:
        order = [_field_name(w) for w in tab_order(pdf)]
    groups = list(dict.fromkeys(order))
    assert groups == ["item:kind-staff:doing", "item:kind-staff:support", "item:no-item:doing", "item:no-item:support",
                      "comments:people", "item:calm-rooms:doing", "item:calm-rooms:support", "comments:place"]
    assert len(order) == 6 * 5 + 2


# Every fillable form of the bundled programmes: every audience, individual and group --------------------

def _forms(site: Path) -> list[Path]:
    return sorted(site.rglob("*-fillable.pdf"))


def _questionnaire(project: Path, pdf: pikepdf.Pdf):
    """The questionnaire and audience a form answers, from its identification fields."""
    fields = _fields(pdf)
    value = {name: str(fields[name].V) if name in fields else None for name in HIDDEN_FIELDS}
    content = next(c for c in pipeline.check(pipeline.Project.open(project))
                   if c.programme.id == value["auditpack:programme"])
    q = content.questionnaire(value["auditpack:questionnaire"])
    audience = next((a for a in q.audiences if a.id == value["auditpack:audience"]), None)
    return q, audience


def _check_form(project: Path, form: Path) -> None:
    """Every field of one form named for a person, by what is printed beside it."""
    printed = " ".join(all_text(form).split())
    with pikepdf.open(form) as pdf:
        q, audience = _questionnaire(project, pdf)
        fields = _fields(pdf)
        assert not any("/Parent" in f for f in pdf.Root.AcroForm.Fields), form.name
        checked = set()
        for section in q.sections_for(audience):
            for item in section.items:
                for dim in q.dimensions:
                    group = fields[f"item:{item.id}:{dim.id}"]
                    name = str(group.TU)
                    number = f"{q.item_number(item)}. "
                    assert name.startswith(number) and name.endswith(f" — {dim.question}"), (form.name, name)
                    statement = name[len(number):-len(f" — {dim.question}")]
                    assert f"{number}{statement}" in printed, f"{form.name}: the name is not what is printed: {name}"
                    answers = [f"{p.key} {p.label}" for p in q.scale] + ([q.dont_know_label] if dim.dont_know else [])
                    assert [str(kid.TU) for kid in group.Kids] == [f"{name} — {a}" for a in answers], form.name
                    checked.add(f"item:{item.id}:{dim.id}")
        assert checked == {name for name in fields if name.startswith("item:")}, form.name
        for field_name, field in fields.items():
            if field_name not in HIDDEN_FIELDS:
                assert str(field.get("/TU", field_name)) != field_name, f"{form.name}: {field_name} speaks its id"
        order = tab_order(pdf)
        first_item = q.sections_for(audience)[0].items[0]
        assert _field_name(order[0]).startswith(f"item:{first_item.id}:"), form.name
        assert not {_field_name(w) for w in order} & set(HIDDEN_FIELDS), form.name


@pytest.mark.slow
def test_every_bundled_fillable_form(bundled_build):
    forms = _forms(bundled_build / "site" / "downloads")
    assert len(forms) == 7, [f.name for f in forms]
    for form in forms:
        _check_form(REPO, form)


@pytest.mark.slow
def test_record_columns_are_named_by_statement(columns_build):
    form = columns_build / STAGE / "group-rating-fillable.pdf"
    _check_form(columns_build, form)
    with pikepdf.open(form) as pdf:
        fields = _fields(pdf)
        evidence, priority = fields["record:vision:evidence"], fields["record:vision:priority"]
        assert str(evidence.TU).startswith("1. ") and str(evidence.TU).endswith(" — Evidence"), str(evidence.TU)
        assert str(priority.TU).startswith("1. ") and str(priority.TU).endswith(" — Priority"), str(priority.TU)
