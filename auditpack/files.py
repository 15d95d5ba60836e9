"""Reading a file that could be anything, in one way: content, the logo and answer files all come here.

A name ending in ``.yml`` or ``.csv`` can be a pipe that waits forever for a writer, a device that
never ends (``/dev/zero``) or a file of gigabytes. So the file is opened without blocking, checked
to be a regular file on the open descriptor (nothing can be swapped in between), and read no
further than one byte past the limit. Each caller turns the two refusals into its own message.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """A pipe, device, socket or folder where a file was expected."""

    def __init__(self, path):
        super().__init__(errno.EINVAL, "not a regular file", str(path))


class TooLarge(OSError):
    """More bytes than the limit; ``size`` is the file's size when the file system said so, else None
    (it grew while being read)."""

    def __init__(self, path, size: int | None):
        super().__init__(errno.EFBIG, "file is too large", str(path))
        self.size = size


def read_regular(path: Path | str, limit: int, dir_fd: int | None = None, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at ``path`` (relative to ``dir_fd`` if given), at most ``limit``.

    Raises :class:`NotRegularFile`, :class:`TooLarge`, or the OSError of opening or reading it.
    ``follow_links=False``: a link is refused as the file system refuses it (ELOOP)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path)
        if info.st_size > limit:
            raise TooLarge(path, info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(path, None)
    return data
