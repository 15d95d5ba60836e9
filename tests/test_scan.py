"""``auditpack scan``: real forms printed, filled with known marks, degraded, scanned and collated.

The forms are the ones the build made (rendered by PDFium, a renderer WeasyPrint has no part in);
the marks are drawn through each form's layout, so the test knows every answer; the scans are
degraded as a scanner or a phone would (tests/scan_synthetic.py). Counts are compared after
``auditpack collate`` has read the scan folder, so the whole way from paper to report is checked.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from auditpack import pipeline
from auditpack.cli import main
from auditpack.collate.readers import Target, read_inputs
from auditpack.model import Content

from . import scan_synthetic as synth
from .pdf_reading import page_texts
from .test_collate_online_form import axe_violations


def copy_project(source: Path, target: Path) -> Path:
    """A built project with its site (and so its layouts), without its cache."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", ".*"))
    return target

pytestmark = pytest.mark.slow


@pytest.fixture
def mini(mini_build, tmp_path) -> Path:
    """A copy of the built tiny programme (site and layouts included), to scan into."""
    return copy_project(mini_build, tmp_path / "mini")


def form(project: Path, name: str = "response-form.pdf") -> Path:
    return next(project.joinpath("site").rglob(name))


def target(project: Path, questionnaire: str) -> Target:
    programmes: list[Content] = pipeline.check(pipeline.Project.open(project))
    return next(Target(c, q) for c in programmes for q in c.questionnaires if q.id == questionnaire)


def expected(given: dict[str, str]) -> dict[tuple[str, str], Counter]:
    return {(f.split(":")[1], f.split(":")[2]): Counter({v: 1}) for f, v in given.items()}


def counted(project: Path, folder: Path, questionnaire: str):
    return read_inputs([folder], target(project, questionnaire))


def scan(project: Path, *args: str) -> int:
    return main(["scan", "--project", str(project), "-q", *args])


def test_a_scanner_pdf_in_any_order_and_either_way_up_is_read_and_collated(mini, tmp_path, capsys):
    rng = random.Random(7)
    copies, answers = [], []
    for _ in range(3):
        sheets = synth.render(form(mini), 200)
        filled = synth.fill_form(sheets, rng, change_share=0.2)
        answers.append(filled.given)
        pages = [synth.degrade(s.image, rng, rotate=4) for s in sheets]
        pages.reverse()  # fed last page first
        pages[0] = np.ascontiguousarray(np.rot90(pages[0], 2))  # and one sheet upside down
        copies += pages
    synth.save_pdf(copies, tmp_path / "scan.pdf")
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 0, capsys.readouterr()
    assert len(list((out / "answers").glob("*.json"))) == 3
    again = tmp_path / "again"  # in one process this time: the same bytes, whatever the timing
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(again), "-j", "1") == 0
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    differ = [f for f in files if (out / f).read_bytes() != (again / f).read_bytes()
              .replace(str(again).encode(), str(out).encode())]  # the review page names its folder
    assert differ == [], differ
    inputs = counted(mini, out, "wellbeing")
    assert not inputs.skipped, inputs.skipped  # the pictures, review page and state are not read as answers
    total: dict = {}
    for given in answers:
        for key, counter in expected(given).items():
            total.setdefault(key, Counter()).update(counter)
    assert inputs.totals() == total
    assert inputs.responses == 3
    report = tmp_path / "report"
    assert main(["collate", "--questionnaire", "wellbeing", str(out), "--project", str(mini), "--out", str(report)]) \
        == 0
    assert "Counted 3 responses" in capsys.readouterr().out


