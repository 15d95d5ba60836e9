"""The packaged typefaces: what they cover, and how a character none covers is named."""

from __future__ import annotations

import pytest

from auditpack import typefaces


@pytest.mark.parametrize("text", ["Croeso i'r ŵyl a'r tŷ", "مرحبا", "اردو", "नमस्ते", "বাংলা", "שלום", "Привет", "Γειά",
                                  "Zażółć gęślą jaźń", "Română: știință"])
def test_the_languages_schools_send_home_in_are_covered(text):
    missing = [c for c in text if ord(c) not in typefaces.coverage() and not typefaces.needs_no_glyph(c)]
    assert missing == []


@pytest.mark.parametrize("character, script", [("中", "Chinese or Japanese (Han)"), ("ਪ", "Gurmukhi (Punjabi)"),
                                               ("😀", "emoji or symbols"), ("ก", "Thai"), ("ა", "Georgian")])
def test_a_character_is_named_by_its_script(character, script):
    assert typefaces.script_of(character) == script


def test_uncovered_scripts_are_not_in_the_bundled_faces():
    assert not {ord("中"), ord("ਪ"), ord("😀")} & typefaces.coverage()


def test_a_script_with_an_optional_package_names_it():
    assert typefaces.SCRIPT_PACKAGES["Thai"] == "fontpkg-noto-sans-thai"
    assert all(face in typefaces.installed() for face in typefaces.BUNDLED)


@pytest.mark.parametrize("character", [" ", "\n", "\u200d", "\u200f", "\u00ad"])
def test_invisible_characters_need_no_glyph(character):
    assert typefaces.needs_no_glyph(character)
