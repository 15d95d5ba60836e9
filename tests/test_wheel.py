"""An installed auditpack, from its wheel rather than this clone, works in a folder of the advisor's own.

The advisor installs auditpack and keeps their programme in a folder of their own: the templates,
print stylesheet, site assets and scaffold must come with the package. The wheel is built as pip
builds it, installed into a folder of its own, and run with Python's site packages switched off,
so nothing of this clone (the editable install included) can stand in for what the wheel lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def test_the_wheel_alone_starts_checks_and_builds_a_programme_in_an_empty_folder(tmp_path):
    source = tmp_path / "source"  # a clean copy: an egg-info left by an editable install would list the files
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        name for name in names if Path(folder) == REPO and (name.startswith(".") or name.endswith(".egg-info")
                                                            or name in ("build", "site", "schools", "tests"))])
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
                   check=True, capture_output=True)
    [wheel] = dist.glob("auditpack-*.whl")
    assert "auditpack/templates/print/print.css" in zipfile.ZipFile(wheel).namelist()
    installed = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(installed), str(wheel)],
                   check=True, capture_output=True)
    folder = tmp_path / "advisor"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"]])}

    def auditpack(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-S", "-m", "auditpack", *args], cwd=folder, env=env,
                              capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-S", "-c", "import auditpack; print(auditpack.__file__)"], cwd=folder,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(installed))
    for args in (("new", "demo", "--title", "Demo audit"), ("check",), ("build", "-q")):
        result = auditpack(*args)
        assert result.returncode == 0, (args, result.stdout + result.stderr)
    assert (folder / "content" / "demo" / "programme.yml").is_file()
    assert (folder / "site" / "index.html").is_file()
    pdfs = sorted((folder / "site" / "downloads").rglob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    assert not (folder / "templates").exists()  # nothing copied into the advisor's folder
