"""Names from content cannot put a file anywhere but inside the output folder, or clash there.

Ids are the only names content gives to files and folders; they are checked when the content is
read (with the file, line and column), and every output path is checked again just before
writing, where nothing at all is written if one path is unsafe.
"""

from __future__ import annotations

import contextlib
import io

import pytest
import yaml

from auditpack import documents, pipeline
from auditpack.cli import main
from auditpack.load import load_yaml_file
from auditpack.output import UnsafeOutputPath, check_paths, write_files


@pytest.mark.parametrize("file, old, new, message", [
    ("programme.yml", "  id: mini", "  id: ../../etc", "'id': '../../etc' is not a valid id"),
    ("programme.yml", "  id: mini", "  id: /tmp/mini", "'id': '/tmp/mini' is not a valid id"),
    ("programme.yml", "  id: mini", "  id: 'C:\\mini'", "is not a valid id"),
    ("programme.yml", "  id: mini", "  id: Mini", "'id': 'Mini' is not a valid id"),
    ("programme.yml", "  id: mini", "  id: con", "'con' cannot be an id: Windows reserves the name"),
    ("stages.yml", "    id: prepare", "    id: nul", "'nul' cannot be an id: Windows reserves the name"),
    ("stages.yml", "    id: prepare", "    id: ../prepare", "'id': '../prepare' is not a valid id"),
    ("stages.yml", "  - id: ethos", "  - id: lpt1", "'lpt1' cannot be an id: Windows reserves the name"),
    ("guidance.yml", "      - id: people", "      - id: aux", "'aux' cannot be an id: Windows reserves the name"),
    ("guidance.yml", "      - id: people", "      - id: people/../../x", "is not a valid id"),
])
def test_ids_that_would_be_unsafe_file_names_are_content_errors(mini_project, file, old, new, message):
    path = mini_project / "content" / "mini" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--project", str(mini_project)])
    assert code == 1 and message in err.getvalue() and f"{path}:" in err.getvalue(), err.getvalue()
    assert not (mini_project / "site").exists()


# --- paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, problem", [
    ("../escape.html", "'..'"),
    ("docs/../../escape.html", "'..'"),
    ("/etc/passwd", "absolute"),
    ("C:/Windows/x.pdf", "absolute"),
    ("docs\\..\\..\\x.html", "'\\\\' is not allowed"),
    ("docs/con.pdf", "reserved device name"),
    ("NUL/index.html", "reserved device name"),
    ("docs/Com1.txt", "reserved device name"),
    ("docs/lpt9", "reserved device name"),
    ("docs/name.", "dot or space"),
    ("docs/what?.pdf", "'?' is not allowed"),
    ("docs/a\x00b.pdf", "is not allowed"),
    ("docs//x.pdf", "empty part"),
    ("docs/" + "x" * 256 + ".pdf", "longer than 255 bytes"),
])
def test_unsafe_output_paths_are_refused_before_anything_is_written(tmp_path, path, problem):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UnsafeOutputPath) as refused:
        write_files(out, {"docs/first.html": "fine", path: "bad"})
    assert problem in str(refused.value) and repr(path) in str(refused.value)
    assert list(out.iterdir()) == [] and list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("paths, clash", [
    (["mini/Stage-1/briefing.pdf", "mini/stage-1/briefing.pdf"], "upper and lower case"),
    (["mini/Briefing.PDF", "mini/briefing.pdf"], "upper and lower case"),
    (["caf\u00e9.pdf", "cafe\u0301.pdf"], "accents"),
    (["mini/general", "mini/general/response-form.pdf"], "needs a folder of that name"),
])
def test_outputs_that_windows_or_macos_would_store_as_one_file_are_refused(tmp_path, paths, clash):
    with pytest.raises(UnsafeOutputPath) as refused:
        write_files(tmp_path, dict.fromkeys(paths, "x"))
    assert clash in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_symlink_inside_the_output_folder_cannot_lead_out(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "docs").symlink_to(outside)
    with pytest.raises(UnsafeOutputPath, match="outside the output folder"):
        write_files(out, {"docs/x.html": "x"})
    assert list(outside.iterdir()) == []


def test_two_documents_planned_on_one_path_are_refused(mini_project):
    """Questionnaires 'other' and 'other-blank': the blank form of the first and the standard form of
    the second are both planned at general/response-form-other-blank.pdf, and one would replace the other."""
    guidance = mini_project / "content" / "mini" / "guidance.yml"
    data = load_yaml_file(guidance)[0]
    for qid in ("other", "other-blank"):
        data["questionnaires"].append({**data["questionnaires"][0], "id": qid})
    guidance.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    project = pipeline.Project.open(mini_project)
    plan = documents.plan(pipeline.check(project), tuple(project.config.variants))
    paths = [d.path for d in plan.all_documents] + [p.path for p in plan.packs]
    with pytest.raises(UnsafeOutputPath, match=r"response-form-other-blank\.pdf"):
        check_paths(paths)
