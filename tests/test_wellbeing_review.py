"""The third bundled example as a school prints it: a group rating form per audience, with only the
audience's sections in its own words, Red/Amber/Green by letter and name, the questionnaire's numbers,
and evidence and action columns; its fillable copy says whose answers it holds."""

import pytest

from .pdf_reading import all_text, open_pdf

STAGE = "wellbeing-review/stage-2-review-in-groups"


@pytest.fixture(scope="module")
def forms(bundled_build):
    return bundled_build / "site" / "downloads" / STAGE


@pytest.mark.slow
def test_pupil_council_form_has_its_sections_words_and_columns(forms):
    text = " ".join(all_text(forms / "group-rating-wellbeing-review-pupils.pdf").split())
    for shown in ("2. Teaching and learning about wellbeing", "3. Ethos and environment", "4. Pupil voice",
                  "These sentences are about how our school helps everyone", "R Red", "A Amber", "G Green",
                  "Evidence", "Actions (short term)", "Actions (longer term)",
                  "I feel safe everywhere in school, including outside and online."):
        assert shown in text, shown
    for hidden in ("1. Leadership and vision", "5. Staff wellbeing", "7. Working with families",
                   "score", "median"):
        assert hidden not in text, hidden


@pytest.mark.slow
def test_parent_forum_form_keeps_the_questionnaires_numbers(forms):
    text = " ".join(all_text(forms / "group-rating-wellbeing-review-parents.pdf").split())
    assert "2. Teaching and learning about wellbeing" in text and "7. Working with families" in text
    assert "3. Ethos and environment" not in text
    assert "My child has regular lessons about feelings, relationships and staying healthy." in text


@pytest.mark.slow
def test_fillable_group_form_says_whose_answers_it_holds(forms):
    fields = open_pdf(forms / "group-rating-wellbeing-review-pupils-fillable.pdf").get_fields()
    assert fields["auditpack:audience"]["/V"] == "pupils" and fields["auditpack:rater"]["/V"] == "group"
    assert {name.split(":")[1] for name in fields if name.startswith("record:")} == \
        {name.split(":")[1] for name in fields if name.startswith("item:")}
    columns = {name.split(":")[2] for name in fields if name.startswith("record:")}
    assert columns == {"evidence", "actions-now", "actions-later"}
