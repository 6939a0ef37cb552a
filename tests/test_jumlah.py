"""Jumlah: the total Waktu of an SOP is computed from its steps, never copied."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from workflow.sop.text import parse_waktu
from workflow.sop.waktu import Duration, TimeUnit, total_duration, total_waktu

SEED_000 = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_balangan_sop01.txt"


def seed_000_rows() -> list[list[str]]:
    lines = SEED_000.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line[:1].isdigit() and "\t" in line]


def test_minutes_fold_into_hours_but_hours_stay_apart_from_working_days():
    total = total_duration([(45, TimeUnit.MINUTE), (30, TimeUnit.MINUTE), (30, TimeUnit.HOUR), (2, TimeUnit.DAY)])
    assert total == Duration(days=2, hours=31, minutes=15)


def test_jumlah_is_written_in_indonesian_units():
    assert str(Duration(days=122, hours=3, minutes=2)) == "122 hari 3 jam 2 menit"
    with translation.override("en"):
        assert str(Duration(days=1, hours=3)) == "1 day 3 hours"


def test_the_jumlah_of_seed_000_adds_its_own_rows(sop000):
    from_the_text = total_waktu(parse_waktu(row[8]) for row in seed_000_rows())
    assert len(seed_000_rows()) == 9
    assert sop000.total_duration() == from_the_text
    assert from_the_text.duration == Duration(days=122, hours=3, minutes=2) and not from_the_text.without_standard


def test_the_total_printed_on_seed_000_omits_two_minutes(sop000):
    printed = Duration(days=122, hours=3)
    assert sop000.total_duration().duration != printed
    assert str(sop000.total_duration()) == "122 hari 3 jam 2 menit"


def test_the_jumlah_of_seed_002_adds_thirteen_days_and_twenty_minutes(sop002):
    assert sop002.total_duration().duration == Duration(days=13, minutes=20)


def test_an_empty_sop_totals_zero():
    assert str(total_duration([])) == "0"
