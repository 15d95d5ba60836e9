"""Every Jinja environment auditpack makes, made here, and every one of them sandboxed.

A project may bring its own ``templates/`` folder in place of the packaged one, and a project
folder received from someone else is their code: plain Jinja lets a template reach Python
itself (``{{ cycler.__init__.__globals__.os.popen(...) }}``). Templates here run in Jinja's
sandbox, which refuses internals (names starting with ``_``, function globals, unsafe calls);
a template that tries is a located problem, like any other template mistake.

The sandbox is :class:`~jinja2.sandbox.SandboxedEnvironment`, not the immutable one: the
chart template builds its legend with ``list.append``.

Templates are also read like content: only regular files inside the templates folder (a link
out of it is refused), and no larger than :data:`MAX_TEMPLATE_BYTES`. Compiled templates are
kept in Jinja's per-user folder, never in the project: Jinja loads compiled templates with
``marshal``, so a cache shipped inside a project folder would be code that runs unsandboxed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateProblem
from ..i18n import ntell, tell

MAX_TEMPLATE_BYTES = 1_000_000
"""About 40 times the largest packaged template."""


def environment(*folders: Path, filters: dict | None = None, globals: dict | None = None,
                compiled: str | None = None, **options) -> SandboxedEnvironment:
    """A sandboxed environment loading from ``folders`` in order; ``options`` are Jinja's own.

    ``compiled``: a name for this environment's compiled templates, kept between builds (it halves
    the time to template every document; Jinja checks each template's source before using them)."""
    env = _Sandbox(loader=_FolderLoader(folders), bytecode_cache=bytecode_cache(compiled) if compiled else None,
                   **options)
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env


def bytecode_cache(name: str) -> jinja2.BytecodeCache | None:
    """Compiled templates in Jinja's folder for this user (created private, and refused if another
    user owns it), named per environment: sandboxed and plain compiled code differ, and must never
    be mixed up. None, and templates compiled each time, where that folder cannot be used."""
    try:
        return _CompiledTemplates(pattern=f"auditpack-{name}-%s.cache")
    except (OSError, RuntimeError):  # Jinja raises RuntimeError for a folder another user owns
        return None


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """A cache that only ever saves time: one that cannot be read or written (a full temporary
    folder) is skipped, and the templates are compiled again instead of the build failing.

    Jinja keys compiled code by the template's name and source only, but the same source compiles
    differently under other extensions or policies (the i18n extension's ``trimmed``, for one): an
    upgraded auditpack would run code compiled by the old one. The environment's setup is in the key."""

    def get_bucket(self, environment, name, filename, source):
        setup = repr((jinja2.__version__, sorted(environment.extensions),
                      sorted((key, repr(value)) for key, value in environment.policies.items())))
        key = self.get_cache_key(name, filename) + "-" + hashlib.sha1(setup.encode()).hexdigest()[:16]
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` that a build may read and publish: regular files inside it.
    A link out of the folder is refused as a template would be."""
    root = folder.resolve()
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and path.resolve().is_relative_to(root):
            continue
        _check_template_file(path, root)
        files.append(path)
    return files


class _Sandbox(SandboxedEnvironment):
    def handle_exception(self, source: str | None = None):
        """Jinja calls this for every error in compiling or rendering a template: a template
        mistake, or something the sandbox refused, becomes one message naming the file and line."""
        try:
            super().handle_exception(source)
        except jinja2.TemplateError as exc:
            raise TemplateProblem.from_jinja(exc) from None


class _FolderLoader(jinja2.FileSystemLoader):
    """Jinja's loader (which already refuses ``..`` in a name), reading only regular files that
    are inside their folder and not too large: a link to /etc/passwd or /dev/zero is not a template."""

    def __init__(self, folders):
        super().__init__([str(f) for f in folders])
        self.roots = [Path(f).resolve() for f in folders]

    def get_source(self, environment, template):
        for folder, root in zip(self.searchpath, self.roots, strict=True):
            path = Path(folder, *jinja2.loaders.split_template_path(template))
            if os.path.lexists(path):
                _check_template_file(path, root)
                break
        return super().get_source(environment, template)


def _check_template_file(path: Path, root: Path) -> None:
    where = path.resolve()
    if not where.is_relative_to(root):
        raise TemplateProblem(tell("%(file)s: links to a file outside the templates folder; copy the file into the "
                                   "folder instead of linking to it") % {"file": path})
    info = os.stat(where)
    if not stat.S_ISREG(info.st_mode):
        raise TemplateProblem(tell("%(file)s: not a regular file; a template is a text file") % {"file": path})
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(ntell("%(file)s: too large for a template (%(size)s byte; at most %(most)s)",
                                    "%(file)s: too large for a template (%(size)s bytes; at most %(most)s)",
                                    info.st_size) % {"file": path, "size": f"{info.st_size:,}",
                                                     "most": f"{MAX_TEMPLATE_BYTES:,}"})

