"""Performance data: indicators with their targets, the measurement of a period (capaian as every
report prints it: reports.performance.selectors.measure), a unit's quarter saved as a draft through
the unit page's own forms and service, and the year's workbook for e-SAKIP and SIPD."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema
from pydantic import Field, TypeAdapter

from reports.forms import FIGURES_LOCKED, figure_row_forms, typed_figure_rows
from reports.performance.excel import CONTENT_TYPE, lkjip_workbook
from reports.performance.selectors import (
    MEASURE_CACHE_SECONDS,
    agreement_rows,
    enters_figures_for,
    figure_entries,
    measure,
    measure_key,
    quarter_closed,
    unit_submission,
)
from reports.performance.services import figures_save_draft
from reports.performance.values import figure_text, target_text
from sopkinerja.api.access import SLUG, agency_for, json_response, schema_json, writer_for
from sopkinerja.api.errors import REFUSED, ApiError, forbidden, not_found
from sopkinerja.common.periods import Period
from sopkinerja.common.stamped_cache import stamped_get, stamped_set
from workflow import permissions
from workflow.models.integration import Scope
from workflow.models.organisation import Unit
from workflow.organisation.tokens import api_write_record

router = Router(tags=["kinerja"])

PERIOD = r"^\d{4}(-TW[1-4]|-S[12])?$"
QUARTER = r"^\d{4}-TW[1-4]$"


def two_places(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else round(percent, 2)


def period_or_404(text: str) -> Period:
    period = Period.parse(text)
    if not 2000 <= period.year <= 2100:
        raise not_found(_("No such period."))
    return period


class TargetsOut(Schema):
    annual: str
    tw1: str
    tw2: str
    tw3: str
    tw4: str


class IndicatorOut(Schema):
    id: int
    objective: str
    order: int
    name: str
    unit_of_measure: str
    polarity: str
    aggregation: str
    cumulative: bool
    measurement_frequency: str
    responsible_unit_id: int | None
    targets: TargetsOut


class MeasurementOut(Schema):
    indicator_id: int
    indicator: str
    objective: str
    unit_of_measure: str
    target: str
    realisation: str
    capaian: Decimal | None = Field(
        description="Capaian (%), two decimals as the reports print it; capped when the agency caps"
    )
    capaian_uncapped: Decimal | None
    predikat: str
    not_available_quarters: list[int]
    missing_quarters: list[int]


MEASUREMENTS = TypeAdapter(list[MeasurementOut])


class FigureIn(Schema):
    indicator: int
    value: str = Field("", max_length=400, description="12.500, 0,277, 38 %, 1:28 or n/a")
    note: str = Field("", max_length=400)
    na_reason: str = Field("", max_length=1000)
    obstacles: str = Field("", max_length=4000)
    solutions: str = Field("", max_length=4000)


class FiguresIn(Schema):
    rows: list[FigureIn] = Field(..., max_length=500)


class SavedOut(Schema):
    code: str
    message: str
    saved: int
    state: str


@router.get("/agencies/{slug}/indicators/{year}", response=list[IndicatorOut], summary="Indikator dan target")
def indicators(request, year: int = Path(..., ge=2000, le=2100), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_PERFORMANCE)
    return [
        {
            "id": row.indicator.pk,
            "objective": row.indicator.objective.name,
            "order": row.indicator.order,
            "name": row.indicator.name,
            "unit_of_measure": row.indicator.unit_of_measure,
            "polarity": row.indicator.polarity,
            "aggregation": row.indicator.aggregation,
            "cumulative": row.indicator.cumulative,
            "measurement_frequency": row.indicator.measurement_frequency,
            "responsible_unit_id": row.indicator.responsible_unit_id,
            "targets": {
                "annual": target_text(row.target),
                **{f"tw{q}": target_text(target) for q, target in enumerate(row.quarters, 1)},
            },
        }
        for row in agreement_rows(agency, year)
    ]


@router.get("/agencies/{slug}/figures/{period}", response=list[MeasurementOut], summary="Realisasi dan capaian")
def figures(request, period: str = Path(..., pattern=PERIOD), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_PERFORMANCE)
    wanted = period_or_404(period)
    key = measure_key(agency, wanted)  # None on SQLite: computed each time
    # The answer's bytes, as the schema above validates and renders them, under the rows' key: the
    # same for every language and token (no message, no scope-dependent field), so a hit skips
    # pydantic. The operation's `response` still gives the OpenAPI schema.
    content = stamped_get(f"{key}:api-json") if key else None
    if content is None:
        content = schema_json(MEASUREMENTS, [measurement_out(line) for line in measure(agency, wanted, key=key)])
        if key:
            stamped_set(f"{key}:api-json", content, MEASURE_CACHE_SECONDS)
    return json_response(content)


def measurement_out(line) -> dict:
    """One indicator's measurement as the API gives it: plain values, cached as such under the rows' key."""
    return {
        "indicator_id": line.indicator.pk,
        "indicator": line.indicator.name,
        "objective": line.indicator.objective.name,
        "unit_of_measure": line.indicator.unit_of_measure,
        "target": target_text(line.target),
        "realisation": figure_text(line.actual, ratio=line.actual_ratio),
        "capaian": two_places(line.achievement),
        "capaian_uncapped": two_places(line.achievement_uncapped),
        "predikat": line.rating,
        "not_available_quarters": [quarter for quarter, _reason in line.not_available],
        "missing_quarters": list(line.missing_quarters),
    }


@router.get("/agencies/{slug}/export/{year}", summary="Tabel LKjIP (IKU, PK, realisasi, capaian) sebagai .xlsx")
def export(request, year: int = Path(..., ge=2000, le=2100), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_PERFORMANCE)
    response = HttpResponse(lkjip_workbook(agency=agency, year=year), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="lkjip-{agency.slug}-{year}.xlsx"'
    return response


@router.put(
    "/agencies/{slug}/units/{unit_id}/figures/{period}",
    response=SavedOut,
    summary="Simpan data kinerja unit untuk satu triwulan sebagai draf",
)
def figures_save(
    request,
    body: FiguresIn,
    unit_id: int = Path(..., ge=1, le=2**31 - 1),
    period: str = Path(..., pattern=QUARTER),
    slug: str = Path(..., pattern=SLUG),
):
    """Exactly the unit page's "Simpan draf": the same forms read each row, the same locks refuse a
    closed quarter, the same service saves all rows or none, as the token's `acts_as` login."""
    agency = agency_for(request, slug, Scope.WRITE_FIGURES)
    selected = period_or_404(period)
    unit = get_object_or_404(Unit.objects.select_related("parent__parent__parent"), pk=unit_id, agency=agency)
    user = writer_for(request)
    action = f"PUT figures {unit.name} {selected}"
    try:
        saved = _save_figures(agency, unit, selected, body, user)
    except ApiError as refusal:
        api_write_record(token=request.auth, agency=agency, action=action, outcome=refusal.code, detail=refusal.message)
        raise
    api_write_record(token=request.auth, agency=agency, action=action, outcome="saved", detail=f"{saved} rows")
    submission = unit_submission(unit, selected)
    message = _("Draft saved: %(count)s figures.") % {"count": saved}
    return {"code": "saved", "message": message, "saved": saved, "state": submission.state}


