"""Proof that a file in a project's work folder was written by this user's auditpack.

The PDF cache and the record of the last build live in the project (``build/``), and a project
folder may come from someone else. A cache entry says "this is the PDF for that HTML", and anyone
can write one under the right key with the right checksum; a record says "this site is up to
date". Taken on trust, a project folder could carry PDFs or a site that its content never made,
and a build would publish them. So each entry is sealed with a key that only this user has
(HMAC-SHA256); an entry whose seal does not match is rendered again, never used.

The key lives in the user's cache folder (``$XDG_CACHE_HOME/auditpack``, else
``~/.cache/auditpack``), created readable by its owner only. Where no such folder can be used,
a key for this process alone is used: nothing from an earlier build is trusted then, which
costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

KEY_BYTES = 32


def seal(*parts: bytes) -> str:
    """The seal of ``parts`` (hex), under this user's key."""
    mac = hmac.new(_key(), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def is_sealed(claimed: object, *parts: bytes) -> bool:
    """Whether ``claimed`` is the seal of ``parts``: made by this user's auditpack, and unchanged since."""
    return isinstance(claimed, str) and hmac.compare_digest(claimed, seal(*parts))


def key_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "auditpack" / "seal.key"


@functools.cache
def _key() -> bytes:
    try:
        return _stored_key(key_file())
    except OSError:
        return secrets.token_bytes(KEY_BYTES)


def _stored_key(path: Path) -> bytes:
    """The key in ``path``, made on first use; refused (OSError) unless it is this user's own
    regular file that nobody else can read."""
    if not os.path.lexists(path):
        _make_key(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        private = os.name == "nt" or (info.st_uid == os.getuid() and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))
        key = file.read(KEY_BYTES + 1)
    if not stat.S_ISREG(info.st_mode) or not private or len(key) != KEY_BYTES:
        raise OSError(f"{path} is not a private key file of {KEY_BYTES} bytes")
    return key


def _make_key(path: Path) -> None:
    """Write a new key beside ``path`` and link it into place, so two builds starting at once never
    read half a key: the one whose link fails reads the other's."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_bytes(KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
