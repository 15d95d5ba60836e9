"""Collation -> the files a collation writes: a web page, a PDF, charts as SVG, and the tallies as CSV.

Pure apart from WeasyPrint: returns ``{file name: text or bytes}`` and writes nothing. The printed
report goes through the same templates, print options, stylesheet and fonts as every other PDF
(the project's :class:`~auditpack.render.renderer.Renderer`), so it looks like the rest of the pack.
Charts are SVG written by a Jinja2 template rather than a plotting library: no new dependency, text
stays real text (searchable, read aloud, set in the pack's typeface), and identical answers give
byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import i18n, wording
from ..answer_formats import write_sheet
from ..i18n import gettext as _
from ..model import Audience, Questionnaire
from ..render import print_html
from ..render.renderer import Renderer
from ..safe_csv import Cell, csv_text
from ..template_folders import TemplateFolders
from .answers import Inputs
from .record import RECORD_CHOICES_CSV, RECORD_TEXT_CSV, choices_csv, recorded, text_csv
from .tally import Collation, collate

REPORT_HTML = "collation-report.html"
REPORT_PDF = "collation-report.pdf"
TALLIES_CSV = "tallies.csv"
STATISTICS_CSV = "statistics.csv"
CHARTS = "charts"


@dataclass(frozen=True)
class ReportDocument:
    """What the shared print base template needs to know about the report (a planned document has more)."""

    title: str
    questionnaire: Questionnaire
    kind_title: str
    description: str | None = None
    variant: str | None = None


def render_report(collation: Collation, renderer: Renderer, school: str | None = None) -> dict[str, str | bytes]:
    """The report's files, in the language of the programme collated (a translation's, for
    ``collate --language``); ``renderer`` is the project's, dated like the programme's own PDFs."""
    with i18n.speaking(collation.target.content.programme.language):
        return _render_report(collation, renderer, school)


def _render_report(collation: Collation, renderer: Renderer, school: str | None) -> dict[str, str | bytes]:
    config = renderer.config
    env = environment(renderer.templates)
    context = _context(collation, renderer.options_for(school=school))
    files: dict[str, str | bytes] = {
        REPORT_HTML: env.get_template("report/collation-report.html.j2").render(**context, brand=config.brand),
        TALLIES_CSV: write_sheet(collation.questionnaire, collation.inputs.totals(), collation.hidden),
        STATISTICS_CSV: statistics_csv(collation),
    }
    for audience, audience_collation, _asked in context["by_audience"]:
        files[audience_statistics_csv(audience)] = statistics_csv(audience_collation)
    record = context["r"]
    if record.written:
        files[RECORD_TEXT_CSV] = text_csv(record)
    if record.columns:
        files[RECORD_CHOICES_CSV] = choices_csv(record)
    chart = env.get_template("chart.svg.j2")
    for section in collation.sections:
        files[f"{CHARTS}/{section.section.id}.svg"] = chart.render(
            **context, section=section, chart_id=f"chart-{section.section.id}", standalone=True)
    files[REPORT_PDF] = renderer.page(env.get_template("collation-report.html.j2").render(**context))
    return files


def render_print_html(collation: Collation, renderer: Renderer, school: str | None = None) -> str:
    """The printed report's HTML, before WeasyPrint lays it out; for tests and inspection."""
    with i18n.speaking(collation.target.content.programme.language):
        return environment(renderer.templates).get_template("collation-report.html.j2").render(
            **_context(collation, renderer.options_for(school=school)))


def environment(templates: TemplateFolders):
    """The print environment, also able to load the standalone page (``report/...``) from the
    templates folders themselves."""
    env = print_html.environment(templates, False, "")
    env.filters.update(number=number, percent=percent, signed=signed)
    return env


def _context(collation: Collation, options: print_html.PrintOptions) -> dict:
    q = collation.questionnaire
    content = collation.target.content
    doc = ReportDocument(_("Collation report: %(questionnaire)s") % {"questionnaire": q.title}, q,
                         _("Collation report"))
    return dict(c=collation, q=q, doc=doc, content=content, programme=content.programme, stage=None,
                r=recorded(collation.target, collation.inputs),
                school=options.school, footer=options.footer, doc_anchor=f"collation-{q.id}",
                by_audience=by_audience(collation), phrases=wording.phrases(q))


