"""The printable documents: SOP sheet, performance reports (triwulan, semester, annual) and the
lembar disposisi. Each is rendered from data in Indonesian, in the agency's time zone, to PDF/A.

A signed document gets a `Stamp`: the visible TTE block (position, QR code of the verification
URL, name, NIP) and a footer line. The bytes are signed afterwards by reports.documents.signing.
"""

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reports.documents.charts import achievement_bars
from reports.documents.readiness import report_readiness
from reports.performance.selectors import agreement_rows, measure
from sopkinerja.common.periods import Period, PeriodKind
from workflow.models import Agency, Position, SopListItem, SopVersion
from workflow.runs.selectors import disposition_history
from workflow.sop.flowchart import steps_of
from workflow.sop.layout import (
    NARROW_EXECUTOR,
    PAPERS,
    SHEET_MARGINS,
    column_widths,
    content_width,
    flowchart_pages,
    header_font_size,
)
from workflow.sop.selectors import monitoring_table

PLACEHOLDER_EMBLEM = "img/emblem-placeholder.svg"


@dataclass(frozen=True)
class Signer:
    title: str
    name: str
    nip: str


@dataclass(frozen=True)
class Stamp:
    """The visible part of an electronic signature."""

    verification_url: str
    signed_at: datetime.datetime

    @property
    def qr_data_uri(self) -> str:
        return segno.make(self.verification_url, error="m").svg_data_uri(scale=4, border=1)


@dataclass(frozen=True)
class Document:
    """A document's HTML (in Indonesian, in the agency's time zone) and the CSS made for it."""

    html: str
    stylesheets: tuple[str, ...]

    def pdf(self) -> bytes:
        # Not a circle: WeasyPrint (and its fonts) load only in a process that prints, so that a web
        # process showing pages never pays for them.
        from reports.documents.pdf import html_to_pdf

        return html_to_pdf(self.html, stylesheets=list(self.stylesheets))


def _render(template: str, context: dict, agency: Agency, stylesheets: list[str]) -> Document:
    with translation.override("id"), timezone.override(agency.zone):
        html = render_to_string(template, {"logo": logo_data_uri(agency), **context, "agency": agency})
    return Document(html, tuple(stylesheets))


def head_of(agency: Agency) -> Signer:
    head = Position.objects.filter(agency=agency, rank=Position.Rank.HEAD).prefetch_related("holders").first()
    holder = head.holders.first() if head else None
    title = agency.title_of(head.title) if head else ""
    return Signer(title=title, name=holder.full_name if holder else "", nip=holder.nip_display if holder else "")


# SOP sheet ----------------------------------------------------------------------------------


def _sop_stylesheet(paper: str, widths: dict, header_pt: float = 7.0) -> str:
    _label, width, height = PAPERS[paper]
    top, right, bottom, left = SHEET_MARGINS
    columns = "\n".join(f".col-{name} {{ width: {value:.2f}mm; }}" for name, value in widths.items())
    page = f"@page {{ size: {width}mm {height}mm; margin: {top}mm {right}mm {bottom}mm {left}mm !important; }}"
    return (
        f"{page}\n{columns}\n.flow {{ width: {content_width(paper):.2f}mm; }}\n"
        f".flow th.executor {{ font-size: {header_pt}pt !important; padding: 0.8mm 0.6mm !important; }}"
    )


def _in_indonesian(compute):
    with translation.override("id"):
        return compute()


def logo_data_uri(agency: Agency) -> str:
    """The agency's logo embedded as a data URI (documents never fetch a URL); the neutral
    placeholder emblem when it has none or its file is gone."""
    content, mime = None, "image/svg+xml"
    if agency.logo:
        try:
            with agency.logo.open("rb") as file:
                content = file.read()
            mime = "image/png" if agency.logo.name.lower().endswith(".png") else "image/svg+xml"
        except OSError:
            content = None
    if content is None:
        mime = "image/svg+xml"
        content = Path(finders.find(PLACEHOLDER_EMBLEM)).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def sop_sheet(version: SopVersion, *, paper: str = "f4", stamp: Stamp | None = None, signer: Signer | None = None):
    """The SOP in the PermenPAN-RB 35/2012 format: identity page, then the flowchart pages, drawn from
    the version's graph by workflow.sop.flowchart. A draft carries KONSEP on every page."""
    version = (
        SopVersion.objects.select_related("sop__agency__local_government", "sop__unit")
        .prefetch_related(
            "list_entries",
            "executors",
            "steps__requirements",
            "steps__executor",
            "steps__exits__target",
            "steps__actor_links__executor",
        )
        .get(pk=version.pk)
    )
    executors = list(version.executors.all())
    steps = list(version.steps.all())
    widths = column_widths(paper, len(executors))
    narrow = widths["executor"] < NARROW_EXECUTOR
    headers = [executor.label if narrow else executor.title for executor in executors]
    total_notes = _in_indonesian(lambda: version.total_duration().notes)
    pages = flowchart_pages(steps_of(version, widths), headers, widths, paper, notes=" ".join(total_notes))
    by_number = {s.number: s for s in steps}
    for page in pages:
        page.extra["steps"] = [(row, by_number[row.step.number]) for row in page.rows]
    lists = {section: version.list_entries_of(section) for section in SopListItem.Section.values}
    context = {
        "version": version,
        "executors": executors,
        "headers": headers,
        "narrow": narrow,
        "pages": pages,
        "lists": lists,
        "stamp": stamp,
        "signer": signer or Signer(version.approver_title, version.approver_name, version.approver_nip_display),
        "paper": PAPERS[paper][0],
        "column_numbers": range(1, len(executors) + 7),
        "is_draft": version.status == SopVersion.Status.DRAFT,
        "total_parts": _in_indonesian(lambda: version.total_duration().parts),
        "total_notes": total_notes,
        "logo": logo_data_uri(version.sop.agency),
    }
    stylesheet = _sop_stylesheet(paper, widths, header_font_size(headers, widths["executor"]))
    return _render("reports/sop_sheet.html", context, version.sop.agency, [stylesheet])


