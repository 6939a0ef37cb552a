"""Isi data kinerja: a unit's quarter on one page (save all, Kirim, review), its Excel round trip,
the live capaian cell, and the year's targets (PK and Rencana Aksi) for the planning staff.

Thin views: the services write, the selectors read, reports.performance.values reads what was typed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.forms import FIGURES_LOCKED, TargetRowForm, figure_row_forms, typed_figure_rows
from reports.models import Indicator, Target, TargetLock, UnitSubmission
from reports.performance import excel
from reports.performance.achievement import capaian
from reports.performance.locks import figures_locked
from reports.performance.selectors import (
    agreement_target_gaps,
    enters_figures_for,
    figure_entries,
    quarter_closed,
    rating_bands_for,
    reads_every_units_figures,
    reporting_units,
    responsible_units,
    submissions_to_review,
    unit_submission,
)
from reports.performance.services import (
    figures_save_draft,
    target_lock,
    targets_save,
    unit_submission_approve,
    unit_submission_return,
    unit_submission_submit,
)
from reports.performance.stamps import targets_key, unit_figures_key
from reports.performance.values import Figure, parse_figure, target_text
from sopkinerja.common.periods import Period
from sopkinerja.common.stamped_cache import kept_html
from sopkinerja.common.uploads import validate_upload, validate_upload_size
from workflow import permissions
from workflow.models import Unit
from workflow.views.access import agency_or_403
from workflow.views.dashboard import decision_context


def _refusal(problem) -> str:
    return " ".join(getattr(problem, "messages", [str(problem)]))


def _quarters(today) -> list[Period]:
    current = (today.month - 1) // 3 + 1
    this_year = [Period.quarter(today.year, q) for q in range(current, 0, -1)]
    return this_year + [Period.quarter(today.year - 1, q) for q in (4, 3, 2, 1)]


def _quarter_or_404(period: str | None, choices: list[Period]) -> Period:
    try:
        selected = Period.parse(period) if period else choices[0]
    except ValueError as problem:
        raise Http404(str(problem)) from None
    if selected.kind != "triwulan":
        raise Http404(_("Figures are entered per quarter."))
    return selected


# How the user stands to a unit's figures: enters them (one of reporting_units), reviews them as
# the unit's head, or only reads them to compile the report (reads_every_units_figures).
ENTERS, REVIEWS, READS = "enters", "reviews", "reads"


def _unit_or_404(agency, unit_id: int, user, year: int, *, writing: bool = False) -> tuple[Unit, str]:
    """The unit and how the user stands to its figures; anyone else is refused, and so is a write
    (`writing`) by someone who only reads them."""
    units = Unit.objects.select_related("parent__parent__parent")
    unit = get_object_or_404(units, pk=unit_id, agency=agency)  # another agency's unit is a 404
    if enters_figures_for(user, unit, year):
        return unit, ENTERS
    if _reviews(user, unit):
        return unit, REVIEWS
    if not reads_every_units_figures(user, agency):
        raise PermissionDenied(_("You do not enter figures for this unit."))
    if writing:
        raise PermissionDenied(_("You read this unit's figures to compile the report; only the unit enters them."))
    return unit, READS


def _reviews(user, unit) -> bool:
    return unit.pk in permissions.headed_unit_ids(user)


@login_required
def figures(request, period: str | None = None):
    """The quarter's units: straight to the user's own unit page when there is only one."""
    agency = agency_or_403(request)
    choices = _quarters(timezone.localdate())
    selected = _quarter_or_404(period, choices)
    # The planning staff (can_edit_targets, asked first: it needs no query for the Sekretaris) and
    # the compilers read every unit's figures, read-only (reads_every_units_figures).
    edits_targets = permissions.can_edit_targets(request.user, agency)
    if edits_targets or reads_every_units_figures(request.user, agency):
        units = list(responsible_units(agency, selected.year))
    else:
        units = reporting_units(agency, request.user, selected.year)
    waiting = submissions_to_review(agency, request.user)
    if len(units) == 1 and not waiting:
        return redirect("reports:figures-unit", str(selected), units[0].pk)
    submissions = UnitSubmission.objects.filter(unit__in=units, period=str(selected)).order_by()
    states = dict(submissions.values_list("unit_id", "state"))
    return render(
        request,
        "reports/figures/units.html",
        {
            "agency": agency,
            "period": selected,
            "choices": choices,
            "units": [(unit, states.get(unit.pk, UnitSubmission.State.DRAFT)) for unit in units],
            "state_labels": dict(UnitSubmission.State.choices),
            "waiting": waiting,
            "can_edit_targets": edits_targets,
        },
    )


def _capaian(agency, indicator, target, figure, bands):
    if figure is None or figure.not_available:
        return None, ""
    computed = capaian(target, figure.value, indicator.polarity, cap=agency.cap_achievement, bands=bands)
    return computed.shown, computed.predikat


@login_required
def figures_unit(request, period: str, unit_id: int):
    """One unit and quarter: every indicator's targets, realisasi, kendala, solusi, bukti dukung and
    capaian. "Simpan draf" saves all rows in one transaction; a refused row re-shows every input."""
    agency = agency_or_403(request)
    choices = _quarters(timezone.localdate())
    selected = _quarter_or_404(period, choices)
    unit, access = _unit_or_404(agency, unit_id, request.user, selected.year, writing=request.method == "POST")
    submission = unit_submission(unit, selected)
    rows = None  # the saved figures
    status = 200
    if request.method == "POST":
        if quarter_closed(agency, selected, submission):
            messages.error(request, FIGURES_LOCKED)
            return redirect("reports:figures-unit", str(selected), unit.pk)
        rows = figure_row_forms(figure_entries(unit, selected), request.POST, request.FILES)
        if all(form.is_valid() for _entry, form in rows):
            typed = typed_figure_rows(rows)
            try:
                figures_save_draft(unit=unit, period=selected, rows=typed, user=request.user)
            except (ValidationError, PermissionDenied) as problem:
                _attach_errors(rows, problem)
            else:
                saved = _("Draft saved: %(count)s figures.") % {"count": len(typed)}
                # Kirim posts the same form: what was typed is saved first, then handed in.
                if not request.POST.get("send"):
                    messages.success(request, saved)
                elif not _send(request, unit, selected):
                    messages.info(request, saved)
                return redirect("reports:figures-unit", str(selected), unit.pk)
        messages.error(request, _("Nothing was saved. Correct the rows marked below."))
        status = 400
    context = _unit_context(request, agency, unit, selected, rows, access=access, submission=submission)
    return render(request, "reports/figures.html", context, status=status)


def _attach_errors(rows, problem) -> None:
    by_indicator = getattr(problem, "error_dict", None)
    for entry, form in rows:
        if by_indicator and str(entry.indicator.pk) in by_indicator:
            for error in by_indicator[str(entry.indicator.pk)]:
                form.add_error("value", error)
    if not by_indicator and rows:
        rows[0][1].add_error(None, _refusal(problem))


def _unit_context(request, agency, unit, period, rows=None, *, access: str, submission: UnitSubmission | None) -> dict:
    """The unit page's context. `rows`: the forms with what was posted or uploaded; None for the
    saved figures, whose rows are read from the cache when the page has no inputs (_read_rows_html)."""
    step_locked = figures_locked(agency, period.year, period.number)
    locked = step_locked or (submission is not None and submission.locked)
    context = {
        "agency": agency,
        "unit": unit,
        "period": period,
        "choices": _quarters(timezone.localdate()),
        "submission": submission,
        "locked": locked,
        "step_locked": step_locked,
        # The rule of can_review_submission, in two queries (the unit's positions, the acting appointments).
        "can_review": bool(submission and permissions.reviewable_submissions(request.user, agency, [submission])),
        "can_enter": access == ENTERS,
        "read_only": access == READS,  # no inputs at all: the page is read to compile the report
        "rows_html": None,
    }
    if rows is None and (locked or access == READS):
        context["rows_html"] = _read_rows_html(agency, unit, period)
        return context
    rows = figure_row_forms(figure_entries(unit, period)) if rows is None else rows
    removable = set()
    if not locked and access != READS:
        headed = permissions.headed_unit_ids(request.user)
        removable = {
            evidence.pk
            for entry, _form in rows
            if entry.realisation
            for evidence in entry.realisation.evidence.all()
            if permissions.can_remove_evidence(request.user, evidence, headed=headed)
        }
    return context | {"rows": _table_rows(agency, rows), "removable": removable}


def _table_rows(agency, rows) -> list[tuple]:
    """Each row with its capaian and predikat, from the saved figure."""
    bands = rating_bands_for(agency)
    table = []
    for entry, form in rows:
        realisation = entry.realisation
        figure = None if realisation is None else Figure(realisation.value, realisation.not_available)
        percent, predikat = _capaian(agency, entry.indicator, entry.capaian_target, figure, bands)
        table.append((entry, form, percent, predikat))
    return table


UNIT_ROWS = "reports/figures/rows.html"
# What the read rows are drawn with: a change to any of them is a new key.
UNIT_ROW_TEMPLATES = (
    UNIT_ROWS,
    "reports/figures/row_read.html",
    "reports/figures/capaian_cell.html",
    "reports/partials/evidence_file.html",
    "partials/traffic_light.html",
)


def _read_rows_html(agency, unit, period):
    """The unit's rows without inputs (read by a compiler, or locked), the same for everyone who reads
    them: rendered once per change of their data (reports.performance.stamps.unit_figures_key), per
    language. No remove button and no CSRF token is in them. Empty when there are none."""

    def render() -> str:
        rows = _table_rows(agency, figure_row_forms(figure_entries(unit, period)))
        # Drawn as read rows (row_read.html): alike for a compiler and for a locked quarter.
        context = {"rows": rows, "read_only": True, "removable": set(), "period": period, "unit": unit}
        return render_to_string(UNIT_ROWS, context) if rows else ""

    stamp = unit_figures_key(agency, unit, period.year, period.number)
    thresholds = "-".join(str(t) for t in settings.TRAFFIC_LIGHT_THRESHOLDS)
    return kept_html(stamp, UNIT_ROW_TEMPLATES, render, variant=thresholds)


@login_required
@require_POST
def capaian_cell(request, period: str, unit_id: int, indicator_id: int):
    """htmx: the capaian and predikat of what is typed in a row, computed here, not in the browser."""
    agency = agency_or_403(request)
    selected = _quarter_or_404(period, _quarters(timezone.localdate()))
    unit, _access = _unit_or_404(agency, unit_id, request.user, selected.year, writing=True)
    entry = next((e for e in figure_entries(unit, selected) if e.indicator.pk == indicator_id), None)
    if entry is None:
        raise Http404(_("You do not enter figures for this indicator."))
    typed = request.POST.get(f"i{indicator_id}-value", "").strip()
    problem = ""
    figure = None
    if typed:
        try:
            figure = parse_figure(typed)
        except ValidationError as refused:
            problem = _refusal(refused)
    percent, predikat = _capaian(agency, entry.indicator, entry.capaian_target, figure, rating_bands_for(agency))
    return render(
        request,
        "reports/figures/capaian_cell.html",
        {"entry": entry, "percent": percent, "predikat": predikat, "problem": problem},
    )


@login_required
@require_POST
def figures_submit(request, period: str, unit_id: int):
    """Kirim: the unit's quarter goes to whoever reviews it (its head, or the head's supervisor)."""
    agency = agency_or_403(request)
    selected = _quarter_or_404(period, _quarters(timezone.localdate()))
    unit, _access = _unit_or_404(agency, unit_id, request.user, selected.year, writing=True)
    _send(request, unit, selected)
    return redirect("reports:figures-unit", str(selected), unit.pk)


def _send(request, unit, period) -> bool:
    """Hand the unit's quarter in, and say to whom (or why not); whether it was handed in."""
    try:
        submission = unit_submission_submit(unit=unit, period=period, user=request.user)
    except (ValidationError, PermissionDenied) as problem:
        messages.error(request, _refusal(problem))
        return False
    # Named as who really reviews: a Kasi's own figures go up to the Kabid, not to the Kasi.
    reviewer = permissions.submission_reviewer_position(submission)
    messages.success(request, _("Sent to the %(position)s for review.") % {"position": reviewer or unit.name})
    return True


