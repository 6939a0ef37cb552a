"""A unit's quarter written through the API is stored exactly as if typed on the unit page, and
refused exactly where the page refuses: the same values are sent through the page's POST and through
PUT /api/v1/…/figures/<period> for two units, in an open quarter, a quarter locked by its
data-collection step, a quarter the unit has handed in, and a year whose PK is locked; the stored
rows and the refusals (each row's messages, or the page's one reason) are compared one by one."""

from dataclasses import dataclass

import pytest
from django.contrib.messages import constants as levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reports.forms import FIGURES_LOCKED
from reports.models import Realisation, TargetLock, UnitSubmission
from reports.performance.selectors import figure_entries, reporting_units
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow.runs.services import run_start, run_step_submit

from .api_helpers import call, token_for
from .conftest import user

CLERKS = ["balangan.kasi-layanan", "balangan.kasi-arsip"]
FIELDS = ("value", "note", "na_reason", "obstacles", "solutions")


@dataclass(frozen=True)
class Row:
    value: str = ""
    note: str = ""
    na_reason: str = ""
    obstacles: str = ""
    solutions: str = ""


# What is typed for the first, second and every further indicator of the unit.
SCENARIOS = {
    "every row valid": (
        Row("12.750", obstacles="Hujan deras", solutions="Layanan keliling"),
        Row("n/a", na_reason="Survei belum selesai"),
        Row("1:28", note="Evaluasi Semester I"),
    ),
    "one bad row": (Row("abc"), Row("12"), Row("0,277")),
    "n/a without a reason": (Row("n/a"), Row(""), Row("")),
    "the note twice, differently": (Row("38 % (Evaluasi)", note="Lain"), Row("5"), Row("")),
    "a negative figure": (Row("-5"), Row("7"), Row("")),
    "kendala without a figure": (Row("", obstacles="Banjir"), Row("3"), Row("")),
}


def _lock_by_data_step(agency, sop000, period):
    run = run_start(version=sop000, period=period, user=user("balangan.sekretaris"))
    run_step_submit(run_step_id=run.steps.get(step__number=1).pk, user=user("balangan.sekretaris"), output_note="ok")


def _hand_in(agency, unit, period, clerk):
    rows = [FigureRow(indicator=e.indicator, figure=Figure(1)) for e in figure_entries(unit, period)]
    figures_save_draft(unit=unit, period=period, rows=rows, user=user(clerk))
    unit_submission_submit(unit=unit, period=period, user=user(clerk))


def _lock_pk(agency, year):
    TargetLock.objects.create(agency=agency, year=year, locked_by=user("balangan.kadis"), locked_at=timezone.now())


CONDITIONS = {
    "open quarter": ("2026-TW4", None),
    "quarter locked by its data-collection step": ("2026-TW3", "data step"),
    "quarter handed in by the unit": ("2026-TW4", "handed in"),
    "PK locked for the year": ("2026-TW4", "pk"),
}


def _typed(entries, scenario) -> list[tuple]:
    rows = SCENARIOS[scenario]
    return [(entry.indicator.pk, rows[min(index, len(rows) - 1)]) for index, entry in enumerate(entries)]


def _stored(unit, period) -> tuple:
    rows = Realisation.objects.filter(indicator__responsible_unit=unit, year=period.year, quarter=period.number)
    fields = ("indicator_id", "value", "not_available", "not_available_reason", "written_as_ratio", "note")
    fields += ("obstacles", "solutions", "submitted_by_id")
    state = UnitSubmission.objects.filter(unit=unit, period=str(period)).values_list("state", flat=True).first()
    return sorted(rows.values_list(*fields)), state


def _through_the_page(client, unit, period, typed) -> dict:
    data = {f"i{pk}-{name}": getattr(row, name) for pk, row in typed for name in FIELDS}
    response = client.post(reverse("reports:figures-unit", args=[str(period), unit.pk]), data)
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == levels.ERROR]
    rows = {}
    if response.status_code == 400:
        for entry, form, _percent, _predikat in response.context["rows"]:
            if form.errors:
                rows[str(entry.indicator.pk)] = [str(m) for messages in form.errors.values() for m in messages]
    return {"saved": not errors, "message": errors, "rows": rows}


def _through_the_api(client, secret, unit, period, typed) -> dict:
    body = {"rows": [{"indicator": pk, **{name: getattr(row, name) for name in FIELDS}} for pk, row in typed]}
    url = f"/api/v1/agencies/balangan/units/{unit.pk}/figures/{period}"
    response = call(client, "PUT", url, secret, body)
    answer = response.json()
    assert response.status_code in (200, 409, 422), answer
    if response.status_code == 200:
        return {"saved": True, "message": [], "rows": {}}
    return {"saved": False, "message": [answer["message"]], "rows": answer.get("rows", {})}


@pytest.mark.parametrize("condition", list(CONDITIONS))
@pytest.mark.parametrize("clerk", CLERKS)
def test_the_api_stores_and_refuses_each_row_as_the_unit_page_does(condition, clerk, client, balangan, sop000):
    unit = next(u for u in reporting_units(balangan, user(clerk), 2026) if figure_entries(u, Period.parse("2026-TW4")))
    period_text, lock = CONDITIONS[condition]
    period = Period.parse(period_text)
    _token, secret = token_for(balangan, acts_as=user(clerk))
    for scenario in SCENARIOS:
        outcomes = {}
        for channel in ("page", "api"):
            savepoint = transaction.savepoint_create()
            if lock == "data step":
                _lock_by_data_step(balangan, sop000, period)
            elif lock == "handed in":
                _hand_in(balangan, unit, period, clerk)
            elif lock == "pk":
                _lock_pk(balangan, period.year)
            entries = figure_entries(unit, period)
            typed = _typed(entries, scenario)
            if channel == "page":
                client.force_login(user(clerk))
                answer = _through_the_page(client, unit, period, typed)
                client.logout()
            else:
                answer = _through_the_api(client, secret, unit, period, typed)
            outcomes[channel] = (answer, _stored(unit, period))
            transaction.savepoint_rollback(savepoint)
        page, api = outcomes["page"], outcomes["api"]
        where = f"{clerk}, {condition}, {scenario}"
        assert api[0]["saved"] == page[0]["saved"], f"{where}: page {page[0]}, api {api[0]}"
        assert api[0]["rows"] == page[0]["rows"], f"{where}: rows refused differently"
        if not page[0]["rows"]:
            assert api[0]["message"] == page[0]["message"], f"{where}: another reason"
        assert api[1] == page[1], f"{where}: stored rows differ"
        if lock in (None, "pk") and scenario == "every row valid":
            assert page[0]["saved"] and len(page[1][0]) == len(entries), f"{where}: the page saved nothing"
        if lock in (None, "pk") and scenario == "one bad row":
            assert page[0]["rows"] and not page[0]["saved"], f"{where}: the page took a bad row"
        if lock in ("data step", "handed in"):
            assert api[0]["message"] == [str(FIGURES_LOCKED)] and "dikunci" in api[0]["message"][0], where