def test_phone_photos_with_perspective_and_shadow_are_read(mini, tmp_path, capsys):
    rng = random.Random(11)
    sheets = synth.render(form(mini), 240)
    filled = synth.fill_form(sheets, rng)
    photos = tmp_path / "photos"
    photos.mkdir()
    for n, sheet in enumerate(sheets):
        image = synth.degrade(sheet.image, rng, photo=True, quality=60, noise=8, light=0.45)
        cv2.imwrite(str(photos / f"IMG_{n}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 70])
    out = tmp_path / "scanned"
    assert scan(mini, str(photos), "--out", str(out)) == 0, capsys.readouterr()
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)


def test_a_group_rating_form_is_read_as_one_group(bundled_build, tmp_path, capsys):
    project = copy_project(bundled_build, tmp_path / "project")
    pdf = form(project, "group-rating-wellbeing-review-staff.pdf")
    rng = random.Random(5)
    sheets = synth.render(pdf, 200)
    filled = synth.fill_form(sheets, rng)
    noted = next(sheet for sheet in sheets if sheet.layout["writing"])
    written = noted.layout["writing"][:2]  # the group notes evidence beside its first statement
    assert [area["field"].split(":")[0] for area in written] == ["record", "record"]
    for area in written:
        synth.scribble(noted, area, rng)
    synth.save_pdf([synth.degrade(s.image, rng) for s in sheets], tmp_path / "group.pdf")
    out = tmp_path / "scanned"
    assert scan(project, str(tmp_path / "group.pdf"), "--out", str(out)) == 0, capsys.readouterr()
    inputs = counted(project, out, "wellbeing-review")
    assert inputs.totals() == expected(filled.given)
    assert [c.rater for c in inputs.counted] == ["group"] and inputs.counted[0].audience == "staff"
    answers = json.loads(next((out / "answers").glob("*.json")).read_text())
    notes = {f"record:{item}:{column}": text for item, columns in answers["record"].items()
             for column, text in columns.items()}
    assert sorted(notes) == sorted(area["field"] for area in written)  # the empty areas are not kept
    for text in notes.values():
        picture = out / text.removeprefix("(handwritten: see ").removesuffix(")")
        assert picture.stat().st_size > 1000 and picture.suffix == ".png"
    assert [t[:2] for t in inputs.counted[0].record_text] == [tuple(f.split(":")[1:]) for f in sorted(notes)]


def doubtful_scan(mini: Path, tmp_path: Path):
    """A scan with two doubts on its first page: two boxes ticked, and a faint stroke beside an answer.
    Returns the answers meant, the two questions doubted, and the second box ticked in the first."""
    rng = random.Random(3)
    sheets = synth.render(form(mini), 200)
    filled = synth.fill_form(sheets, rng, blank_share=0)
    first, second = list(filled.given)[:2]
    boxes = synth.questions(sheets[0])
    other = next(b for b in boxes[first] if b["value"] != filled.given[first])
    synth.tick(sheets[0], other, rng)
    faint = next(b for b in boxes[second] if b["value"] != filled.given[second])
    synth.tick(sheets[0], faint, rng, ink=200, width_pt=0.8)
    synth.save_pdf([synth.degrade(s.image, rng, rotate=1) for s in sheets], tmp_path / "scan.pdf")
    return filled, first, second, other


def test_doubts_wait_for_review_and_decisions_settle_them(mini, tmp_path, capsys):
    filled, first, second, other = doubtful_scan(mini, tmp_path)
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 1
    printed = capsys.readouterr().out
    assert "1 waiting for review (2 questions)" in printed and "review.html" in printed
    assert not list((out / "answers").glob("*.json"))  # no half-read form is ever counted
    state = json.loads((out / "scan-state.json").read_text())
    doubts = {d["field"]: d for d in state["responses"][0]["doubts"]}
    assert set(doubts) == {first, second}
    assert set(doubts[first]["candidates"]) == {filled.given[first], other["value"]}
    for doubt in doubts.values():
        assert (out / doubt["picture"]).stat().st_size > 500
    html = (out / "review.html").read_text()
    assert html.count("<fieldset") == 2 and "http" not in html.replace("http-equiv", "")
    decisions = {"format": "auditpack-scan-decisions", "format_version": 1,
                 "decisions": {doubts[first]["id"]: filled.given[first], doubts[second]["id"]: filled.given[second]}}
    (tmp_path / "decisions.json").write_text(json.dumps(decisions))
    assert scan(mini, "--apply-review", str(tmp_path / "decisions.json"), "--out", str(out)) == 0
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)
    assert "<fieldset" not in (out / "review.html").read_text()


def test_bad_pages_are_named_and_the_rest_still_read(mini, bundled_build, tmp_path, capsys):
    rng = random.Random(9)
    sheets = synth.render(form(mini), 200)
    filled = synth.fill_form(sheets, rng)
    good = [synth.degrade(s.image, rng, rotate=1) for s in sheets]
    stranger = synth.render(form(bundled_build, "response-form-wellbeing-review-staff.pdf"), 200)[0].image
    blank = np.full_like(good[0], 255)
    no_code = good[0].copy()
    no_code[: no_code.shape[0] // 8, no_code.shape[1] // 2:] = 255  # the top right corner cut off
    tiny = cv2.resize(good[1], (good[1].shape[1] // 8, good[1].shape[0] // 8), interpolation=cv2.INTER_AREA)
    pages = [good[0], good[1], good[1], stranger, blank, no_code, tiny]
    synth.save_pdf(pages, tmp_path / "scan.pdf")
    (tmp_path / "notes.txt").write_text("not a scan")
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), str(tmp_path / "notes.txt"), "--out", str(out)) == 1
    err = capsys.readouterr().err
    where = f"{tmp_path / 'scan.pdf'}, page"
    assert f"{where} 3: it is the same sheet as" in err
    assert f"{where} 4: its code names form" in err and "--layouts" in err
    assert f"{where} 6: no page code could be read" in err
    assert f"{where} 7: it was scanned at about" in err or f"{where} 7: the image is only" in err \
        or f"{where} 7: no page code" in err
    assert "notes.txt: it is not a scan" in err
    state = json.loads((out / "scan-state.json").read_text())
    assert state["blank"] == [f"{tmp_path / 'scan.pdf'}, page 5"]
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)


