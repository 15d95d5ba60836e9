"""Untrusted PDFs: each kind of bad file is skipped with a reason a person can act on, never a traceback."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess

import pypdf
import pytest
from pypdf.generic import NameObject, TextStringObject

from auditpack.collate.answers import Unusable
from auditpack.collate.pdf_form import read_pdf
from auditpack.collate.readers import Target, read_inputs

from .conftest import require
from .test_collate_filling import (  # noqa: F401 (fixture)
    fill_pdftk,
    fill_pypdf,
    fill_pypdf_incremental,
    mini_content,
    mini_form,
    random_answers,
)


def _edited(form, edit) -> bytes:
    """The form with an edit applied to its field dictionaries through pypdf."""
    writer = pypdf.PdfWriter(clone_from=form)
    fields = {str(f.get_object().get("/T")): f.get_object() for f in writer._root_object["/AcroForm"]["/Fields"]}
    edit(fields)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _reason(data: bytes) -> str:
    with pytest.raises(Unusable) as caught:
        read_pdf(data)
    return str(caught.value)


@pytest.fixture
def filled(mini_form, tmp_path):
    answers = {("kind-staff", "doing"): "3", ("calm-rooms", "support"): "dk"}
    return fill_pypdf(mini_form, answers, tmp_path / "filled.pdf")


def test_truncated_pdf(filled):
    data = filled.read_bytes()
    assert "damaged" in _reason(data[: len(data) // 3]) or "could not be read" in _reason(data[: len(data) // 3])


def test_garbage_after_a_pdf_header():
    reason = _reason(b"%PDF-1.7\n" + bytes(random.Random(4).randrange(256) for _ in range(5000)))
    assert reason.startswith(("it is damaged", "it could not be read", "it has no form fields"))


def test_password_protected_pdf(filled):
    writer = pypdf.PdfWriter(clone_from=filled)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "password-protected" in _reason(out.getvalue())


def test_pdf_with_only_an_owner_password_is_read(filled):
    """Restrictions without a password to open: any viewer opens it, so collate does too."""
    writer = pypdf.PdfWriter(clone_from=filled)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert read_pdf(out.getvalue()).answers == {("kind-staff", "doing"): "3", ("calm-rooms", "support"): "dk"}


def _qpdf_encrypted(filled, tmp_path, user_password: str, key: list[str]) -> bytes:
    """The filled form encrypted by qpdf, as a school's PDF tool or office scanner would save it."""
    require(shutil.which("qpdf"), "qpdf is missing (apt-get install -y qpdf)")
    out = tmp_path / "encrypted.pdf"
    subprocess.run(["qpdf", "--encrypt", user_password, "owner-secret", *key, "--", str(filled), str(out)],
                   check=True, capture_output=True)
    return out.read_bytes()


AES = {"AES-256": ["256"], "AES-128": ["128", "--use-aes=y"]}


@pytest.mark.parametrize("key", AES.values(), ids=AES.keys())
def test_aes_encrypted_form_with_only_an_owner_password_is_read(filled, tmp_path, key):
    """Opens in any viewer without a password, so it is counted (qpdf, under pikepdf, decrypts AES itself)."""
    data = _qpdf_encrypted(filled, tmp_path, "", key)
    assert read_pdf(data).answers == {("kind-staff", "doing"): "3", ("calm-rooms", "support"): "dk"}


@pytest.mark.parametrize("key", AES.values(), ids=AES.keys())
def test_aes_encrypted_form_that_needs_a_password_to_open(filled, tmp_path, key):
    data = _qpdf_encrypted(filled, tmp_path, "user-secret", key)
    assert _reason(data) == ("it is password-protected: it needs a password to open; open it, save a copy "
                             "without a password and add that")


def test_pdf_without_form_fields():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert "no form fields" in _reason(out.getvalue()) and "tally sheet" in _reason(out.getvalue())


def test_someone_elses_fillable_form():
    """A real fillable PDF, made by WeasyPrint, that is not an auditpack response form."""
    from weasyprint import HTML

    data = HTML(string="<form><input name='email'><input type='checkbox' name='agree'></form>").write_pdf(
        pdf_forms=True)
    assert "not an auditpack response form" in _reason(data)


def test_blank_form_is_read_but_has_no_answers(mini_form):
    assert read_pdf(mini_form.read_bytes()).answers == {}


def test_two_boxes_ticked_in_one_question(filled):
    def tick_two(fields):
        group = fields["item:no-item:doing"]
        group[NameObject("/V")] = NameObject("/Off")
        for kid in list(group["/Kids"])[:2]:
            kid.get_object()[NameObject("/AS")] = NameObject(f"/{list(group['/Kids']).index(kid)}")
    assert "2 boxes ticked" in _reason(_edited(filled, tick_two))


def test_value_that_is_none_of_the_boxes(filled):
    def odd_value(fields):
        fields["item:kind-staff:doing"][NameObject("/V")] = NameObject("/9")
    assert "none of its boxes" in _reason(_edited(filled, odd_value))


def _retitled(filled, **values) -> bytes:
    """The form as if it had been made for another questionnaire, programme or version."""
    def edit(fields):
        for name, value in values.items():
            for key in ("/V", "/DV"):
                fields[f"auditpack:{name}"][NameObject(key)] = TextStringObject(value)
    return _edited(filled, edit)


