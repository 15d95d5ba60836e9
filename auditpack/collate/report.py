"""Collation -> the files a collation writes: a web page, a PDF, charts as SVG, and the tallies as CSV.

Pure apart from WeasyPrint: returns ``{file name: text or bytes}`` and writes nothing. The printed
report goes through the same templates, stylesheet, fonts and :class:`~auditpack.render.pdf.PdfRenderer`
as every other PDF, so it looks like the rest of the pack. Charts are SVG written by a Jinja2
template rather than a plotting library: no new dependency, text stays real text (searchable,
read aloud, set in the pack's typeface), and identical answers give byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..config import SiteConfig
from ..model import Questionnaire
from ..render import fonts, print_html
from ..pipeline import pin_build_date
from ..render.pdf import PdfRenderer
from ..safe_csv import Cell, csv_text
from ..template_folders import TemplateFolders
from . import tally_csv
from .tally import Collation

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
    kind_title: str = "Collation report"
    description: str | None = None
    variant: str | None = None


def render_report(collation: Collation, templates: TemplateFolders, config: SiteConfig,
                  school: str | None = None) -> dict[str, str | bytes]:
    env = environment(templates)
    options = print_html.PrintOptions(paper=config.paper, footer=config.footer, school=school)
    context = _context(collation, options, config)
    files: dict[str, str | bytes] = {
        REPORT_HTML: env.get_template("report/collation-report.html.j2").render(**context, brand=config.brand),
        TALLIES_CSV: tally_csv.write_sheet(collation.questionnaire, collation.inputs.totals(), collation.hidden),
        STATISTICS_CSV: statistics_csv(collation),
    }
    chart = env.get_template("chart.svg.j2")
    for section in collation.sections:
        files[f"{CHARTS}/{section.section.id}.svg"] = chart.render(
            **context, section=section, chart_id=f"chart-{section.section.id}", standalone=True)
    html = env.get_template("collation-report.html.j2").render(**context)
    pin_build_date([collation.target.content])  # dated like the programme's own PDFs, never "now"
    renderer = PdfRenderer(templates, print_html.render_theme_css(env, options, config.brand, fonts.font_faces()))
    files[REPORT_PDF] = renderer.write(renderer.layout(html)).data
    return files


def render_print_html(collation: Collation, templates: TemplateFolders, config: SiteConfig, school: str | None = None) -> str:
    """The printed report's HTML, before WeasyPrint lays it out; for tests and inspection."""
    options = print_html.PrintOptions(paper=config.paper, footer=config.footer, school=school)
    return environment(templates).get_template("collation-report.html.j2").render(
        **_context(collation, options, config))


def environment(templates: TemplateFolders):
    """The print environment, also able to load the standalone page (``report/...``) from the
    templates folders themselves."""
    env = print_html.environment(templates, False, "")
    env.filters.update(number=number, percent=percent, signed=signed)
    return env


def _context(collation: Collation, options: print_html.PrintOptions, config: SiteConfig) -> dict:
    q = collation.questionnaire
    content = collation.target.content
    doc = ReportDocument(f"Collation report: {q.title}", q)
    return dict(c=collation, q=q, doc=doc, content=content, programme=content.programme, stage=None,
                school=options.school, footer=options.footer, doc_anchor=f"collation-{q.id}")


def statistics_csv(collation: Collation) -> str:
    """One row per statement and question: the numbers behind the report, for a spreadsheet."""
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
