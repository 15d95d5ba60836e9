"""Parallel and incremental rendering give exactly the bytes a serial, clean build gives."""

from __future__ import annotations

import io
import os
import random
import shutil
from pathlib import Path

import pikepdf
import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.kinds import LAYOUT, PDF
from auditpack.render.packs import RenderStats
from auditpack.render.renderer import Renderer
from auditpack.render.workers import PdfWorkers
from auditpack.template_folders import PACKAGED, TemplateFolders

from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text

pytestmark = pytest.mark.slow  # builds repeated to compare them byte for byte


def _render(project: pipeline.Project, workers: int, cache: Path | None = None, stats: RenderStats | None = None,
            reorder: tuple[int, Path | None] | None = None):
    programmes = pipeline.check(project)
    the_plan = plan(programmes, tuple(project.config.variants))
    with Renderer(project.templates, project.config, pipeline.build_date(programmes), project.logo, workers,
                  cache) as renderer:
        if reorder is not None:  # real workers of the same set-up, taking their jobs in another order
            renderer.workers = _ReorderedWorkers(workers, project.templates, renderer.theme, renderer.build_date,
                                                 *reorder)
        outputs = renderer.render(the_plan, stats=stats)
    return {path: output.data for path, output in outputs.items()}


class _ReorderedWorkers(PdfWorkers):
    """Real worker processes and a real job queue, handed each batch of jobs in another order (a
    fixed shuffle). With ``hold``, one worker is kept busy until the packs are handed out, so a
    single process makes every document, in that order, and the others join only for the packs:
    the schedules a loaded machine may or may not happen to give, made on purpose."""

    def __init__(self, count: int, templates: TemplateFolders, theme: str, build_date: int, seed: int,
                 hold: Path | None = None):
        super().__init__(count, templates, theme, build_date)
        self.order, self.hold, self.held = random.Random(seed), hold, None

    def run(self, jobs: list[tuple]):
        jobs = list(jobs)
        self.order.shuffle(jobs)
        if self.hold is not None and self.held is None:  # the documents: hold one worker first
            os.mkfifo(self.hold)
            self.held = self.submit(_wait_for_release, str(self.hold))
        elif self.held is not None:  # the packs: let it go
            with open(self.hold, "wb"):
                pass
            self.held.result()
        return super().run(jobs)


def _wait_for_release(fifo: str) -> None:
    """Runs in a worker: returns once the test has opened and closed the other end of ``fifo``."""
    with open(fifo, "rb") as released:
        released.read()


def _differences(ours: dict[str, bytes], theirs: dict[str, bytes]) -> list[str]:
    return [path for path in ours if ours[path] != theirs[path]]


def _how_they_differ(ours: dict[str, bytes], theirs: dict[str, bytes]) -> str:
    """The message of a failure: the files that differ and, for the first PDF among them, its size,
    pages and fonts both ways, so that a failure seen once on a loaded machine says what changed."""
    different = _differences(ours, theirs)
    pdfs = [path for path in different if path.endswith(".pdf")]
    detail = f"; {pdfs[0]}: {_summary(ours[pdfs[0]])}, against {_summary(theirs[pdfs[0]])}" if pdfs else ""
    return f"{len(different)} files differ: {different}{detail}"


