"""Deadlines follow the agency's working calendar: working days and hours, holidays, days off."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from workflow.models import DayOff
from workflow.runs.calendar import WorkingCalendar, national_holiday
from workflow.sop.waktu import TimeUnit

WITA = ZoneInfo("Asia/Makassar")


def at(day: str, time: str = "10:00", zone=WITA) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=zone)


@pytest.fixture
def calendar(balangan) -> WorkingCalendar:
    return WorkingCalendar.for_agency(balangan)


def test_the_default_week_is_monday_to_friday_from_half_past_seven_to_four(calendar):
    assert calendar.work_days == {1, 2, 3, 4, 5}
    assert calendar.minutes_per_day == 510
    assert str(calendar.zone) == "Asia/Makassar"


def test_one_day_on_a_friday_is_due_on_monday(calendar):
    assert calendar.add(at("2026-11-20"), 1, TimeUnit.DAY) == at("2026-11-23")


def test_christmas_and_its_cuti_bersama_are_skipped_as_well_as_the_weekend(calendar):
    assert national_holiday(datetime.date(2026, 12, 25)) == "Hari Raya Natal"
    assert national_holiday(datetime.date(2026, 12, 24)).startswith("Cuti Bersama")
    # Wednesday 23 Dec + 1 hari: Thursday (cuti bersama), Friday (Natal), the weekend -> Monday 28 Dec.
    assert calendar.add(at("2026-12-23"), 1, TimeUnit.DAY) == at("2026-12-28")


def test_independence_day_is_not_a_working_day(calendar):
    assert not calendar.is_working_day(datetime.date(2026, 8, 17))
    assert calendar.add(at("2026-08-14"), 1, TimeUnit.DAY) == at("2026-08-18")


def test_an_agencys_own_day_off_is_skipped(balangan):
    DayOff.objects.create(agency=balangan, date=datetime.date(2026, 11, 23), name="Hari jadi Kabupaten Balangan")
    calendar = WorkingCalendar.for_agency(balangan)
    assert calendar.add(at("2026-11-20"), 1, TimeUnit.DAY) == at("2026-11-24")


def test_hours_carry_over_into_the_next_working_day(calendar):
    # Friday 15:00 + 2 jam: 60 minutes on Friday, 60 more from 07:30 on Monday.
    assert calendar.add(at("2026-11-20", "15:00"), 2, TimeUnit.HOUR) == at("2026-11-23", "08:30")


def test_work_handed_out_after_hours_starts_the_next_working_morning(calendar):
    assert calendar.add(at("2026-11-20", "18:00"), 15, TimeUnit.MINUTE) == at("2026-11-23", "07:45")
    assert calendar.add(at("2026-11-21", "09:00"), 1, TimeUnit.DAY) == at("2026-11-24", "07:30")


def test_a_deadline_is_computed_in_the_agencys_own_zone(calendar):
    # 15:30 WIB is 16:30 WITA: after hours in Balangan.
    started = at("2026-11-20", "15:30", ZoneInfo("Asia/Jakarta"))
    assert calendar.add(started, 30, TimeUnit.MINUTE) == at("2026-11-23", "08:00")


def test_working_minutes_count_only_working_time(calendar):
    assert calendar.working_minutes(at("2026-11-20", "15:00"), at("2026-11-23", "08:30")) == 120
    assert calendar.working_minutes(at("2026-12-23", "15:00"), at("2026-12-28", "08:00")) == 90
    assert calendar.working_minutes(at("2026-11-23"), at("2026-11-20")) == 0


def test_a_standard_day_is_one_working_day_of_minutes(calendar):
    assert calendar.standard_minutes(2, TimeUnit.DAY) == 1020
    assert calendar.standard_minutes(3, TimeUnit.HOUR) == 180