def _save_figures(agency, unit, period, body: FiguresIn, user) -> int:
    if not (enters_figures_for(user, unit, period.year) or unit.pk in permissions.headed_unit_ids(user)):
        raise forbidden(_("You do not enter figures for this unit."))
    entries = figure_entries(unit, period)
    if quarter_closed(agency, period, unit_submission(unit, period)):
        raise ApiError(409, "locked", FIGURES_LOCKED)
    known = {entry.indicator.pk for entry in entries}
    typed = {}
    for row in body.rows:
        if row.indicator not in known:
            raise ApiError(
                422,
                "unknown_indicator",
                _("This unit does not enter figures for indicator %(id)s in this quarter.") % {"id": row.indicator},
                indicator=row.indicator,
            )
        if f"i{row.indicator}-value" in typed:
            raise ApiError(422, "duplicate_indicator", _("Indicator %(id)s is sent twice.") % {"id": row.indicator})
        for name in ("value", "note", "na_reason", "obstacles", "solutions"):
            typed[f"i{row.indicator}-{name}"] = getattr(row, name)
    rows = figure_row_forms(entries, typed, {})
    problems = {
        str(entry.indicator.pk): [str(message) for messages in form.errors.values() for message in messages]
        for entry, form in rows
        if not form.is_valid()
    }
    if problems:
        raise ApiError(422, "invalid_rows", _("Nothing was saved. Correct the rows marked below."), rows=problems)
    figure_rows = typed_figure_rows(rows)
    try:
        figures_save_draft(unit=unit, period=period, rows=figure_rows, user=user)
    except PermissionDenied as refusal:
        raise forbidden(str(refusal) or REFUSED[1]) from None
    except ValidationError as refusal:
        by_row = getattr(refusal, "error_dict", None)
        if by_row:
            rows_out = {key: [str(m) for m in ValidationError(value).messages] for key, value in by_row.items()}
            raise ApiError(
                422, "invalid_rows", _("Nothing was saved. Correct the rows marked below."), rows=rows_out
            ) from None
        raise ApiError(409, "refused", " ".join(refusal.messages)) from None
    return len(figure_rows)