def test_checks_against_the_questionnaire(filled, tmp_path):
    """Another questionnaire or programme is skipped; an older content version is counted and named."""
    content = mini_content()
    target = Target(content, content.questionnaire("wellbeing"))
    cases = {
        "other-questionnaire.pdf": _retitled(filled, questionnaire="staff-audit", programme="blackpool-ara"),
        "other-programme.pdf": _retitled(filled, programme="another-borough"),
        "older-version.pdf": _retitled(filled, version="1.0"),
        "unmarked.pdf": _edited(filled, lambda f: f["auditpack:questionnaire"].__setitem__(
            NameObject("/T"), TextStringObject("questionnaire"))),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    inputs = read_inputs([tmp_path], target)
    reasons = {s.path.rpartition("/")[2]: str(s.reason) for s in inputs.skipped}
    assert reasons["other-questionnaire.pdf"] == ("it answers questionnaire 'staff-audit' of programme "
                                                  "'blackpool-ara', not 'wellbeing'")
    assert reasons["other-programme.pdf"] == "it answers 'wellbeing' of programme 'another-borough', not of 'mini'"
    assert reasons["unmarked.pdf"].startswith("it is not an auditpack response form")
    counted = {c.path.rpartition("/")[2]: c for c in inputs.counted}
    assert set(counted) == {"filled.pdf", "older-version.pdf"}
    assert counted["older-version.pdf"].version == "1.0"


def test_too_many_fields_is_refused_quickly(mini_form, monkeypatch):
    from auditpack.collate import pdf_form

    monkeypatch.setattr(pdf_form, "MAX_FIELDS", 10)
    assert "more than 10 form fields" in _reason(mini_form.read_bytes())


def test_random_answers_never_crash_the_reader(mini_form, tmp_path):
    q = mini_content().questionnaire("wellbeing")
    rng = random.Random(7)
    for n in range(5):
        answers = random_answers(rng, q, skip=0.5)
        assert read_pdf(fill_pypdf(mini_form, answers, tmp_path / f"{n}.pdf").read_bytes()).answers == answers


def test_a_cut_short_incremental_save_is_damaged_not_blank(mini_form, tmp_path):
    """A viewer's 'Save' appends the answers to the blank form; cut short anywhere in that update, the
    file is reported as damaged, never as the blank form (or half the answers) qpdf finds underneath."""
    saved = fill_pypdf_incremental(mini_form, {("kind-staff", "doing"): "3"}, tmp_path / "saved.pdf")
    data, blank = saved.read_bytes(), mini_form.read_bytes()
    assert data.startswith(blank) and len(data) > len(blank) + 100
    for cut in (3, 10, 200, (len(data) - len(blank)) // 2, len(data) - len(blank) - 5):
        assert _reason(data[:-cut]).startswith("it is damaged or not a complete PDF (it does not end as a PDF "
                                               "ends, with %%EOF"), cut
    assert read_pdf(data + b"\r\n\x00").answers == {("kind-staff", "doing"): "3"}  # blank bytes after the end


def test_identification_fields_are_read_only_and_hidden(mini_form):
    """qpdf's own reading of the form: each identification field is read-only (field flag 1), hidden
    (annotation flag 2, and not printed) and keeps the value it was made with as its default."""
    require(shutil.which("qpdf"), "qpdf is missing (apt-get install -y qpdf)")
    shown = subprocess.run([shutil.which("qpdf"), "--json=2", "--json-key=acroform", str(mini_form)],
                           capture_output=True, text=True).stdout
    fields = {f["fullname"]: f for f in json.loads(shown)["acroform"]["fields"]}
    expected = {"auditpack:programme": "u:mini", "auditpack:questionnaire": "u:wellbeing", "auditpack:version": "u:2.1"}
    for name, value in expected.items():
        field = fields[name]
        assert field["fieldflags"] & 1 and field["annotation"]["annotationflags"] & 2, name
        assert not field["annotation"]["annotationflags"] & 4, name  # not printed
        assert field["value"] == field["defaultvalue"] == value
    assert not any(f["fieldflags"] & 1 for n, f in fields.items() if n not in expected)  # answers stay editable


ALTER_WITH_MUPDF = """
var doc = new PDFDocument(scriptArgs[0]), changed = 0;
for (var p = 0; p < doc.countPages(); p++) {
  var widgets = doc.loadPage(p).getWidgets();
  for (var i = 0; i < widgets.length; i++) {
    var w = widgets[i];
    if (w.getLabel() == scriptArgs[2]) { w.setTextValue(scriptArgs[3]); w.update(); changed++; }
  }
}
if (changed != 1) throw new Error("MuPDF changed " + changed + " fields");
doc.save(scriptArgs[1], "incremental");
"""


def test_an_altered_identification_field_is_named(mini_form, tmp_path):
    """Retyped through pdftk's form filling or MuPDF's widget API (which ignore read-only), a changed
    identification field is reported as altered, not as a form of another questionnaire."""
    require(shutil.which("mutool"), "mutool is missing (apt-get install -y mupdf-tools)")
    script = tmp_path / "alter.js"
    script.write_text(ALTER_WITH_MUPDF, encoding="utf-8")
    mupdf = tmp_path / "mupdf.pdf"
    subprocess.run([shutil.which("mutool"), "run", str(script), str(mini_form), str(mupdf), "auditpack:version", "9.9"],
                   check=True, capture_output=True)
    pdftk = fill_pdftk(mini_form, {("kind-staff", "doing"): "3"}, tmp_path / "pdftk.pdf",
                       {"auditpack:questionnaire": "staff-audit"})
    assert _reason(mupdf.read_bytes()) == (
        "its hidden field 'auditpack:version' was altered: the form was made saying '2.1' and now says '9.9', so "
        "what it answers cannot be trusted (add its answers to a tally sheet, or fill in a fresh copy of the form)")
    assert _reason(pdftk.read_bytes()).startswith(
        "its hidden field 'auditpack:questionnaire' was altered: the form was made saying 'wellbeing' and now says "
        "'staff-audit'")
