"""The key that seals a project's cache and build record is this user's own, and nobody else's."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


def _seal_in_a_new_process(cache_home) -> str:
    """``seal(b'x')`` as a fresh auditpack process computes it with ``XDG_CACHE_HOME=cache_home``."""
    return subprocess.run([sys.executable, "-c", "from auditpack.seal import seal; print(seal(b'x'))"],
                          env={**os.environ, "XDG_CACHE_HOME": str(cache_home)}, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_key_is_made_once_private_and_gives_the_same_seal_in_every_process(tmp_path):
    first = _seal_in_a_new_process(tmp_path)
    key = tmp_path / "auditpack" / "seal.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 32
    assert _seal_in_a_new_process(tmp_path) == first
    assert _seal_in_a_new_process(tmp_path / "another-user") != first


@pytest.mark.parametrize("planted", ["readable by others", "a link", "the wrong length"])
def test_a_key_someone_could_have_planted_or_read_is_not_used(tmp_path, planted):
    """A key others can read, a link to one, or a file that is not a key: every process then uses a
    key of its own, so nothing sealed before is trusted, and nothing it seals is trusted later."""
    folder = tmp_path / "auditpack"
    folder.mkdir()
    key = folder / "seal.key"
    if planted == "a link":
        (tmp_path / "known.key").write_bytes(b"k" * 32)
        key.symlink_to(tmp_path / "known.key")
    else:
        key.write_bytes(b"k" * (32 if planted == "readable by others" else 5))
        key.chmod(0o644 if planted == "readable by others" else 0o600)
    assert _seal_in_a_new_process(tmp_path) != _seal_in_a_new_process(tmp_path)


def test_no_usable_cache_folder_still_seals(tmp_path):
    """Where the cache folder cannot be made (here: a file stands in its way), a key for the
    process alone is used: the build works, and only trusts what it made itself."""
    (tmp_path / "auditpack").write_text("not a folder")
    assert len(_seal_in_a_new_process(tmp_path)) == 64
