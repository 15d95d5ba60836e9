"""The table of document kinds is the only place kinds are named, and every kind in it works."""

import ast
import datetime as dt
from pathlib import Path

import markupsafe
import pytest

from auditpack import documents, kinds, pipeline
from auditpack.kinds import FORMATS, KINDS, PDF, VARIANTS
from auditpack.render import editions, print_html, word
from auditpack.render.cache import PdfCache
from auditpack.schema import content_schema
from auditpack.template_folders import PACKAGED, TemplateFolders

PACKAGE = Path(kinds.__file__).parent
SAME_WORD = {("output.py", "collation")}
"""Strings that are a kind's name by chance: output.COLLATION names the collation report's output folder."""


@pytest.fixture(scope="module")
def bundled_plan(bundled_programmes):
    """The bundled programmes' plan, with the record-columns fixture's (groups that rate) until a bundled
    programme has groups that rate."""
    columns = pipeline.check(pipeline.Project.open(Path(__file__).parent / "fixtures" / "columns"))
    return documents.plan([*bundled_programmes, *columns], tuple(VARIANTS))


def test_no_module_but_the_table_names_a_kind():
    """A kind written as a string anywhere else is a hand-kept table that the next new kind would miss."""
    named = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module == Path(kinds.__file__):
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in KINDS \
                    and (module.relative_to(PACKAGE).as_posix(), node.value) not in SAME_WORD:
                named.append(f"{module.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert not named, "kinds named outside auditpack/kinds.py:\n" + "\n".join(named)


def test_every_kind_the_planner_emits_is_declared_and_the_bundled_programmes_use_every_kind(bundled_plan):
    emitted = {d.kind for d in bundled_plan.all_documents}
    assert emitted <= set(KINDS)
    assert emitted == set(KINDS), f"no bundled document exercises {sorted(set(KINDS) - emitted)}"


def test_every_kind_renders_in_every_format_it_declares(bundled_plan):
    env = print_html.environment(TemplateFolders((PACKAGED,)))
    for name, kind in KINDS.items():
        assert (PACKAGED / "print" / kind.template).is_file(), f"{name} has no print template"
        doc = next(d for d in bundled_plan.documents if d.kind == name)
        html = print_html.render_document(env, doc, print_html.PrintOptions())
        assert f"<h1>{markupsafe.escape(doc.title)}</h1>" in html
        for format_name in kind.formats:
            assert format_name in FORMATS, f"{name} declares an unknown format {format_name!r}"
            if format_name != PDF.name:
                assert word.layout(name), f"{name} offers {format_name} but has no layout in render/word.py"
                data = editions.RENDERERS[format_name](doc, print_html.PrintOptions(),
                                                       dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
                assert data.startswith(FORMATS[format_name].magic)
        assert set(kind.variants) <= set(VARIANTS)


def test_the_plan_makes_an_edition_of_each_standard_document_in_each_other_format(bundled_plan, bundled_programmes):
    expected = {(d.path, f) for d in bundled_plan.documents for f in d.declared.formats if f != PDF.name}
    assert {(e.document.path, e.format.name) for e in bundled_plan.editions} == expected
    assert all(e.path == e.document.path.removesuffix(".pdf") + e.format.extension for e in bundled_plan.editions)
    assert expected, "no bundled kind offers a format besides PDF"
    assert documents.plan(bundled_programmes, formats=(PDF.name,)).editions == ()  # school packs: PDFs only


def test_the_schema_offers_the_declared_kinds_in_their_order():
    assert content_schema()["$defs"]["DocumentSpec"]["properties"]["kind"]["enum"] == list(KINDS)


def test_the_cache_keeps_each_format_under_its_own_extension_and_refuses_another_format(tmp_path):
    cache = PdfCache(tmp_path)
    cache.put("ab" * 32, b"PK\x03\x04 a zip", 0, FORMATS["docx"])
    assert cache.get("ab" * 32, FORMATS["docx"]) == (b"PK\x03\x04 a zip", 0)
    assert [p.name for p in tmp_path.rglob("*.docx")] == ["ab" * 32 + ".docx"]
    cache.put("cd" * 32, b"%PDF-1.7 a pdf", 1)
    assert cache.get("cd" * 32, FORMATS["docx"]) is None  # not a Word file, so never served as one
    assert cache.get("cd" * 32) == (b"%PDF-1.7 a pdf", 1)