def _submission_or_404(agency, submission_id: int) -> UnitSubmission:
    return get_object_or_404(UnitSubmission.objects.select_related("unit"), pk=submission_id, unit__agency=agency)


@login_required
@require_POST
def submission_approve(request, submission_id: int):
    agency = agency_or_403(request)
    submission = _submission_or_404(agency, submission_id)
    try:
        unit_submission_approve(submission_id=submission.pk, user=request.user)
    except (ValidationError, PermissionDenied) as problem:
        messages.error(request, _refusal(problem))
    else:
        messages.success(request, _("Approved: %(unit)s.") % {"unit": submission.unit.name})
    return _after_review(request, submission)


@login_required
@require_POST
def submission_return(request, submission_id: int):
    agency = agency_or_403(request)
    submission = _submission_or_404(agency, submission_id)
    try:
        unit_submission_return(submission_id=submission.pk, user=request.user, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as problem:
        messages.error(request, _refusal(problem))
    else:
        messages.success(request, _("Returned to %(unit)s with your note.") % {"unit": submission.unit.name})
    return _after_review(request, submission)


def _after_review(request, submission):
    if request.htmx:  # approved or returned in place, from the dashboard
        context = decision_context(request, submission.unit.agency, timezone.now(), submission=submission)
        return render(request, "workflow/partials/decision_result.html", context)
    return redirect("reports:figures-unit", submission.period, submission.unit_id)


# Excel --------------------------------------------------------------------------------------------


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _checked_upload(request):
    """The uploaded .xlsx, content-checked (an .exe renamed .xlsx is refused), or a refusal."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError(_("Choose the Excel file to upload."))
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(_("Upload the .xlsx file downloaded from this page."))
    validate_upload_size(upload)
    validate_upload(upload)
    upload.seek(0)
    return upload


@login_required
def figures_excel(request, period: str, unit_id: int):
    """GET: the quarter as a pre-filled .xlsx. POST: the filled file back, saved as a draft (all rows
    or none; refused rows are listed by row number)."""
    agency = agency_or_403(request)
    selected = _quarter_or_404(period, _quarters(timezone.localdate()))
    unit, access = _unit_or_404(agency, unit_id, request.user, selected.year, writing=request.method == "POST")
    entries = figure_entries(unit, selected)
    if request.method != "POST":
        data = excel.figures_workbook(agency=agency, unit=unit, period=selected, entries=entries)
        return _xlsx_response(data, f"data-kinerja-{unit.pk}-{selected}.xlsx")
    problems = []
    try:
        upload = _checked_upload(request)
        rows = excel.read_figures(upload, entries=entries)
        figures_save_draft(unit=unit, period=selected, rows=rows, user=request.user)
    except excel.WorkbookRefused as refused:
        problems = refused.problems
    except (ValidationError, PermissionDenied) as problem:
        problems = [_refusal(problem)]
    else:
        messages.success(
            request,
            _("The Excel file is saved as a draft: %(count)s figures. Check them below, then send them (Kirim).")
            % {"count": len(rows)},
        )
        return redirect("reports:figures-unit", str(selected), unit.pk)
    submission = unit_submission(unit, selected)
    context = _unit_context(request, agency, unit, selected, access=access, submission=submission)
    context["excel_problems"] = problems
    messages.error(request, _("Nothing was saved from the Excel file."))
    return render(request, "reports/figures.html", context, status=400)


# Targets ------------------------------------------------------------------------------------------


def _target_rows(agency, year: int, data=None):
    indicators = (
        Indicator.objects.for_agency(agency)
        .select_related("objective", "responsible_unit")
        # Not every year's; into a dict by quarter, so unordered (the default order joins the indicator).
        .prefetch_related(Prefetch("targets", queryset=Target.objects.filter(year=year).order_by()))
        .order_by("objective__order", "order")
    )
    rows = []
    for indicator in indicators:
        targets = {t.quarter: t.as_target() for t in indicator.targets.all()}
        yearly = indicator.measured_yearly
        initial = {"annual": target_text(targets.get(None))}
        initial |= {f"q{q}": "" if yearly else target_text(targets.get(q)) for q in (1, 2, 3, 4)}
        form = TargetRowForm(data, initial=initial, prefix=f"t{indicator.pk}", yearly=yearly)
        rows.append((indicator, form))
    return rows


@dataclass(frozen=True)
class _Cell:
    """One input of a table of many (the targets page has 300): read from its bound field in Python
    once, not looked up field by field through the template engine."""

    name: str
    id: str
    label: str
    value: str
    errors: list


def _cells(form) -> list[_Cell]:
    return [_Cell(field.html_name, field.auto_id, field.label, field.value() or "", field.errors) for field in form]


TARGET_ROWS = "reports/figures/target_rows.html"


def _target_rows_html(agency, year: int, *, editor: bool, bound=None) -> str:
    """The grid's rows: the forms `bound` to what was posted (with their errors), else what is saved,
    rendered once per change of the targets (reports.performance.stamps.targets_key) in each language
    and for editors (inputs) and readers (disabled inputs) apart."""

    def render(rows) -> str:
        context = {"rows": [(indicator, form, _cells(form)) for indicator, form in rows], "editor": editor}
        return render_to_string(TARGET_ROWS, context)

    if bound is not None:
        return render(bound)
    stamp = targets_key(agency, year)
    return kept_html(stamp, (TARGET_ROWS,), lambda: render(_target_rows(agency, year)), variant=str(int(editor)))


@login_required
def targets(request, year: int):
    """The year's PK and Rencana Aksi targets, typed in any target form, for the planning staff."""
    agency = agency_or_403(request)
    editor = permissions.can_edit_targets(request.user, agency)
    lock = (
        TargetLock.objects.filter(agency=agency, year=year)
        .select_related("locked_by__employee", "signed_document")
        .defer("signed_document__pdf")
        .first()
    )
    can_lock = lock is None and permissions.can_sign(request.user, agency)
    status = 200
    problems = []
    bound = None  # the typed rows, re-shown with their errors when refused
    if request.method == "POST":
        if not editor:
            raise PermissionDenied(_("Targets are entered by the planning staff."))
        try:
            if "file" in request.FILES:
                upload = _checked_upload(request)
                rows = _target_rows(agency, year)
                typed = excel.read_targets(upload, indicators=[indicator for indicator, _form in rows])
            else:
                bound = _target_rows(agency, year, request.POST)
                if not all(form.is_valid() for _indicator, form in bound):
                    raise ValidationError(_("Nothing was saved. Correct the rows marked below."))
                typed = {indicator: form.cleaned_data["targets"] for indicator, form in bound}
            count = targets_save(agency=agency, year=year, rows=typed, user=request.user)
        except excel.WorkbookRefused as refused:
            problems = refused.problems
            messages.error(request, _("Nothing was saved from the Excel file."))
        except (ValidationError, PermissionDenied) as problem:
            messages.error(request, _refusal(problem))
        else:
            messages.success(request, _("Targets saved: %(count)s.") % {"count": count})
            return redirect("reports:targets", year)
        status = 400
    return render(
        request,
        "reports/figures/targets.html",
        {
            "agency": agency,
            "year": year,
            "years": [timezone.localdate().year + offset for offset in (1, 0, -1)],
            "target_rows": _target_rows_html(agency, year, editor=editor and lock is None, bound=bound),
            "editor": editor and lock is None,
            "lock": lock,
            "can_lock": can_lock,
            "lock_gaps": agreement_target_gaps(agency, year) if can_lock else (),
            "excel_problems": problems,
        },
        status=status,
    )


@login_required
def targets_excel(request, year: int):
    agency = agency_or_403(request)
    if not permissions.can_edit_targets(request.user, agency):
        raise PermissionDenied(_("Targets are entered by the planning staff."))
    rows = _target_rows(agency, year)
    return _xlsx_response(excel.targets_workbook(agency=agency, year=year, rows=rows), f"target-{year}.xlsx")


@login_required
def lkjip_excel(request, year: int):
    """The year's LKjIP tables (IKU, PK, realisasi, capaian) for the e-SAKIP upload and SIPD; anyone
    of the agency reads its reports, so anyone of it may take them."""
    agency = agency_or_403(request)
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    return _xlsx_response(excel.lkjip_workbook(agency=agency, year=year), f"lkjip-{agency.slug}-{year}.xlsx")


@login_required
@require_POST
def targets_lock(request, year: int):
    """Kunci PK: the Kepala Dinas freezes the year's targets without a signed Perjanjian Kinerja
    (signing the PK on the Documents page locks them too)."""
    agency = agency_or_403(request)
    try:
        target_lock(agency=agency, year=year, user=request.user)
    except (ValidationError, PermissionDenied) as problem:
        messages.error(request, _refusal(problem))
    else:
        messages.success(request, _("The targets for %(year)s are locked.") % {"year": year})
    return redirect("reports:targets", year)