def test_a_missing_page_is_a_doubt_not_a_silent_half_form(mini, tmp_path, capsys):
    rng = random.Random(2)
    sheets = synth.render(form(mini), 200)
    synth.fill_form(sheets, rng)
    synth.save_pdf([synth.degrade(sheets[0].image, rng)], tmp_path / "scan.pdf")
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 1
    doubts = json.loads((out / "scan-state.json").read_text())["responses"][0]["doubts"]
    assert [d["field"] for d in doubts] == [None] and "page(s) 2 of this 2-page form" in doubts[0]["reason"]


def test_forms_printed_by_an_earlier_build_are_read_with_its_layouts(mini, tmp_path, capsys):
    earlier = tmp_path / "earlier"
    shutil.copytree(mini / "site", earlier)
    rng = random.Random(4)
    sheets = synth.render(form(mini), 200)
    filled = synth.fill_form(sheets, rng)
    synth.save_pdf([synth.degrade(s.image, rng) for s in sheets], tmp_path / "scan.pdf")
    shutil.rmtree(mini / "site")  # the project's own output no longer has the form
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 2
    assert "no scannable forms built yet" in capsys.readouterr().err
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out), "--layouts", str(earlier)) == 0
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)


def test_a_multi_page_tiff_is_read(mini, tmp_path, capsys):
    from PIL import Image

    rng = random.Random(8)
    sheets = synth.render(form(mini), 300)
    filled = synth.fill_form(sheets, rng)
    images = [Image.fromarray(synth.degrade(s.image, rng, quality=90)) for s in sheets]
    images[0].save(tmp_path / "scan.tif", save_all=True, append_images=images[1:], compression="tiff_deflate")
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.tif"), "--out", str(out)) == 0, capsys.readouterr()
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)


