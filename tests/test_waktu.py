"""Waktu as written in real SOPs: kept as text, read into a value, totalled honestly."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from workflow.models import Run
from workflow.runs.calendar import WorkingCalendar
from workflow.sop.text import parse_waktu
from workflow.sop.waktu import Duration, TimeUnit, Waktu, total_waktu

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
CALENDAR = WorkingCalendar(
    zone=WITA, work_days=frozenset(range(1, 6)), starts=datetime.time(7, 30), ends=datetime.time(16, 0)
)
MONDAY_9 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=WITA)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("15 Menit", 15, TimeUnit.MINUTE),
        ("2hari", 2, TimeUnit.DAY),
        ("3 Jam.", 3, TimeUnit.HOUR),
        ("4 jam kerja", 4, TimeUnit.HOUR),
        ("2 hari kerja", 2, TimeUnit.DAY),
        ("1 Minggu", 1, TimeUnit.WEEK),
        ("2 pekan", 2, TimeUnit.WEEK),
        ("1,5 jam", 90, TimeUnit.MINUTE),
        ("1-3 hari", 3, TimeUnit.DAY),
        ("1 s/d 3 hari", 3, TimeUnit.DAY),
    ],
)
def test_each_written_amount_is_read_into_its_value_and_the_text_is_kept(text, amount, unit):
    waktu = parse_waktu(text)
    assert (waktu.amount, waktu.unit, waktu.text) == (amount, unit, text)


@pytest.mark.parametrize("text", ["Seketika", "Seketika (otomatis)", "otomatis oleh sistem"])
def test_seketika_is_zero_and_allowed(text):
    waktu = parse_waktu(text)
    assert waktu.amount == 0 and waktu.has_standard
    assert waktu.duration() == Duration()


@pytest.mark.parametrize("text", ["Menyesuaikan", "sesuai kebutuhan", "Menyesuaikan jadwal"])
def test_menyesuaikan_has_no_standard_at_all(text):
    waktu = parse_waktu(text)
    assert waktu.amount is None and not waktu.has_standard


@pytest.mark.parametrize(
    "text", ["", "segera", "15", "dua hari", "0,5 hari", "3 tahun", "-15 menit", "10 menit/hari", "3-1 hari"]
)
def test_text_that_cannot_be_read_is_refused_in_indonesian_quoting_it(text):
    with translation.override("id"), pytest.raises(ValidationError) as refusal:
        parse_waktu(text)
    message = " ".join(refusal.value.messages)
    assert "tidak dapat dibaca" in message and repr(text.strip()) in message


def test_a_week_is_five_working_days_by_default_and_configurable():
    assert Duration.of(1, TimeUnit.WEEK) == Duration(days=5)
    assert CALENDAR.standard_minutes(1, TimeUnit.WEEK) == 5 * 510
    # From Monday 2 November 2026 09:00, five working days is Monday 9 November 09:00.
    assert CALENDAR.due(MONDAY_9, parse_waktu("1 minggu")) == datetime.datetime(2026, 11, 9, 9, 0, tzinfo=WITA)
    with override_settings(SOP_WORKING_DAYS_PER_WEEK=6):
        assert Duration.of(1, TimeUnit.WEEK) == Duration(days=6)


def test_working_hours_and_days_count_working_time_only():
    # 4 jam kerja from Monday 15:00 ends Tuesday 10:30 (one hour on Monday, three on Tuesday).
    monday_15 = MONDAY_9.replace(hour=15)
    assert CALENDAR.due(monday_15, parse_waktu("4 jam kerja")) == datetime.datetime(2026, 11, 3, 10, 30, tzinfo=WITA)
    assert CALENDAR.due(MONDAY_9, parse_waktu("2 hari kerja")) == datetime.datetime(2026, 11, 4, 9, 0, tzinfo=WITA)


def test_seketika_and_menyesuaikan_set_no_deadline():
    assert CALENDAR.due(MONDAY_9, parse_waktu("Seketika")) is None
    assert CALENDAR.due(MONDAY_9, parse_waktu("Menyesuaikan")) is None
    assert CALENDAR.standard_minutes(None, "") == 0


def test_the_jumlah_adds_what_has_a_value_and_counts_what_has_none():
    total = total_waktu(parse_waktu(t) for t in ["2 hari", "1 minggu", "30 menit", "Menyesuaikan", "Seketika"])
    assert total.duration == Duration(days=7, minutes=30)
    with translation.override("id"):
        assert str(total) == "7 hari 30 menit + 1 langkah menyesuaikan"
        assert total.parts == ["7 hari", "30 menit", "+ 1 langkah menyesuaikan"]
        assert str(total_waktu([parse_waktu("Menyesuaikan")] * 2)) == "2 langkah menyesuaikan"


def test_a_duration_is_shown_in_the_sops_own_unit():
    with translation.override("id"):
        assert str(parse_waktu("2 hari")) == "2 hari"
        assert str(parse_waktu("120 Hari")) == "120 hari"
        assert str(parse_waktu("1 Minggu")) == "1 minggu"
        assert str(parse_waktu("Menyesuaikan")) == "menyesuaikan"
        assert str(Waktu(0, TimeUnit.MINUTE)) == "seketika"


def test_actual_working_time_is_shown_in_working_days_not_in_hours():
    from types import SimpleNamespace

    from workflow.templatetags.workflow_tags import working_span

    agency = SimpleNamespace(work_starts=datetime.time(7, 30), work_ends=datetime.time(16, 0))  # 510 minutes a day
    with translation.override("id"):
        assert working_span(1020, agency) == "2 hari"
        assert working_span(120 * 510 + 75, agency) == "120 hari 1 jam 15 menit"
        assert working_span(45, agency) == "45 menit"
        assert working_span(None, agency) == "—"


def test_the_runs_list_and_the_run_page_print_a_runs_standard_the_same_way(login, run):
    Run.objects.filter(pk=run.pk).update(standard_minutes=110 * 60 + 50)  # 13 working days of 8.5 h, 20 min
    client = login("balangan.kadis")
    listed = client.get(reverse("workflow:runs")).content.decode()
    shown = client.get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert "13 hari 20 menit" in listed and "13 hari 20 menit" in shown
    assert "110 jam" not in listed
