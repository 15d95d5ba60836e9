"""Four independent PDF engines fill the fillable response form, and collate reads back exactly what each wrote.

pypdf sets field values directly; pdftk-java (Debian's package) fills from an FDF file, mapping an export
value through /Opt as Acrobat does; PDFium clicks each chosen box as a person would, through its
form-filling layer; MuPDF ticks each chosen box through its widget API and saves an incremental update.
The engines write different values into /V, which is why collate reads the state of the chosen widget
instead (see auditpack/collate/pdf_form.py). The helpers here are shared by the other collate tests.
"""

from __future__ import annotations

import ctypes
import json
import random
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from auditpack import pipeline
from auditpack.collate.answers import DONT_KNOW
from auditpack.collate.pdf_form import read_pdf

from .conftest import require
from .pdf_reading import widget_names

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RESPONSES = FIXTURES / "responses"
MINI_FORM = "site/downloads/mini/stage-2-gather/response-form-fillable.pdf"

Answers = dict[tuple[str, str], str]


def mini_content():
    return pipeline.check(pipeline.Project.open(FIXTURES / "mini"))[0]


def random_answers(rng: random.Random, questionnaire, skip: float = 0.1) -> Answers:
    """Known random answers to every question, some left out, as a respondent might."""
    answers = {}
    for item in questionnaire.items:
        for dim in questionnaire.dimensions:
            if rng.random() < skip:
                continue
            values = [p.key for p in questionnaire.scale] + ([DONT_KNOW] if dim.dont_know else [])
            answers[(item.id, dim.id)] = rng.choice(values)
    return answers


def _options(form: Path) -> dict[str, list[str]]:
    reader = pypdf.PdfReader(form)
    return {str(f["/T"]): [str(o) for o in f["/Opt"]]
            for f in (r.get_object() for r in reader.trailer["/Root"]["/AcroForm"]["/Fields"]) if "/Opt" in f}


def fill_pypdf(form: Path, answers: Answers, out: Path, comments: dict[str, str] | None = None) -> Path:
    """pypdf: a radio group's value is its chosen button's state, the button's index in /Opt."""
    options = _options(form)
    values = {f"item:{i}:{d}": f"/{options[f'item:{i}:{d}'].index(v)}" for (i, d), v in answers.items()}
    values |= {f"comments:{section}": text for section, text in (comments or {}).items()}
    writer = pypdf.PdfWriter(clone_from=form)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(out)
    return out


def fill_pdftk(form: Path, answers: Answers, out: Path, texts: dict[str, str] | None = None) -> Path:
    """pdftk-java: FDF with export values ('3', 'dk'), which pdftk maps to states through /Opt; ``texts``
    are text fields to fill, by name."""
    require(shutil.which("pdftk"), "pdftk is missing (apt-get install -y pdftk-java)")
    fields = "".join(f"<< /T (item:{i}:{d}) /V /{v} >>\n" for (i, d), v in answers.items())
    fields += "".join(f"<< /T ({name}) /V ({value}) >>\n" for name, value in (texts or {}).items())
    fdf = out.with_suffix(".fdf")
    fdf.write_text(f"%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n{fields}] >> >>\nendobj\n"
                   "trailer\n<< /Root 1 0 R >>\n%%EOF\n", encoding="latin-1")
    subprocess.run([shutil.which("pdftk"), str(form), "fill_form", str(fdf), "output", str(out)],
                   check=True, capture_output=True)
    fdf.unlink()
    return out


