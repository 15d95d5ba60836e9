"""Where templates come from: a project's own ``templates/`` folder first, then auditpack's.

auditpack's templates ship inside the package, so an installed auditpack works in any folder that
holds ``site_config.yml`` and ``content/``. A project overrides a template, the print stylesheet or
a site asset by putting a file of the same name in its own ``templates/`` folder
(``templates/print/briefing.html.j2``, say); every other file still comes from auditpack, so an
override never has to copy the rest, and never goes stale when auditpack's own change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGED = Path(__file__).resolve().parent / "templates"
"""auditpack's own templates: print/, site/, report/ and new/."""


@dataclass(frozen=True)
class TemplateFolders:
    """The folders templates are looked up in, in order; the first that has a file wins."""

    roots: tuple[Path, ...] = (PACKAGED,)

    @classmethod
    def for_project(cls, project_root: Path) -> "TemplateFolders":
        own = project_root / "templates"
        return cls((own, PACKAGED)) if own.is_dir() else cls()

    def folders(self, kind: str) -> list[Path]:
        """The ``kind`` folders (``print``, ``site``, ...) to search, in order: a template loader's path."""
        return [root / kind for root in self.roots if (root / kind).is_dir()]

    def file(self, relative: str) -> Path:
        """The file that is used for ``relative`` (e.g. ``print/print.css``): the project's, if it has one."""
        for root in self.roots:
            if (root / relative).is_file():
                return root / relative
        return self.roots[-1] / relative

    def files(self, folder: str, listed) -> dict[str, Path]:
        """Every file under ``folder`` in any root, by its path relative to ``folder``; a project's
        file in place of auditpack's of the same name. ``listed(path)`` lists a folder's files
        (and refuses what may not be read, see :func:`.render.sandbox.template_files`)."""
        found: dict[str, Path] = {}
        for root in reversed(self.roots):
            base = root / folder
            if base.is_dir():
                found |= {path.relative_to(base).as_posix(): path for path in listed(base)}
        return dict(sorted(found.items()))
