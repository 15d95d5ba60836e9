"""No silent empty boxes: every character printed is drawn by a packaged face, embedded in the PDF,
and a character no packaged face has is a located warning from ``check`` before anything prints."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from auditpack import codes, pipeline, typefaces, validate

from .conftest import translated_mini

SAMPLES = "Croeso i'r ŵyl · مرحبا بكم في المدرسة · اردو · नमस्ते · বাংলা · שלום · Привет"
"""Welsh, Arabic, Urdu, Hindi, Bengali, Hebrew and Russian: every script a bundled face covers."""

STATEMENT = "            text: Staff are kind to one another.\n"


def with_text(project: Path, text: str) -> Path:
    guidance = project / "content" / "mini" / "guidance.yml"
    source = guidance.read_text(encoding="utf-8")
    assert STATEMENT in source
    guidance.write_text(source.replace(STATEMENT, f'            text: "{text}"\n', 1), encoding="utf-8")
    return guidance


def glyph_warnings(project: Path):
    checked = validate.check_programmes(project / "content")
    return [w for w in checked.warnings if w.code == codes.MISSING_GLYPH]


def test_covered_scripts_give_no_warning(mini_project):
    with_text(mini_project, SAMPLES)
    assert glyph_warnings(mini_project) == []


def test_each_uncovered_script_is_a_warning_at_its_first_character(mini_project):
    guidance = with_text(mini_project, "Staff 中文 and ਪੰਜਾਬੀ 😀 are kind.")
    line = next(n for n, text in enumerate(guidance.read_text(encoding="utf-8").splitlines(), 1) if "中文" in text)
    source_line = guidance.read_text(encoding="utf-8").splitlines()[line - 1]
    found = {w.location.column: w for w in glyph_warnings(mini_project)}
    assert sorted(found) == [source_line.index(c) + 1 for c in "中ਪ😀"]
    assert all(w.location.line == line and w.location.file == str(guidance) for w in found.values())
    han, gurmukhi, emoji = (found[k] for k in sorted(found))
    assert "2 characters of Chinese or Japanese (Han) (中文, first U+4E2D)" in han.message
    assert "Gurmukhi (Punjabi)" in gurmukhi.message and "no font package" in gurmukhi.hint
    assert emoji.message.startswith("1 character of emoji")


def test_a_translation_s_missing_glyphs_are_warned_of_at_its_entry(tmp_path):
    """A translator's text is printed as much as the content's: a character no face has, in a
    translation file, is warned of at its line and column in that file."""
    project = translated_mini(tmp_path / "mini", "cy",
                              lambda number, address, source: "Staff 中文 caredig" if address.endswith(
                                  "items/kind-staff/text") else f"Testun {number}")
    po = project / "content" / "mini" / "translations" / "cy.po"
    [warning] = glyph_warnings(project)
    lines = po.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "中文" in text)
    assert warning.location.file == str(po)
    assert (warning.location.line, warning.location.column) == (line, lines[line - 1].index("中") + 1)
    assert "Chinese or Japanese (Han)" in warning.message


def test_a_script_an_optional_package_covers_names_the_package(mini_project):
    with_text(mini_project, "ภาษาไทย")
    if "Noto Sans Thai" in {face.family for face in typefaces.installed()}:
        pytest.skip("fontpkg-noto-sans-thai is installed here, so Thai prints")
    [warning] = glyph_warnings(mini_project)
    assert "Thai" in warning.message and "pip install fontpkg-noto-sans-thai" in warning.hint


@cache
def family_cmap(family: str) -> frozenset[int]:
    face = next(face for face in typefaces.installed() if face.family.replace(" ", "") == family)
    points: set[int] = set()
    for path, _, _ in typefaces.font_files(face):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def family_of(fontname: str) -> str:
    """'ABCDEF+Noto-Sans-Arabic-Bold' -> 'NotoSansArabic'."""
    name = fontname.split("+", 1)[-1]
    return re.sub(r"-(Bold|Italic|BoldItalic|Regular)$", "", name).replace("-", "")


def unembedded_fonts(path: Path) -> list[str]:
    missing = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
                descendants = font.get("/DescendantFonts", [font])
                for part in descendants:
                    descriptor = part.get("/FontDescriptor", {})
                    if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                        missing.append(str(font.get("/BaseFont")))
    return missing


def glyph_problems(path: Path) -> list[str]:
    """Every character on every page whose font is not a packaged face, or whose face lacks it."""
    families = {face.family.replace(" ", "") for face in typefaces.installed()}
    problems = [f"not embedded: {name}" for name in unembedded_fonts(path)]
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for char in page.chars:
                family = family_of(char["fontname"])
                if family not in families:
                    problems.append(f"page {number}: {char['text']!r} in {char['fontname']}, not a packaged face")
                    continue
                for c in char["text"]:
                    if ord(c) not in family_cmap(family) and not typefaces.needs_no_glyph(c):
                        problems.append(f"page {number}: {c!r} (U+{ord(c):04X}) is not in {family}")
    return problems


@pytest.mark.slow
def test_every_printed_character_is_in_an_embedded_packaged_face(mini_project):
    with_text(mini_project, SAMPLES)
    pipeline.build(pipeline.Project.open(mini_project))
    pdfs = sorted((mini_project / "site" / "downloads").rglob("*.pdf"))
    assert pdfs
    seen = set()
    for pdf in pdfs:
        assert glyph_problems(pdf) == [], pdf.name
        with pdfplumber.open(pdf) as opened:
            seen.update(family_of(c["fontname"]) for page in opened.pages for c in page.chars)
    assert {"NotoSansArabic", "HindSiliguri", "Heebo", "AtkinsonHyperlegible", "NotoSans"} <= seen


@pytest.mark.slow
def test_a_character_no_packaged_face_has_never_comes_from_the_machine(mini_project):
    """The Han characters print as boxes from a packaged face (check warned of them), never in
    DejaVu or another face this machine happens to have."""
    with_text(mini_project, "Staff 中文 are kind.")
    pipeline.build(pipeline.Project.open(mini_project))
    families = {face.family.replace(" ", "") for face in typefaces.installed()}
    for pdf in sorted((mini_project / "site" / "downloads").rglob("*.pdf")):
        with pdfplumber.open(pdf) as opened:
            used = {family_of(c["fontname"]) for page in opened.pages for c in page.chars}
        assert used <= families, (pdf.name, used - families)


def mapped_characters(path: Path) -> dict[str, set[str]]:
    """The characters each font of the PDF maps its glyphs to (its ToUnicode map), by family: every
    glyph drawn is one of them, so this covers every page without laying text out (qpdf reads it)."""
    found: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
                cmap = obj.ToUnicode.read_bytes().decode("latin-1")
                found.setdefault(family_of(str(obj.BaseFont)[1:]), set()).update(cmap_targets(cmap))
    return found


def cmap_targets(cmap: str) -> set[str]:
    """The text a ToUnicode CMap maps glyphs to: its bfchar entries and bfrange runs."""
    def text(hex_: str) -> str:
        return bytes.fromhex(hex_).decode("utf-16-be")
    found = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        found.update(c for t in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block) for c in text(t))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = ord(text(start)[-1])
            found.update(chr(first + i) for i in range(int(high, 16) - int(low, 16) + 1))
    return found


@pytest.mark.slow
def test_every_character_of_the_bundled_build_is_in_an_embedded_packaged_face(bundled_build):
    families = {face.family.replace(" ", "") for face in typefaces.installed()}
    pdfs = sorted((bundled_build / "site").rglob("*.pdf"))  # every edition: English, Welsh, Arabic
    assert len(pdfs) > 200 and any("/ar/" in p.as_posix() for p in pdfs) and any("/cy/" in p.as_posix() for p in pdfs)
    used = set()
    for pdf in pdfs:
        assert unembedded_fonts(pdf) == [], pdf.name
        for family, characters in mapped_characters(pdf).items():
            used.add(family)
            assert family in families, (pdf.name, family)
            assert {c for c in characters if ord(c) not in family_cmap(family) and not typefaces.needs_no_glyph(c)} \
                == set(), (pdf.name, family)
    assert {"NotoSansArabic", "NotoSans", "AtkinsonHyperlegible"} <= used  # Arabic, and Welsh ŵ/ŷ
