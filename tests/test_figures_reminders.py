"""Before the agency's deadline for a quarter's figures, the units that have not handed them in are
reminded, once each; the units that have are left alone."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail

from reports.performance.selectors import unit_indicators, units_missing_figures
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow.models import SentReminder, Unit
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.reminders import figures_deadline, figures_remind, quarter_just_ended

from .conftest import user

TW4 = Period.parse("2026-TW4")


@pytest.fixture
def layanan(balangan):
    return Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")


def hand_in(unit):
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=TW4, rows=rows, user=user("balangan.kasi-layanan"))
    unit_submission_submit(unit=unit, period=TW4, user=user("balangan.kasi-layanan"))


def reminded_units(agency) -> set[int]:
    keys = SentReminder.objects.filter(event="figures_due", agency=agency).values_list("key", flat=True)
    return {int(key.split("unit=")[1].split(":")[0]) for key in keys if key.endswith(f":{TW4}")}


def test_the_figures_deadline_is_the_agencys_tenth_working_day_after_the_quarter(balangan):
    deadline = figures_deadline(balangan, TW4)
    # 1 and 5 January 2027 are holidays: the tenth working day after 31 December is Monday 18 January.
    assert deadline.date() == datetime.date(2027, 1, 18)
    assert deadline.timetz().replace(tzinfo=None) == balangan.work_ends
    assert quarter_just_ended(datetime.date(2027, 1, 12)) == TW4
    assert quarter_just_ended(datetime.date(2026, 7, 1)) == Period.parse("2026-TW2")


def test_only_the_units_that_have_not_handed_in_are_reminded_before_the_deadline(balangan, layanan):
    hand_in(layanan)
    missing = {unit.pk for unit in units_missing_figures(balangan, TW4)}
    assert missing and layanan.pk not in missing
    calendar = WorkingCalendar.for_agency(balangan)
    deadline = figures_deadline(balangan, TW4, calendar)

    figures_remind(now=calendar.days_before(deadline, 5))  # too early
    assert reminded_units(balangan) == set()
    figures_remind(now=calendar.days_before(deadline, 1))
    assert reminded_units(balangan) == missing
    assert figures_remind(now=calendar.days_before(deadline, 1)) == 0  # once per unit and quarter
    assert figures_remind(now=deadline + datetime.timedelta(days=1)) == 0  # past the deadline

    to_balangan = [m for m in mail.outbox if all(a.endswith("@balangan.example.go.id") for a in m.to)]
    subjects = [m.subject for m in to_balangan]
    assert len(subjects) == len(missing)
    assert all(s.startswith("Batas penyampaian data kinerja: ") and s.endswith("Triwulan IV 2026") for s in subjects)
    assert not any(layanan.name in s for s in subjects)
    kasi_layanan = user("balangan.kasi-layanan").email
    assert not any(kasi_layanan in m.to for m in mail.outbox)
    assert "18 Januari 2027" in to_balangan[0].body


def test_a_later_deadline_set_for_the_agency_moves_the_reminder(balangan):
    balangan.figures_due_days = 15
    balangan.save(update_fields=["figures_due_days"])
    assert figures_deadline(balangan, TW4).date() == datetime.date(2027, 1, 25)
