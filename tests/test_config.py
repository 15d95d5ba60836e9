"""site_config.yml: defaults, located errors, and colours that stay readable."""

import re

import pytest

from auditpack.config import SiteConfig, contrast_ratio, load_settings
from auditpack.errors import ContentErrors
from auditpack.template_folders import PACKAGED

PRINT_CSS = PACKAGED / "print" / "print.css"


def test_missing_or_empty_file_means_defaults(tmp_path):
    assert load_settings(tmp_path / "none.yml", tmp_path).config == SiteConfig()
    (tmp_path / "empty.yml").write_text("\n")
    assert load_settings(tmp_path / "empty.yml", tmp_path).config.paper == "A4"


def test_unknown_setting_is_located(tmp_path):
    path = tmp_path / "site_config.yml"
    path.write_text("site_name: X\npaper_size: A4\n")
    with pytest.raises(ContentErrors) as caught:
        load_settings(path, tmp_path)
    [error] = caught.value.errors
    assert (error.location.line, error.message) == (2, "unknown setting 'paper_size'")
    assert "paper" in error.expected


def test_low_contrast_brand_colour_is_refused(tmp_path):
    path = tmp_path / "site_config.yml"
    path.write_text("brand:\n  primary: '#7fb2e5'\n")
    with pytest.raises(ContentErrors) as caught:
        load_settings(path, tmp_path)
    [error] = caught.value.errors
    assert error.location.line == 2
    assert "contrast of 2.2" in error.message and "4.5:1" in error.message


def test_contrast_formula_matches_wcag_examples():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54


def test_print_text_colours_are_readable_in_greyscale():
    """Every text colour of the print stylesheet has 4.5:1 on white; ruled lines and borders 3:1."""
    css = PRINT_CSS.read_text()
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css))
    expand = {k: v if len(v) == 7 else "#" + "".join(c * 2 for c in v[1:]) for k, v in variables.items()}
    for name in ("ink", "ink-soft"):
        assert contrast_ratio(expand[name], "#ffffff") >= 4.5, name
        assert contrast_ratio(expand[name], expand["fill"]) >= 4.5, f"{name} on header cells"
    assert contrast_ratio(expand["rule"], "#ffffff") >= 3.0
    assert contrast_ratio(SiteConfig().brand.primary, "#ffffff") >= 4.5


def test_settings_that_used_to_fail_only_the_build_are_located(tmp_path):
    """``language: xx`` and ``logo: ../x`` passed ``check``; the build then failed without a line."""
    path = tmp_path / "site_config.yml"
    path.write_text("site_name: X\nlanguage: xx\nbrand:\n  logo: ../x.png\n")
    with pytest.raises(ContentErrors) as caught:
        load_settings(path, tmp_path)
    language, logo = caught.value.errors
    assert (language.location.line, language.location.column) == (2, 1)
    assert language.message == "setting 'language': the site cannot be built in this language"
    assert "en, eo" in language.expected and language.hint
    assert (logo.location.line, logo.location.column) == (4, 3)
    assert logo.message == "setting 'brand.logo': not a plain path inside the project folder"


def test_a_misspelt_setting_gets_a_suggestion(tmp_path):
    path = tmp_path / "site_config.yml"
    path.write_text("fotter: x\n")
    with pytest.raises(ContentErrors) as caught:
        load_settings(path, tmp_path)
    assert caught.value.errors[0].hint == "did you mean 'footer'?"


def test_the_logo_is_read_with_the_settings(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    path = tmp_path / "site_config.yml"
    path.write_text("brand:\n  logo: images/logo.svg\n")
    settings = load_settings(path, tmp_path)
    assert settings.logo.kind == "svg" and settings.logo.site_path == "assets/logo.svg"
    assert settings.logo.data_uri().startswith("data:image/svg+xml;base64,")


def test_the_settings_words_in_another_language(tmp_path):
    """A translated edition takes its name, description and footer from 'translations'; a word not
    given there stays as written, and a language's tag is matched however its case is written."""
    path = tmp_path / "site_config.yml"
    path.write_text("site_name: Audit resources\nfooter: Print in black and white.\ntranslations:\n"
                    "  cy:\n    footer: Argraffwch mewn du a gwyn.\n", encoding="utf-8")
    config = load_settings(path, tmp_path).config
    welsh = config.in_language("CY")
    assert (welsh.site_name, welsh.footer) == ("Audit resources", "Argraffwch mewn du a gwyn.")
    assert config.in_language("ar") == config and config.footer_in("ar") == "Print in black and white."


def test_a_translation_of_the_settings_must_be_named_by_a_language_tag(tmp_path):
    path = tmp_path / "site_config.yml"
    path.write_text("translations:\n  ../cy:\n    footer: x\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_settings(path, tmp_path)
    [error] = caught.value.errors
    assert error.code.number == "AP184" and error.location.line == 1
