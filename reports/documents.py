"""The printable documents: SOP sheet, performance reports (triwulan, semester, annual) and the
lembar disposisi. Each is rendered from data in Indonesian, in the agency's time zone, to PDF/A.

A signed document gets a `Stamp`: the visible TTE block (position, QR code of the verification
URL, name, NIP) and a footer line. The bytes are signed afterwards by reports.signing.
"""

import datetime
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reports.charts import achievement_bars
from reports.flowchart import FlowStep, build, text_height
from reports.periods import Period, PeriodKind
from reports.selectors import indicators_for, measure
from workflow.models import Agency, Position, SopListItem, SopVersion
from workflow.selectors import monitoring_table

PAPERS = {"f4": ("F4", 330.0, 215.0), "a4": ("A4", 297.0, 210.0)}
MARGIN = 10.0
BOTTOM_MARGIN = 14.0


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
        from reports.pdf import html_to_pdf

        return html_to_pdf(self.html, stylesheets=list(self.stylesheets))


def _render(template: str, context: dict, agency: Agency, stylesheets: list[str]) -> Document:
    with translation.override("id"), timezone.override(agency.zone):
        html = render_to_string(template, {**context, "agency": agency})
    return Document(html, tuple(stylesheets))


def head_of(agency: Agency) -> Signer:
    head = Position.objects.filter(agency=agency, rank=Position.Rank.HEAD).prefetch_related("holders").first()
    holder = head.holders.first() if head else None
    title = agency.title_of(head.title) if head else ""
    return Signer(title=title, name=holder.full_name if holder else "", nip=holder.nip_display if holder else "")


# SOP sheet ----------------------------------------------------------------------------------


def _column_widths(paper: str, executors: int) -> dict:
    _label, width, _height = PAPERS[paper]
    content = width - 2 * MARGIN
    fixed = {"no": 8.0, "waktu": 17.0, "ket": 21.0}
    executor = min(24.0 if paper == "f4" else 21.0, content * 0.42 / max(executors, 1))
    rest = content - sum(fixed.values()) - executor * executors
    return {
        **fixed,
        "executor": executor,
        "kegiatan": rest * 0.42,
        "kelengkapan": rest * 0.33,
        "output": rest * 0.25,
    }


def _sop_stylesheet(paper: str, widths: dict) -> str:
    label, width, height = PAPERS[paper]
    columns = "\n".join(f".col-{name} {{ width: {value:.2f}mm; }}" for name, value in widths.items())
    page = f"@page {{ size: {width}mm {height}mm; margin: {MARGIN}mm {MARGIN}mm {BOTTOM_MARGIN}mm {MARGIN}mm; }}"
    return f"{page}\n{columns}"


def sop_sheet(
    version: SopVersion, *, paper: str = "f4", stamp: Stamp | None = None, signer: Signer | None = None
) -> bytes:
    """The SOP in the PermenPAN-RB 35/2012 format: identity page, then the flowchart pages."""
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
    column = {executor.pk: index for index, executor in enumerate(executors)}
    steps = list(version.steps.all())
    widths = _column_widths(paper, len(executors))
    flow = [
        FlowStep(
            s.number,
            column[s.actor_columns()[0].pk],
            s.symbol,
            next((e.target.number for e in s.exit_list() if e.target.number < s.number), None)
            if s.symbol == "decision"
            else None,
            texts=(
                (s.activity, widths["kegiatan"]),
                (", ".join(s.requirement_texts()), widths["kelengkapan"]),
                (s.duration_text, widths["waktu"]),
                (s.output, widths["output"]),
                (s.remark, widths["ket"]),
            ),
        )
        for s in steps
    ]
    header = 5 + max([text_height(e.title, widths["executor"]) for e in executors] + [8]) + 4
    budget = PAPERS[paper][2] - MARGIN - BOTTOM_MARGIN - 8 - header - 9 - 6  # title, Jumlah row, slack
    pages = build(flow, len(executors), widths["executor"], budget)
    by_number = {s.number: s for s in steps}
    for page in pages:
        page.extra["steps"] = [(row, by_number[row.step.number]) for row in page.rows]
    lists = {section: version.list_entries_of(section) for section in SopListItem.Section.values}
    context = {
        "version": version,
        "executors": executors,
        "pages": pages,
        "lists": lists,
        "stamp": stamp,
        "signer": signer or Signer(version.approver_title, version.approver_name, version.approver_nip_display),
        "paper": PAPERS[paper][0],
        "column_numbers": range(1, len(executors) + 7),
    }
    return _render("reports/sop_sheet.html", context, version.sop.agency, [_sop_stylesheet(paper, widths)])


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
    """Triwulan, semester or annual report; the annual one follows the LKjIP chapters."""
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
        "agreement": _agreement(agency, period.year) if period.kind == PeriodKind.YEAR else [],
        "units": agency.units.select_related("parent").prefetch_related("positions__holders").order_by("name"),
        "signer": signer or head_of(agency),
        "stamp": stamp,
        "signed_on": (stamp.signed_at.astimezone(agency.zone).date() if stamp else on or timezone.localdate()),
    }
    return _render("reports/performance_report.html", context, agency, ["@page { size: A4 portrait; }"])


def _agreement(agency: Agency, year: int) -> list[dict]:
    """The Perjanjian Kinerja: each indicator with its annual target."""
    rows = []
    for indicator in indicators_for(agency).prefetch_related("targets").order_by("objective__order", "order"):
        target = next((t for t in indicator.targets.all() if t.year == year and t.quarter is None), None)
        rows.append({"indicator": indicator, "target": target.as_target() if target else None})
    return rows


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
    agency = disposition.run_step.run.sop.agency
    return _render(
        "reports/disposition_sheet.html",
        {"disposition": disposition},
        agency,
        ["@page { size: A4 portrait; }"],
    )
