"""``auditpack packs --schools``: a folder and a zip per school, bad rows reported by line, shards, shared documents."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from auditpack import batch, pipeline
from auditpack.output import MARKER
from auditpack.schools import request_from_flags

from .file_opens import counted_opens
from .pdf_reading import all_text, page_texts
from .test_cli import run

SCHOOLS = """name,pathway,components
St Anne's Primary,self-led,voice
Ysgol Gynradd Tŷ Gwyn,self-led,voice
Hillside Academy,self-lead,voice;ethos
"Oak, Elm & Ash Federation",supported,
"""
BUILT = {"st-annes-primary": "St Anne's Primary", "ysgol-gynradd-ty-gwyn": "Ysgol Gynradd Tŷ Gwyn",
         "oak-elm-ash-federation": "Oak, Elm & Ash Federation"}


@pytest.fixture(scope="module")
def batch_build(mini_build, tmp_path_factory):
    """The mini programme's packs for the schools above, built twice through the command line, in a
    copy of the tiny build (its cached PDFs are stamped for each school, not rendered again)."""
    root = tmp_path_factory.mktemp("batch") / "mini"
    shutil.copytree(mini_build, root)
    (root / "schools.csv").write_text(SCHOOLS, encoding="utf-8")
    first = run("packs", "--schools", str(root / "schools.csv"), "--project", str(root))
    files = {p.relative_to(root / "schools"): p.read_bytes() for p in (root / "schools").rglob("*") if p.is_file()}
    second = run("packs", "--schools", str(root / "schools.csv"), "--project", str(root), "-q")
    return root, first, second, files


@pytest.mark.slow
def test_bad_row_is_reported_with_its_line_and_the_others_build(batch_build):
    root, first, _, _ = batch_build
    assert first.returncode == 1
    assert f"{root / 'schools.csv'}:4:18: unknown pathway 'self-lead' (expected one of: supported, self-led)" \
        in first.stderr
    assert "hint: did you mean 'self-led'?" in first.stderr and "Traceback" not in first.stderr
    assert "Built packs for 3 schools, 1 failed" in first.stdout
    for slug in BUILT:
        assert (root / "schools" / slug / "mini" / "mini-complete-pack.pdf").is_file()
        assert (root / "schools" / f"{slug}.zip").is_file()
    assert not (root / "schools" / "hillside-academy").exists()


@pytest.mark.slow
def test_each_school_sees_its_own_name_only(batch_build):
    root = batch_build[0]
    for slug, name in BUILT.items():
        folder = root / "schools" / slug / "mini"
        form = page_texts(folder / "stage-2-gather" / "group-recording.pdf")[0]
        cover = page_texts(folder / "mini-complete-pack.pdf")[0]
        assert f"School: {name}" in form and f"Prepared for {name}" in cover
        for other in set(BUILT.values()) - {name}:
            assert other not in form and other not in all_text(folder / "mini-complete-pack.pdf")


@pytest.mark.slow
def test_zip_holds_exactly_the_folder(batch_build):
    root = batch_build[0]
    for slug in BUILT:
        folder = root / "schools" / slug
        with zipfile.ZipFile(root / "schools" / f"{slug}.zip") as archive:
            inside = {i.filename: archive.read(i) for i in archive.infolist()}
            # PDFs stored (compressed already), the scannable forms' layouts (JSON) deflated
            assert all(i.compress_type == (zipfile.ZIP_STORED if i.filename.endswith(".pdf") else zipfile.ZIP_DEFLATED)
                       and i.date_time == (1980, 1, 1, 0, 0, 0) for i in archive.infolist())
            assert any(i.filename.endswith(".layout.json") for i in archive.infolist())
        on_disk = {f"{slug}/{p.relative_to(folder).as_posix()}": p.read_bytes()
                   for p in folder.rglob("*") if p.is_file() and p.name != MARKER}  # bookkeeping, not sent
        assert inside == on_disk and list(inside) == sorted(inside)


@pytest.mark.slow
def test_second_build_is_byte_identical_and_renders_nothing(batch_build):
    root, _, second, files = batch_build
    again = {p.relative_to(root / "schools"): p.read_bytes() for p in (root / "schools").rglob("*") if p.is_file()}
    assert again == files
    assert "0 documents rendered" in second.stdout and second.returncode == 1


@pytest.mark.slow
def test_schools_with_the_same_tailoring_share_documents(mini_project):
    project = pipeline.Project.open(mini_project)
    first = batch.build_school(project, request_from_flags("Bryn School", None, "supported", "ethos"))
    second = batch.build_school(project, request_from_flags("Glan School", None, "supported", "ethos"))
    assert first.rendered > 0 and second.rendered == 0 and second.reused == first.rendered + first.reused
    assert "Glan School" in page_texts(second.output_dir / "mini" / "mini-complete-pack.pdf")[0]


def _jobs(tmp_path: Path, rows: list[str]):
    csv_file = tmp_path / "schools.csv"
    csv_file.write_text("name,pathway\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    from .conftest import FIXTURES
    programmes = pipeline.check(pipeline.Project.open(FIXTURES / "mini"))
    return batch.read_schools(csv_file, programmes, tmp_path / "out")


def test_shards_partition_the_schools_and_stay_put(tmp_path):
    names = [f"School {n}" for n in range(40)]
    jobs, problems = _jobs(tmp_path, names)
    assert not problems
    shards = [{j.request.slug for j in batch.shard(jobs, i, 3)} for i in (1, 2, 3)]
    assert set().union(*shards) == {j.request.slug for j in jobs}
    assert sum(len(s) for s in shards) == len(jobs) and all(shards)
    more, _ = _jobs(tmp_path, ["A New School"] + names)
    assert [{j.request.slug for j in batch.shard(more, i, 3)} - {"a-new-school"} for i in (1, 2, 3)] == shards


def test_row_problems(tmp_path):
    jobs, problems = _jobs(tmp_path, ["Hill School,supported", "Hill school,self-led", ",supported",
                                      "Dale School,supported,extra"])
    assert [j.request.name for j in jobs] == ["Hill School"]
    messages = {(p.location.line, p.location.column): p.message for p in problems}
    assert "same folder, 'hill-school', as line 2" in messages[(3, 1)]
    assert "name" in messages[(4, 1)]
    assert "3 cells, but the header names 2 columns" in messages[(5, 23)]


@pytest.mark.slow
def test_bad_header_and_bad_shard(tmp_path, mini_project):
    (tmp_path / "s.csv").write_text("name,pathwya\nX,supported\n")
    result = run("packs", "--schools", str(tmp_path / "s.csv"), "--project", str(mini_project))
    assert result.returncode == 1 and "s.csv:1:6: unknown column 'pathwya'" in result.stderr
    assert "did you mean 'pathway'?" in result.stderr
    for shard in ("0/2", "3/2", "1of2", "1/0"):
        usage = run("packs", "--schools", str(tmp_path / "s.csv"), "--shard", shard, "--project", str(mini_project))
        assert usage.returncode == 2 and "expected I/N with 1 <= I <= N" in usage.stderr, shard


@pytest.mark.slow
def test_build_py_packs_is_auditpack_packs(tmp_path, mini_project):
    (tmp_path / "s.csv").write_text("name\nX\n")
    for args in (["packs", "--help"],
                 ["packs", "--schools", str(tmp_path / "nope.csv"), "--project", str(mini_project)]):
        ours, theirs = run(*args), run(*args, entry="auditpack")
        assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert run("packs", "--project", str(mini_project)).returncode == 2  # --schools is required


@pytest.mark.slow
def test_every_stamped_pdf_is_tagged_strict_and_qpdf_clean(batch_build):
    import shutil
    import subprocess

    from .pdf_reading import open_pdf

    folder = batch_build[0] / "schools" / "ysgol-gynradd-ty-gwyn"
    pdfs = sorted(folder.rglob("*.pdf"))
    assert len(pdfs) > 10
    for path in pdfs:
        root = open_pdf(path).trailer["/Root"]  # strict: any pypdf warning fails
        assert "/StructTreeRoot" in root and root["/Lang"] and root["/MarkInfo"]["/Marked"], path.name
        if shutil.which("qpdf"):
            result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert result.returncode == 0, (path.name, result.stdout[-300:])


@pytest.mark.slow
def test_file_level_mistakes_are_explained(tmp_path, mini_project):
    cases = {b"Name, Pathway\nSt Anne\xe9s,self-led\n": ("s.csv:2:8: this is not UTF-8 text", 'save as "CSV UTF-8"'),
             b"name;pathway\nX;self-led\n": ("s.csv:1:1: unknown column 'name;pathway'", "separates cells with ';'"),
             b"": ("s.csv:1:1: the file has no header row", ""),
             "name,pathway\nSt Anne's,self-led\n".encode("utf-16-le"):  # Excel's "Unicode text", no BOM
                 ("s.csv: this is UTF-16 text, not UTF-8", 'save as "CSV UTF-8"')}
    for data, (message, hint) in cases.items():
        (tmp_path / "s.csv").write_bytes(data)
        result = run("packs", "--schools", str(tmp_path / "s.csv"), "--project", str(mini_project))
        assert result.returncode == 1 and message in result.stderr and hint in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_many_bad_rows_read_the_file_once_to_show_them(tmp_path):
    """Each bad row once read the whole file again for its line: 4,000 bad rows took 8 s, not 0.1 s."""
    from .conftest import FIXTURES
    schools = tmp_path / "schools.csv"
    schools.write_text("name,pathway\n" + "".join(f"School {i},nowhere\n" for i in range(500)), encoding="utf-8")
    programmes = pipeline.check(pipeline.Project.open(FIXTURES / "mini"))
    with counted_opens(schools) as opens:
        jobs, problems = batch.read_schools(schools, programmes, tmp_path / "out")
    assert (jobs, len(problems)) == ([], 500)
    assert problems[-1].source_line == "School 499,nowhere"
    assert len(opens) == 2  # once to read the rows, once for the lines under the messages


def test_a_bad_row_is_reported_by_one_shard_and_a_bad_file_by_all(tmp_path):
    _, problems = _jobs(tmp_path, ["Good School,supported", "Bad School,nowhere"])
    [problem] = problems
    csv_file = tmp_path / "schools.csv"
    assert sum(batch.reported_here(problem, csv_file, i, 4) for i in (1, 2, 3, 4)) == 1
    (tmp_path / "bad.csv").write_text("nme\nX\n")
    [whole] = batch.read_schools(tmp_path / "bad.csv", [], tmp_path)[1]
    assert all(batch.reported_here(whole, tmp_path / "bad.csv", i, 4) for i in (1, 2, 3, 4))


@pytest.mark.slow
def test_cli_shards_split_the_batch(batch_build):
    root = batch_build[0]
    built, reports = [], 0
    for shard in ("1/2", "2/2"):
        out = root / f"shard-{shard[0]}"
        result = run("packs", "--schools", str(root / "schools.csv"), "--shard", shard, "--out", str(out),
                     "-q", "--project", str(root))
        assert "left to other shards" in result.stdout and "Traceback" not in result.stderr
        reports += result.stderr.count("unknown pathway 'self-lead'")
        built += [p.name for p in out.iterdir() if p.is_dir()] if out.exists() else []
    assert sorted(built) == sorted(BUILT) and reports == 1
