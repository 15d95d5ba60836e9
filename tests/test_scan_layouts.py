"""scan/layouts.py: layouts found by form id; a damaged or foreign file is refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from auditpack.scan.layouts import find_layouts

LAYOUT = {"format": "auditpack-scan-layout/1", "form": "0326A0BE", "programme": "mini", "version": "2.1",
          "kind": "response-form", "variant": "standard", "paper": "A4", "questionnaire": "wellbeing",
          "pages": [{"page": 1, "width": 595.28, "height": 841.89, "writing": [
              {"field": "comments:people", "x": 70, "y": 500, "width": 450, "height": 80}], "boxes": [
              {"field": "item:kind:doing", "value": "2", "x": 327, "y": 709, "width": 17, "height": 17},
              {"field": "item:kind:doing", "value": "1", "x": 301, "y": 709, "width": 17, "height": 17},
              {"field": "item:calm:doing", "value": "1", "x": 301, "y": 740, "width": 17, "height": 17}]}]}


def test_layouts_are_found_by_form_id_and_name_the_form_for_people(tmp_path: Path):
    (tmp_path / "site" / "downloads").mkdir(parents=True)
    (tmp_path / "site" / "downloads" / "response-form.layout.json").write_text(json.dumps(LAYOUT))
    layouts, refused = find_layouts([tmp_path / "site"])
    assert refused == [] and list(layouts) == ["0326A0BE"]
    layout = layouts["0326A0BE"]
    assert layout.title == "individual response form (A4) of mini 2.1, form 0326 A0BE"
    questions = layout.pages[0].questions()
    assert list(questions) == ["item:kind:doing", "item:calm:doing"]
    assert [b.value for b in questions["item:kind:doing"]] == ["1", "2"]  # in printed order


def test_a_damaged_or_foreign_layout_is_refused_with_a_reason(tmp_path: Path):
    files = {"a.layout.json": "{not json", "b.layout.json": json.dumps({"format": "other"}),
             "c.layout.json": json.dumps({**LAYOUT, "pages": [{"page": "one"}]}),
             "d.layout.json": json.dumps({**LAYOUT, "programme": ["a list"]})}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    layouts, refused = find_layouts([tmp_path])
    assert layouts == {}
    reasons = {Path(path).name: reason for path, reason in refused}
    assert "not a readable layout file" in reasons["a.layout.json"]
    assert "not a layout written by auditpack" in reasons["b.layout.json"]
    assert "not as auditpack writes them" in reasons["c.layout.json"]
    assert "not as auditpack writes them" in reasons["d.layout.json"]