def test_scan_never_replaces_a_folder_it_did_not_make(mini, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("precious")
    assert scan(mini, str(tmp_path), "--out", str(mine)) == 2
    assert (mine / "keep.txt").read_text() == "precious"
    assert "auditpack did not make it" in capsys.readouterr().err


def test_the_review_page_works_offline_in_a_browser(mini, tmp_path, chromium, capsys):
    filled, first, second, _ = doubtful_scan(mini, tmp_path)
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 1
    saved = chromium.run(_decide_in_the_browser, out / "review.html", tmp_path)
    chosen = json.loads(saved.read_text())["decisions"]
    first_choice = next(value for doubt, value in chosen.items() if doubt.endswith("/" + first))
    assert next(value for doubt, value in chosen.items() if doubt.endswith("/" + second)) == filled.given[second]
    assert scan(mini, "--apply-review", str(saved), "--out", str(out)) == 0
    assert counted(mini, out, "wellbeing").totals() == {
        **expected(filled.given), (first.split(":")[1], first.split(":")[2]): Counter({first_choice: 1})}


def _decide_in_the_browser(browser, review: Path, tmp_path: Path) -> Path:
    """Open the review page from disk, check it (axe, no requests, pictures shown), choose box 1 for
    the two-ticks question and the meant answer for the other, and save the decisions."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(review.as_uri())
    assert axe_violations(page) == []
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 40)")
    sets = page.locator("fieldset")
    assert sets.count() == 2
    for n in range(2):
        sets.nth(n).get_by_role("radio").first.check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save decisions").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert page.get_by_role("status").text_content() == "2 of 2 decided, saved as decisions.json"
    assert all(url.startswith(("file:", "blob:")) for url in requests), requests
    context.close()
    return path


def test_an_iphone_heic_photo_is_read(mini, tmp_path, capsys):
    pillow_heif = pytest.importorskip("pillow_heif")
    from PIL import Image

    pillow_heif.register_heif_opener()
    rng = random.Random(12)
    sheets = synth.render(form(mini), 220)
    filled = synth.fill_form(sheets, rng)
    photos = tmp_path / "photos"
    photos.mkdir()
    for n, sheet in enumerate(sheets):
        image = synth.degrade(sheet.image, rng, photo=True, quality=85, light=0.35)
        Image.fromarray(image).save(photos / f"IMG_{n}.HEIC", quality=80)
    out = tmp_path / "scanned"
    assert scan(mini, str(photos), "--out", str(out)) == 0, capsys.readouterr()
    assert counted(mini, out, "wellbeing").totals() == expected(filled.given)


def test_decisions_that_do_not_fit_are_refused_and_nothing_changes(mini, tmp_path, capsys):
    doubtful_scan(mini, tmp_path)
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "scan.pdf"), "--out", str(out)) == 1
    state = (out / "scan-state.json").read_bytes()
    doubt = json.loads(state)["responses"][0]["doubts"][0]["id"]
    wrong = tmp_path / "wrong.json"
    for decisions, said in (
            ({"format": "auditpack-scan-decisions", "decisions": {doubt: "<script>"}}, "is not one of"),
            ({"format": "something else"}, "not a decisions file saved from review.html"),
            ({"format": "auditpack-scan-decisions", "decisions": [1, 2]}, "is not a list of doubts")):
        wrong.write_text(json.dumps(decisions))
        assert scan(mini, "--apply-review", str(wrong), "--out", str(out)) == 2
        assert said in capsys.readouterr().err
        assert (out / "scan-state.json").read_bytes() == state
    wrong.write_text("{not json")
    assert scan(mini, "--apply-review", str(wrong), "--out", str(out)) == 2
    assert "cannot be read" in capsys.readouterr().err
    (out / "scan-state.json").write_text(json.dumps({"responses": [{"doubts": [{"id": doubt}]}]}))
    wrong.write_text(json.dumps({"format": "auditpack-scan-decisions", "decisions": {doubt: "1"}}))
    assert scan(mini, "--apply-review", str(wrong), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "is not as scan wrote it" in err and "Traceback" not in err


def test_a_pdf_page_the_size_of_a_wall_is_drawn_no_larger_than_a_photo(mini, tmp_path, capsys):
    import pikepdf

    huge = pikepdf.new()
    huge.add_blank_page(page_size=(14400, 14400))  # 200 inches square: 40,000 pixels a side at 200 dpi
    huge.save(tmp_path / "huge.pdf")
    out = tmp_path / "scanned"
    assert scan(mini, str(tmp_path / "huge.pdf"), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert "huge.pdf, page 1: left out (a blank page)" in err and "no page of a scannable form" in err


def test_a_group_recording_form_gives_its_priorities_and_notes(bundled_build, tmp_path, capsys):
    """The recorder's form of the ARA's group discussions: no ratings, but a priority ticked and notes
    written beside each statement discussed. collate counts the priorities and keeps the notes."""
    project = copy_project(bundled_build, tmp_path / "project")
    pdf = next(project.joinpath("site").rglob("stage-3-group-discussion/group-recording.pdf"))
    assert "did not discuss. To change an answer, fill its box in and tick the new one." in page_texts(pdf)[0]
    rng = random.Random(6)
    sheets = synth.render(pdf, 200)
    filled = synth.fill_form(sheets, rng, blank_share=0.3)  # the priorities; some statements not discussed
    noted = [area for sheet in sheets[:2] for area in sheet.layout["writing"][:3]]
    for sheet in sheets[:2]:
        for area in sheet.layout["writing"][:3]:
            synth.scribble(sheet, area, rng)
    last = sheets[-1].layout["writing"][-1]
    assert last["field"] == "comments:general"  # "Anything else the group wants to say"
    synth.scribble(sheets[-1], last, rng)
    synth.save_pdf([synth.degrade(s.image, rng) for s in sheets], tmp_path / "recording.pdf")
    out = tmp_path / "scanned"
    assert scan(project, str(tmp_path / "recording.pdf"), "--out", str(out)) == 0, capsys.readouterr()
    inputs = counted(project, out, "staff-audit")
    assert not inputs.skipped and [c.rater for c in inputs.counted] == ["group"]
    assert inputs.totals() == {}  # a recording form asks for no ratings
    assert {tuple(f.split(":")[1:]): Counter({v: 1}) for f, v in filled.given.items()} == inputs.record_totals()
    assert len(noted) == 6 and sorted(f"record:{i}:{c}" for i, c, _ in inputs.counted[0].record_text) == \
        sorted(area["field"] for area in noted)
    assert inputs.counted[0].comments == 1