def fill_pdfium(form: Path, answers: Answers, out: Path) -> Path:
    """PDFium: click the centre of each chosen box through the form-fill layer, then save."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    def text(function, *args) -> str:
        size = function(*args, None, 0)
        if size <= 2:
            return ""
        buffer = ctypes.create_string_buffer(size)
        function(*args, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
        return buffer.raw[:size - 2].decode("utf-16-le")

    wanted = {(f"item:{i}:{d}", v) for (i, d), v in answers.items()}
    pdf = pdfium.PdfDocument(str(form))
    pdf.init_forms()
    env = pdf.formenv.raw
    clicked = 0
    for index in range(len(pdf)):
        page = pdf[index]
        raw.FORM_OnAfterLoadPage(page.raw, env)
        for a in range(raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = raw.FPDFPage_GetAnnot(page.raw, a)
            name = text(raw.FPDFAnnot_GetFormFieldName, env, annot)
            if (name, text(raw.FPDFAnnot_GetFormFieldExportValue, env, annot)) in wanted:
                rect = raw.FS_RECTF()
                raw.FPDFAnnot_GetRect(annot, rect)
                x, y = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
                raw.FORM_OnMouseMove(env, page.raw, 0, x, y)  # as a pointer would: enter, press, release
                raw.FORM_OnLButtonDown(env, page.raw, 0, x, y)
                raw.FORM_OnLButtonUp(env, page.raw, 0, x, y)
                raw.FORM_ForceToKillFocus(env)
                clicked += 1
            raw.FPDFPage_CloseAnnot(annot)
        raw.FORM_ForceToKillFocus(env)
        raw.FORM_OnBeforeClosePage(page.raw, env)
    pdf.save(str(out))
    pdf.close()
    assert clicked == len(answers), "PDFium did not find every box to click"
    return out


MUPDF_TICK = """
var doc = new PDFDocument(scriptArgs[0]);
var wanted = JSON.parse(scriptArgs[2]);
var ticked = 0;
for (var p = 0; p < doc.countPages(); p++) {
  var widgets = doc.loadPage(p).getWidgets();
  for (var i = 0; i < widgets.length; i++) {
    var w = widgets[i];
    if (w.getFieldType() == "radiobutton" && wanted.indexOf(w.getLabel()) >= 0) { w.toggle(); w.update(); ticked++; }
  }
}
if (ticked != wanted.length) throw new Error("MuPDF ticked " + ticked + " boxes");
doc.save(scriptArgs[1], "incremental");
"""


def fill_mupdf(form: Path, answers: Answers, out: Path) -> Path:
    """MuPDF (mutool run): tick the box at the answer's index in /Opt through its widget API, found by the
    name MuPDF gives the button (its own tooltip), and save as an incremental update, as MuPDF-based
    viewers (SumatraPDF, zathura) save a filled form."""
    require(shutil.which("mutool"), "mutool is missing (apt-get install -y mupdf-tools)")
    options, names = _options(form), widget_names(form)
    wanted = [names[f"item:{i}:{d}"][options[f"item:{i}:{d}"].index(v)] for (i, d), v in answers.items()]
    script = out.with_suffix(".js")
    script.write_text(MUPDF_TICK, encoding="utf-8")
    subprocess.run([shutil.which("mutool"), "run", str(script), str(form), str(out), json.dumps(wanted)],
                   check=True, capture_output=True)
    script.unlink()
    return out


ENGINES = {"pypdf": fill_pypdf, "pdftk": fill_pdftk, "pdfium": fill_pdfium, "mupdf": fill_mupdf}


@pytest.fixture(scope="session")
def mini_form(mini_build) -> Path:
    return mini_build / MINI_FORM


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_each_engine_round_trips_every_answer(engine, mini_form, tmp_path):
    q = mini_content().questionnaire("wellbeing")
    rng = random.Random(f"engine-{engine}")
    for n in range(4):
        answers = random_answers(rng, q, skip=0.2)
        filled = ENGINES[engine](mini_form, answers, tmp_path / f"{engine}-{n}.pdf")
        response = read_pdf(filled.read_bytes())
        assert response.answers == answers
        assert (response.identity.programme, response.identity.questionnaire, response.identity.version) == \
            ("mini", "wellbeing", "2.1")


@pytest.mark.slow
def test_every_scale_point_and_dont_know_survive_each_engine(mini_form, tmp_path):
    """Each value in each position: catches an engine that shifts indexes or drops 'dk'."""
    q = mini_content().questionnaire("wellbeing")
    values = ["1", "2", "3", "4", "dk"]
    keys = [(item.id, dim.id) for item in q.items for dim in q.dimensions]
    for engine, fill in ENGINES.items():
        for shift in range(len(values)):
            answers = {key: values[(i + shift) % len(values)] for i, key in enumerate(keys)}
            filled = fill(mini_form, answers, tmp_path / f"{engine}-{shift}.pdf")
            assert read_pdf(filled.read_bytes()).answers == answers, engine


def test_comments_are_counted_but_never_read_out(mini_form, tmp_path):
    filled = fill_pypdf(mini_form, {("kind-staff", "doing"): "2"}, tmp_path / "c.pdf",
                        comments={"people": "Sam in year 4 is unkind", "place": "  "})
    response = read_pdf(filled.read_bytes())
    assert response.comments == 1
    assert "Sam" not in repr(response)


def test_the_blank_form_has_no_answers(mini_form):
    response = read_pdf(mini_form.read_bytes())
    assert response.answers == {} and response.identity.questionnaire == "wellbeing"


def fill_pypdf_incremental(form: Path, answers: Answers, out: Path) -> Path:
    """pypdf again, saving as an incremental update on the original, as Acrobat Reader and most viewers do."""
    options = _options(form)
    values = {f"item:{i}:{d}": f"/{options[f'item:{i}:{d}'].index(v)}" for (i, d), v in answers.items()}
    writer = pypdf.PdfWriter(form, incremental=True)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(out)
    return out


def _misplaced_cross_reference(data: bytes) -> bytes:
    """The file with its last ``startxref`` pointing to the wrong place, as a cut-and-pasted or badly
    transferred file may be: a reader must find every object by scanning the file."""
    head, tail = data.rsplit(b"startxref", 1)
    offset = tail.split()[0]
    return head + b"startxref" + tail.replace(offset, b"1".rjust(len(offset), b"0"), 1)


def test_every_engines_form_is_read_alike_intact_and_repaired(mini_form, tmp_path):
    """Each engine's form, and one saved as an incremental update on the original (as Acrobat Reader
    and most viewers save), give the same answers read intact and read after repair."""
    q = mini_content().questionnaire("wellbeing")
    rng = random.Random("agree")
    for engine, fill in {**ENGINES, "pypdf-incremental": fill_pypdf_incremental}.items():
        answers = random_answers(rng, q)
        data = fill(mini_form, answers, tmp_path / f"{engine}.pdf").read_bytes()
        intact, repaired = read_pdf(data), read_pdf(_misplaced_cross_reference(data))
        assert intact == repaired and intact.answers == answers, engine