def _summary(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = {str(page.Resources.Font[name].get("/BaseFont")) for page in document.pages
                 if "/Font" in page.Resources for name in page.Resources.Font}
        return f"{len(pdf)} bytes, {len(document.pages)} pages, fonts {sorted(fonts)}"


def _site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _retitle(root: Path, old: str, new: str) -> None:
    stages = root / "content" / "mini" / "stages.yml"
    text = stages.read_text(encoding="utf-8")
    assert f"title: {old}\n" in text
    stages.write_text(text.replace(f"title: {old}\n", f"title: {new}\n"), encoding="utf-8")


def test_parallel_build_equals_a_one_process_build_byte_for_byte(tmp_path, monkeypatch):
    """Every file of the site: PDFs, pages (whose PDF figures are filled in after a parallel
    build lays them out), search index and zip. Workers start before the build date is fixed
    from the content, so the parallel build runs first, with no date fixed yet."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    serial = copy_project(FIXTURES / "mini", tmp_path / "serial")
    parallel = copy_project(FIXTURES / "mini", tmp_path / "parallel")
    pipeline.build(pipeline.Project.open(parallel), options=pipeline.BuildOptions(workers=2))
    pipeline.build(pipeline.Project.open(serial), options=pipeline.BuildOptions(workers=1))
    ours, theirs = _site_files(parallel), _site_files(serial)
    assert len(ours) > 40 and any(path.endswith("-pack.pdf") for path in ours)
    assert list(ours) == list(theirs)
    assert _differences(ours, theirs) == [], _how_they_differ(ours, theirs)
    assert not [path for path, data in ours.items() if b"AUDITPACK" in data]  # every placeholder filled in


def test_a_pdf_does_not_depend_on_which_worker_made_it_or_in_what_order(mini_project, tmp_path):
    """Each document's bytes depend on the document alone, never on what its worker rendered before.
    Schedules the timing of one machine may never give: two workers where one makes every document,
    in a shuffled order, and three workers taking the jobs in another shuffled order."""
    project = pipeline.Project.open(mini_project)
    serial = _render(project, workers=1)
    for count, seed, hold in [(2, 1, tmp_path / "hold"), (3, 2, None)]:
        reordered = _render(project, workers=count, reorder=(seed, hold))
        assert list(reordered) == list(serial)
        assert _differences(reordered, serial) == [], f"{count} workers, shuffle {seed}: " + \
            _how_they_differ(reordered, serial)


def test_incremental_build_equals_a_clean_build_of_the_same_content(mini_build, tmp_path):
    """The edit is built over a copy of the tiny build (its site, record and cached PDFs), as a user's
    second build is; a clean, uncached build of the edited content is the reference."""
    edited = tmp_path / "edited"
    shutil.copytree(mini_build, edited)
    project = pipeline.Project.open(edited)
    _retitle(edited, "Gather views", "Gather everyone's views")
    incremental = pipeline.build(project)
    assert 0 < incremental.rendered < incremental.pdfs  # only what the edit touched

    clean = copy_project(FIXTURES / "mini", tmp_path / "clean")
    _retitle(clean, "Gather views", "Gather everyone's views")
    summary = pipeline.build(pipeline.Project.open(clean), options=pipeline.BuildOptions(use_cache=False))
    assert summary.reused == 0
    ours, theirs = _site_files(edited), _site_files(clean)
    assert list(ours) == list(theirs)
    different = [path for path in ours if ours[path] != theirs[path]]
    assert different == []


def test_editing_one_stage_renders_only_its_documents_and_the_packs_holding_them(mini_build, tmp_path):
    """Starts from a copy of the tiny build's cache, which holds every PDF of the content before the edit."""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    project = pipeline.Project.open(root)
    cache = root / "build" / "cache"
    unchanged = RenderStats()
    _render(project, workers=1, cache=cache, stats=unchanged)
    assert unchanged.paths == [] and unchanged.reused > 0  # the cache is current
    _retitle(root, "Gather views", "Gather views together")
    stats = RenderStats()
    _render(project, workers=1, cache=cache, stats=stats)
    assert stats.paths, "the edit re-rendered nothing"
    stage_two = [p for p in stats.paths if "/stage-2-" in p and not p.endswith("-pack.pdf")]
    packs = sorted(p for p in stats.paths if p.endswith("-pack.pdf"))
    assert packs == ["mini/mini-complete-pack.pdf", "mini/stage-2-gather-pack.pdf"]
    assert sorted(stage_two + packs) == sorted(stats.paths)  # nothing of stage 1 was rendered again


@pytest.mark.parametrize("edit", ["stylesheet", "template"])
def test_a_changed_stylesheet_or_template_re_renders_what_depends_on_it(mini_build, tmp_path, edit):
    """Starts from a copy of the tiny build with the templates copied in: the same HTML and stylesheet,
    so its cache holds every PDF before the edit."""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    shutil.copytree(PACKAGED, root / "templates")
    project = pipeline.Project.open(root)
    cache = root / "build" / "cache"
    unchanged = RenderStats()
    first = _render(project, workers=1, cache=cache, stats=unchanged)
    assert unchanged.paths == [] and unchanged.reused > 0  # the cache is current
    if edit == "stylesheet":
        css = root / "templates" / "print" / "print.css"
        css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.5pt; }\n", encoding="utf-8")
    else:
        template = root / "templates" / "print" / "checkin-log.html.j2"
        text = template.read_text(encoding="utf-8")
        assert "{% endblock %}" in text
        template.write_text(text.replace("{% endblock %}", "<p>Keep this log with the audit file.</p>\n{% endblock %}"),
                            encoding="utf-8")
    stats = RenderStats()
    second = _render(project, workers=1, cache=cache, stats=stats)
    changed = {path for path in first if first[path] != second[path]}
    layouts = {path for path in changed if path.endswith(LAYOUT.extension)}  # read from their PDFs, not rendered
    assert set(stats.paths) == changed - layouts
    assert {path.removesuffix(LAYOUT.extension) + PDF.extension for path in layouts} <= changed
    if edit == "stylesheet":  # every PDF uses print.css (and a new form id changes the layouts); Word does not
        assert stats.reused == 0 and changed - layouts == {path for path in first if path.endswith(".pdf")}
        assert layouts
    else:
        logs = {p for p in first if "checkin-log" in p}
        stage_packs = {path.replace("/checkin-log.pdf", "-pack.pdf") for path in logs}
        assert logs and changed == logs | stage_packs | {"mini/mini-complete-pack.pdf"}
        for path in logs:
            written = tmp_path / "log.pdf"
            written.write_bytes(second[path])
            assert "Keep this log with the audit file." in all_text(written)


def test_workers_are_forked_from_the_worker_server_not_from_a_threaded_caller(tmp_path):
    """Forking a process that runs threads (the preview server, this test runner) can deadlock;
    workers come from the server, which has imported WeasyPrint for them."""
    import os
    import sys
    import threading

    from auditpack.render.workers import PdfWorkers

    if not sys.platform.startswith("linux"):
        pytest.skip("workers come from a fork server on Linux only; elsewhere they are spawned")
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with PdfWorkers(2, TemplateFolders(), "", build_date=0) as workers:
            workers.start()
            parents = {workers.submit(os.getppid).result() for _ in range(4)}
            preloaded = workers.submit(_weasyprint_was_imported_before_the_worker_started).result()
    finally:
        release.set()
        thread.join()
    assert len(parents) == 1 and os.getpid() not in parents
    assert preloaded


def _weasyprint_was_imported_before_the_worker_started() -> bool:
    from auditpack.render import workers
    return workers.IMPORTED_BEFORE_START
