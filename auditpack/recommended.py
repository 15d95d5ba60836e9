"""What a programme may leave out but is better with: each gap found is a warning, not an error.

An advisor starting a programme may not yet have a licence, a publication date or a sentence for
every role. Rather than writing placeholders that end up printed, they leave the key out: the
model gives it a default or leaves it empty, the templates leave the line out, and ``check`` and
``build`` say what is missing, where, and what the documents do without it. The exit status stays 0.
"""

from __future__ import annotations

from . import codes
from .codes import Code
from .errors import ContentError
from .i18n import counted, tell
from .load import SourceMap
from .model import Content

SHORT_TITLE_ADVISED = 40
"""Characters of title beyond which a 'short_title' is advised: the running header of every printed
page repeats it beside the stage's title, and a longer one crowds it."""


def recommended(content: Content, raw: dict, source: SourceMap) -> list[ContentError]:
    """A warning for each recommended key that ``content`` leaves out, at the block it belongs in."""
    programme = content.programme
    warnings = []

    def warn(code: Code, path: tuple, message: str, hint: str) -> None:
        warnings.append(ContentError(code, source.locate(path), message, hint=hint))

    if programme.summary is None:
        warn(codes.MISSING_SUMMARY, ("programme",), tell("the programme has no 'summary'"),
             tell("add 'summary:', a few sentences on what the programme is; the home page, the overview page "
                  "and pack covers show it, and leave it out until then"))
    if programme.publisher is None:
        warn(codes.MISSING_PUBLISHER, ("programme",), tell("the programme has no 'publisher'"),
             tell("add 'publisher:', who issues the programme; covers and the overview page name no one until then"))
    if programme.licence is None:
        warn(codes.MISSING_LICENCE, ("programme",), tell("the programme has no 'licence'"),
             tell("add 'licence:', saying who may copy and adapt it; until then nothing printed says so"))
    if programme.published is None:
        warn(codes.MISSING_DATE, ("programme",), tell("the programme has no 'published' date"),
             tell("add 'published: YYYY-MM-DD', or a changelog entry for this version with its date; "
                  "until then pages show the version without a date"))
    if "short_title" not in _block(raw.get("programme")) and len(programme.title) > SHORT_TITLE_ADVISED:
        warn(codes.MISSING_SHORT_TITLE, ("programme", "title"),
             counted("the title is %(count)d character long and there is no 'short_title'",
                   "the title is %(count)d characters long and there is no 'short_title'",
                   len(programme.title)),
             counted("add 'short_title:' of at most %(count)d character; every printed page's header repeats the "
                   "whole title until then",
                   "add 'short_title:' of at most %(count)d characters; every printed page's header repeats the "
                   "whole title until then", SHORT_TITLE_ADVISED))
    for i, role in enumerate(content.roles):
        if role.description is None:
            warn(codes.MISSING_ROLE_DESCRIPTION, ("roles", i),
                 tell("role '%(id)s' has no 'description'") % {"id": role.id},
                 tell("add 'description:', who takes the role; its row on the overview page and briefing "
                      "sheets is blank until then"))
    for i, pathway in enumerate(content.pathways):
        if pathway.description is None:
            warn(codes.MISSING_PATHWAY_DESCRIPTION, ("pathways", i),
                 tell("pathway '%(id)s' has no 'description'") % {"id": pathway.id},
                 tell("add 'description:', which schools the pathway suits; the overview page lists only "
                      "its name until then"))
    for i, stage in enumerate(content.stages):
        if stage.outcome is None:
            warn(codes.MISSING_OUTCOME, ("stages", i),
                 tell("stage %(number)d has no 'outcome'") % {"number": stage.number},
                 tell("add 'outcome:', what the stage produces; its page and briefing sheet leave that line "
                      "out until then"))
    return warnings


def _block(value) -> dict:
    return value if isinstance(value, dict) else {}