# Performance reports --------------------------------------------------------------------------


def report_title(period: Period) -> str:
    with translation.override("id"):
        if period.kind == PeriodKind.YEAR:
            return f"Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun {period.year}"
        return f"Laporan Kinerja {period.label}"


def _previous(period: Period) -> Period:
    return Period(period.year - 1, period.kind, period.number)


def performance_report(
    agency: Agency,
    period: Period,
    *,
    stamp: Stamp | None = None,
    signer: Signer | None = None,
    on: datetime.date | None = None,
) -> Document:
    """Triwulan, semester or annual report; the annual one follows the LKjIP chapters. An unsigned
    report whose figures are not final or complete is stamped KONSEP and says so."""
    rows = measure(agency, period)
    previous = {row.indicator.pk: row for row in measure(agency, _previous(period))}
    comparison = [(row, previous.get(row.indicator.pk)) for row in rows]
    has_previous = any(prev is not None and prev.actual is not None for _row, prev in comparison)
    rated = [row for row in rows if row.achievement is not None]
    ratings: dict[str, int] = {}
    for row in rated:
        ratings[row.rating] = ratings.get(row.rating, 0) + 1
    average = sum(row.achievement for row in rated) / len(rated) if rated else None
    context = {
        "period": period,
        "title": report_title(period),
        "rows": rows,
        "comparison": comparison,
        "has_previous": has_previous,
        "previous_period": _previous(period),
        "chart": achievement_bars(rows),
        "met": [row for row in rated if row.achievement_uncapped >= 100],
        "missed": [row for row in rated if row.achievement_uncapped < 100],
        "unmeasured": [row for row in rows if row.achievement is None],
        "has_obstacles": any(row.obstacles or row.solutions for row in rows),
        "ratings": sorted(ratings.items(), key=lambda item: -item[1]),
        "average": average,
        "annual": period.kind == PeriodKind.YEAR,
        "agreement": agreement_rows(agency, period.year) if period.kind == PeriodKind.YEAR else [],
        "units": agency.units.select_related("parent").prefetch_related("positions__holders").order_by("name"),
        "signer": signer or head_of(agency),
        "stamp": stamp,
        "signed_on": (stamp.signed_at.astimezone(agency.zone).date() if stamp else on or timezone.localdate()),
        "is_draft": stamp is None and not report_readiness(agency, period).ready,
    }
    return _render("reports/performance_report.html", context, agency, ["@page { size: A4 portrait; }"])


# Perjanjian Kinerja --------------------------------------------------------------------------


def agreement_title(year: int) -> str:
    return f"Perjanjian Kinerja Tahun {year}"


def performance_agreement(
    agency: Agency,
    year: int,
    *,
    stamp: Stamp | None = None,
    signer: Signer | None = None,
    on: datetime.date | None = None,
) -> Document:
    """The year's Perjanjian Kinerja in the PermenPAN-RB 53/2014 layout: the agreement between the
    head of the agency (pihak pertama, who signs it here) and the head of the region (pihak kedua,
    who signs by hand), the table of sasaran, indicators and annual targets, and the Rencana Aksi
    (TW I–IV) as its attachment. Every target is read from the year's Target rows."""
    government = agency.local_government
    context = {
        "year": year,
        "period": Period(year, PeriodKind.YEAR),  # the table's "Target <year>" heading
        "title": agreement_title(year),
        "rows": agreement_rows(agency, year),
        "first": signer or head_of(agency),
        "second": Signer(title=government.head_title, name=government.head_name, nip=""),
        "stamp": stamp,
        "signed_on": (stamp.signed_at.astimezone(agency.zone).date() if stamp else on or timezone.localdate()),
    }
    return _render("reports/performance_agreement.html", context, agency, ["@page { size: A4 portrait; }"])


# Monitoring and evaluation of SOPs -------------------------------------------------------------


def monitoring_title(period: Period) -> str:
    with translation.override("id"):
        return f"Monitoring dan Evaluasi SOP {period.label}"


def monitoring_report(
    agency: Agency,
    period: Period,
    *,
    stamp: Stamp | None = None,
    signer: Signer | None = None,
    on: datetime.date | None = None,
) -> Document:
    """The semester's monitoring form in the national columns, and the evaluations made in it."""
    context = {
        "period": period,
        "title": monitoring_title(period),
        **monitoring_table(agency, period.year, period.number),
        "signer": signer or head_of(agency),
        "stamp": stamp,
        "signed_on": (stamp.signed_at.astimezone(agency.zone).date() if stamp else on or timezone.localdate()),
    }
    return _render("reports/monitoring_report.html", context, agency, ["@page { size: A4 landscape; }"])


# Lembar disposisi -----------------------------------------------------------------------------


def disposition_sheet(disposition) -> Document:
    """The lembar disposisi: sifat, every choice with its box, the free text, the issuer's paraf, and
    the forwarding history of the step from the first issuer down."""
    agency = disposition.run_step.run.sop.agency
    return _render(
        "reports/disposition_sheet.html",
        {"disposition": disposition, "history": disposition_history(disposition)},
        agency,
        ["@page { size: A4 portrait; }"],
    )
