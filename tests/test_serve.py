"""The live preview: edits show without a restart, mistakes show as a banner, PDFs on request."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from auditpack import i18n, pipeline
from auditpack.serve import Preview, _watch, serve
from auditpack.template_folders import PACKAGED
from auditpack.watch import Watcher

from .conftest import REPO, translated_mini


@contextlib.contextmanager
def serving(project, poll: bool = False, reader: str = "en-GB"):
    """The preview of ``project`` running as ``auditpack serve`` runs it (its messages in the
    ``reader``'s language), stopped (and waited for) after."""
    started = threading.Event()
    holder = {}
    opened = pipeline.Project.open(project)

    def ready(server):
        holder["server"] = server
        started.set()

    def run():
        with i18n.addressing(reader):
            serve(opened, 0, True, ready, poll=poll)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert started.wait(60), "the preview server did not start"
        yield f"http://127.0.0.1:{holder['server'].server_address[1]}"
    finally:
        if "server" in holder:
            holder["server"].shutdown()
        thread.join(60)
        assert not thread.is_alive(), "the preview did not stop"


@pytest.fixture
def preview(mini_project):
    with serving(mini_project) as base:
        yield base, mini_project


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def status(base: str) -> dict:
    return json.loads(get(f"{base}/__auditpack__/status"))


def wait_for(base: str, condition, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = status(base)
        if condition(current):
            return current
        time.sleep(0.1)
    raise AssertionError(f"timed out; last status {current}")


@pytest.mark.slow
def test_edit_shows_without_restart_and_errors_do_not_stop_it(preview):
    base, project = preview
    page = get(f"{base}/mini/stage-1-prepare.html").decode()
    assert "Get everyone ready." in page and "__auditpack__/preview.js" in page
    first = status(base)["version"]
    stages = project / "content" / "mini" / "stages.yml"

    stages.write_text(stages.read_text().replace("Get everyone ready.", "Get everyone ready now."))
    wait_for(base, lambda s: s["version"] > first and not s["error"])
    assert "Get everyone ready now." in get(f"{base}/mini/stage-1-prepare.html").decode()

    good = status(base)["version"]
    stages.write_text(stages.read_text().replace("owners: [staff]", "owners: [stuff]"))
    broken = wait_for(base, lambda s: s["version"] > good and "unknown role" in s["error"])
    assert "unknown role 'stuff'" in broken["error"] and "stages.yml:33:9" in broken["error"]
    assert "Get everyone ready now." in get(f"{base}/mini/stage-1-prepare.html").decode()  # last good pages

    stages.write_text(stages.read_text().replace("owners: [stuff]", "owners: [staff]"))
    wait_for(base, lambda s: not s["error"])


@pytest.mark.slow
def test_an_edit_saved_before_the_watcher_starts_is_still_seen(mini_project):
    # CI once lost an edit this way: the watcher took its first fingerprint after the save.
    preview = Preview(mini_project, None, quiet=True)
    with Watcher(preview.watched()) as watcher:
        preview.rebuild()
        stages = mini_project / "content" / "mini" / "stages.yml"
        stages.write_text(stages.read_text().replace("Get everyone ready.", "Get everyone ready soon."))
        watching = threading.Thread(target=_watch, args=(preview, watcher))
        watching.start()
        deadline = time.monotonic() + 60
        while preview.version < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    watching.join(60)
    assert preview.version == 2 and not preview.error
    assert "Get everyone ready soon." in (preview.site_dir / "mini" / "stage-1-prepare.html").read_text()


def inotify_instances() -> int:
    """How many inotify instances this process holds: the ways Linux reports file changes to it."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed since it was listed
            found += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify"
    return found


def threads_settle(before: set) -> set:
    """The threads left running that were not before, once the server's last answers have ended."""
    deadline = time.monotonic() + 30
    while (left := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def wait_for_page(url: str, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in get(url).decode():
        assert time.monotonic() < deadline, f"{text!r} never appeared in {url}"
        time.sleep(0.1)


@pytest.mark.parametrize("poll", [False, True], ids=["system-events", "polling"])
def test_a_saved_content_file_shows_on_the_served_page_and_nothing_outlives_the_preview(mini_project, poll):
    """Without --poll the system reports the save (inotify, on Linux); with it, or where the system
    cannot (no inotify left, a network share), the folders are looked at instead. Either way the
    save shows, and stopping the preview ends every thread and watch it started."""
    linux = sys.platform == "linux"
    threads, watches = set(threading.enumerate()), inotify_instances() if linux else 0
    stages = mini_project / "content" / "mini" / "stages.yml"
    with serving(mini_project, poll=poll) as base:
        if linux:
            assert inotify_instances() == watches + (0 if poll else 1)  # polling opens none
        page = f"{base}/mini/stage-1-prepare.html"
        assert "Get everyone ready." in get(page).decode()
        stages.write_text(stages.read_text().replace("Get everyone ready.", "Get everyone ready, all of you."))
        wait_for_page(page, "Get everyone ready, all of you.")
    assert not threads_settle(threads)
    if linux:
        assert inotify_instances() == watches


def test_a_templates_folder_made_while_previewing_is_watched(mini_project):
    """A project's own templates/ made after the preview started is used at once, and an edit of a
    template in it shows too (it is watched from then on)."""
    stage = (PACKAGED / "site" / "stage.md.j2").read_text()
    with serving(mini_project) as base:
        page = f"{base}/mini/stage-1-prepare.html"
        own = mini_project / "templates" / "site" / "stage.md.j2"
        own.parent.mkdir(parents=True)
        own.write_text(stage + "\n\nOur own stage page, first.\n")
        wait_for_page(page, "Our own stage page, first.")
        own.write_text(stage + "\n\nOur own stage page, second.\n")
        wait_for_page(page, "Our own stage page, second.")


@pytest.mark.slow
def test_a_pdf_that_cannot_be_made_is_explained_in_the_reader_s_language(mini_project):
    """The request is answered in a thread of its own, which does not inherit the reader's language:
    the problem was explained in English to a Welsh reader."""
    own = mini_project / "templates" / "print" / "response-form.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text("{% extends 'base.html.j2' %}{% block body %}{{ nothing_given.at_all }}{% endblock %}\n")
    with serving(mini_project, reader="cy") as base:
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{base}/downloads/mini/stage-2-gather/response-form.pdf")
        explained = refused.value.read().decode()
    assert refused.value.code == 500
    assert "gwall templed" in explained and "template error" not in explained


@pytest.mark.slow
def test_pdfs_are_rendered_when_opened(preview):
    base, _ = preview
    page = get(f"{base}/mini/stage-2-gather.html").decode()
    assert "made when you open it" in page
    pdf = get(f"{base}/downloads/mini/stage-2-gather/response-form.pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5000
    pack = get(f"{base}/downloads/mini/stage-1-prepare-pack.pdf")
    assert pack.startswith(b"%PDF-")
    assert "Word (editable)" in page and "(DOCX, made when you open it)" in page
    editable = get(f"{base}/downloads/mini/stage-2-gather/response-form.docx")
    assert editable.startswith(b"PK\x03\x04") and b"word/document.xml" in editable
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(f"{base}/downloads/mini/nothing.pdf")
    assert missing.value.code == 404


ODD_URLS = ["/%00", "/index.html%00", "/mini/stage-1-prepare.html%00", "/downloads/mini/%00.pdf",
            "/%2e%2e/%2e%2e/site_config.yml", "/%2e%2e%2f%2e%2e%2fsite_config.yml", "/..%5c..%5csite_config.yml",
            "/mini/%2e%2e/%2e%2e/%2e%2e/site_config.yml", "/__auditpack__/%2e%2e/%2e%2e/%2e%2e/site_config.yml",
            "/%ff%fe.html", "/%c0%ae%c0%ae/", "/" + "a" * 300 + ".html", "/" + "a/" * 3000 + "x.html"]


def answer(base: str, method: str, path: str) -> tuple[int, bytes]:
    """The status and body for a path sent exactly as written (urllib would tidy some of them)."""
    import http.client
    from urllib.parse import urlsplit

    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_odd_urls_get_400_never_a_traceback_or_a_file_outside_the_site(preview, capfd):
    """A NUL, a name or path too long for the system, '..' spelt %2e%2e or with backslashes, bad UTF-8:
    NUL and long paths used to print a traceback in the terminal and close the connection unanswered."""
    base, project = preview
    secret = (project / "site_config.yml").read_bytes()
    for path in ODD_URLS:
        for method in ("GET", "HEAD"):
            status, body = answer(base, method, path)
            assert status == 400, (method, path)
            assert secret not in body
    assert answer(base, "GET", "/mini/stage-1-prepare.html")[0] == 200  # the server still answers
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGTERM ends a Windows process without a handler")
def test_sigterm_stops_the_preview_as_ctrl_c_does(mini_project):
    """It used to end on the spot, without a word, and with the signal's exit status."""
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0", "--project",
                               str(mini_project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith("Rebuilt the preview")
        assert server.stdout.readline().startswith("Previewing at http://127.0.0.1:")
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert (server.returncode, out, err) == (0, "Stopped.\n", "")


@pytest.mark.slow
def test_a_page_asked_for_during_rebuilds_is_never_missing(preview):
    """A reload while the preview rebuilds waits for the new site: the folder is swapped under a lock the
    requests take too, so no request falls between the old folder and the new one (CI once saw a 404)."""
    base, project = preview
    page = f"{base}/mini/stage-1-prepare.html"
    stages = project / "content" / "mini" / "stages.yml"
    text = stages.read_text()
    missing, seen = [], []

    def reload_all_the_time(stop: threading.Event):
        while not stop.is_set():
            try:
                seen.append(get(page))
            except urllib.error.HTTPError as error:
                missing.append(error.code)

    stop = threading.Event()
    reloader = threading.Thread(target=reload_all_the_time, args=(stop,))
    reloader.start()
    try:
        for n in range(8):
            version = status(base)["version"]
            stages.write_text(text + f"\n# edit {n}\n")
            deadline = time.monotonic() + 60
            while status(base)["version"] == version:
                assert time.monotonic() < deadline, "the preview did not rebuild"
                time.sleep(0.05)
    finally:
        stop.set()
        reloader.join(60)
    assert seen and missing == []


@pytest.mark.slow
def test_every_edition_is_previewed_with_its_own_pdfs(tmp_path):
    """A programme published in Welsh is previewed at /cy/ too: its pages in Welsh, its PDFs (and its
    bilingual forms) rendered in Welsh when opened, as a build writes them."""
    project = translated_mini(tmp_path / "mini", "cy", lambda number, address, source: f"Cymraeg {number}")
    with serving(project) as base:
        page = get(f"{base}/cy/mini/stage-2-gather.html").decode()
        assert '<html lang="cy"' in page and "Cymraeg" in page and "Dogfennau i'w hargraffu" in page
        welsh = get(f"{base}/cy/downloads/mini/stage-2-gather/response-form.pdf")
        english = get(f"{base}/downloads/mini/stage-2-gather/response-form.pdf")
        assert welsh.startswith(b"%PDF-") and english.startswith(b"%PDF-") and welsh != english
        both = get(f"{base}/cy/downloads/mini/stage-2-gather/response-form-bilingual-en-gb-cy.pdf")
        assert both.startswith(b"%PDF-")
        with pytest.raises(urllib.error.HTTPError) as missing:
            get(f"{base}/cy/downloads/mini/nothing.pdf")
        assert missing.value.code == 404
