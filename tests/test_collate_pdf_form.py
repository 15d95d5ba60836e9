"""Untrusted PDFs: each kind of bad file is skipped with a reason a person can act on, never a traceback."""

from __future__ import annotations

import io
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
from .test_collate_filling import fill_pypdf, mini_content, mini_form, random_answers  # noqa: F401 (fixture)


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
    def edit(fields):
        for name, value in values.items():
            fields[f"auditpack:{name}"][NameObject("/V")] = TextStringObject(value)
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
    reasons = {s.path.rpartition("/")[2]: s.reason for s in inputs.skipped}
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