def by_audience(collation: Collation) -> list[tuple[Audience, Collation, set[str]]]:
    """Each audience's own collation of the files it answered, with the statements it was asked: the
    report shows them side by side. Empty for a questionnaire without audiences."""
    q = collation.questionnaire
    return [(a, collate(collation.target, collation.inputs.of_audience(a.id), collation.rules),
             {item.id for s in q.sections_for(a) for item in s.items}) for a in q.audiences]


def by_audience_line(questionnaire: Questionnaire, inputs: Inputs) -> str:
    """How many responses each audience gave, and how many named none (counted in the totals only)."""
    counts = [f"{a.name} {inputs.of_audience(a.id).responses}" for a in questionnaire.audiences]
    unnamed = inputs.of_audience(None).responses
    return f"By audience: {', '.join(counts)}" + (f"; {unnamed} naming no audience" if unnamed else "") + "."


def audience_statistics_csv(audience: Audience) -> str:
    """The file of one audience's statistics, beside the whole questionnaire's."""
    return f"statistics-{audience.id}.csv"


def statistics_csv(collation: Collation) -> str:
    """One row per statement and question: the numbers behind the report, for a spreadsheet."""
    if not collation.questionnaire.ordinal:
        return _categorical_csv(collation)
    rows: list[list[Cell]] = [["item_id", "number", "section", "statement", "question", "answers", "dont_know",
                               "dont_know_share", "median", "mean", "gap", "strength", "need", "communicate",
                               "shown"]]
    for r in collation.items:
        for x in r.questions:
            shown = not x.suppressed
            rows.append([
                r.item.id, r.number, r.section.title, " ".join(r.item.text.split()), x.dimension.id,
                x.answers if shown else None, x.dont_know if shown else None,
                _fixed(x.dont_know_rate, 3) if shown else None, _fixed(x.median) if shown else None,
                _fixed(x.mean, 2) if shown else None, _fixed(r.gap),
                _yes(r.strength), _yes(r.need), _yes(r.communicate), _yes(shown)])
    return csv_text(rows)


def _categorical_csv(collation: Collation) -> str:
    """As :func:`statistics_csv`, for a categorical scale: the share of each answer and the most common one
    where an ordinal scale has a median, a mean and a gap (codes have no middle or average)."""
    keys = [p.key for p in collation.questionnaire.scale]
    rows: list[list[Cell]] = [["item_id", "number", "section", "statement", "question", "answers", "dont_know",
                               "dont_know_share", *(f"share_{key}" for key in keys), "most_common", "strength",
                               "need", "communicate", "shown"]]
    for r in collation.items:
        for x in r.questions:
            shown = not x.suppressed
            shares = [_fixed(share, 3) if shown else None for share in x.shares[:-1]]
            rows.append([
                r.item.id, r.number, r.section.title, " ".join(r.item.text.split()), x.dimension.id,
                x.answers if shown else None, x.dont_know if shown else None,
                _fixed(x.dont_know_rate, 3) if shown else None, *shares,
                " ".join(x.most_common) if shown else None,
                _yes(r.strength), _yes(r.need), _yes(r.communicate), _yes(shown)])
    return csv_text(rows)


def number(value: float | None, places: int = 1) -> str:
    """A median or mean as people write it: '3', '2.5'; a dash when there is none."""
    if value is None:
        return "–"
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def signed(value: float | None) -> str:
    """A gap with its sign, the minus sign a real one so screen readers say 'minus'."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    return ("+" if value > 0 else "−") + number(abs(value))


def _fixed(value: float | None, places: int = 1) -> Decimal | None:
    """A computed number with its decimal places fixed ('2.50', '-0.5'), written to a CSV as a number."""
    return None if value is None else Decimal(f"{value:.{places}f}")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
