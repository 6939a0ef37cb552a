"""Figures and targets are read as published tables write them (issue 9, item 11)."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from reports.performance.achievement import TargetForm, TargetValue
from reports.performance.values import Figure, format_number, parse_figure, parse_target, target_text


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("0,277", Figure(D("0.277"))),
        ("0.277", Figure(D("0.277"))),
        ("1.234,5", Figure(D("1234.5"))),
        ("12.500", Figure(D(12500))),
        ("12,5 %", Figure(D("12.5"))),
        ("12,5%", Figure(D("12.5"))),
        ("64.05", Figure(D("64.05"))),
        ("0,2775", Figure(D("0.2775"))),
        ("1:28", Figure(D(28), ratio=True)),
        ("2:64", Figure(D(32), ratio=True)),
        ("n/a", Figure(None, True)),
        ("N/A", Figure(None, True)),
        ("tidak tersedia", Figure(None, True)),
        (D("3.5"), Figure(D("3.5"))),
        (7, Figure(D(7))),
    ],
)
def test_every_published_way_of_writing_a_figure_is_read(typed, read):
    assert parse_figure(typed) == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "bukan angka"),
        ("12,34567", "empat angka desimal"),
        ("-5", "tidak boleh negatif"),
        ("0:5", "tidak boleh nol"),
        ("1:2:3", "Tulis rasio seperti 1:32"),
        ("9" * 40, "terlalu besar"),
        ("1e309", "terlalu besar"),
        ("12345678901234567890,12345", "terlalu besar"),
    ],
)
def test_a_figure_that_is_not_one_is_refused_in_indonesian(typed, message, indonesian):
    with pytest.raises(ValidationError, match=message):
        parse_figure(typed)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("80", TargetValue(D(80))),
        ("64,05", TargetValue(D("64.05"))),
        ("10 – 20", TargetValue(D(10), D(20), TargetForm.RANGE)),
        ("10-20", TargetValue(D(10), D(20), TargetForm.RANGE)),
        ("70 s.d. 80", TargetValue(D(70), D(80), TargetForm.RANGE)),
        ("1:32", TargetValue(D(32), form=TargetForm.RATIO)),
        ("maksimal 1 %", TargetValue(D(1), form=TargetForm.CEILING)),
        ("Maks. 0,5", TargetValue(D("0.5"), form=TargetForm.CEILING)),
        ("minimal 80", TargetValue(D(80), form=TargetForm.FLOOR)),
        ("≥ 75 %", TargetValue(D(75), form=TargetForm.FLOOR)),
    ],
)
def test_every_target_form_is_read(typed, read):
    assert parse_target(typed) == read


@pytest.mark.parametrize("typed", ["20 – 10", "n/a", "", "maksimal", "sekitar 5"])
def test_a_target_that_cannot_be_read_is_refused(typed):
    with pytest.raises(ValidationError):
        parse_target(typed)


@pytest.mark.parametrize("typed", ["80", "10 – 20", "1:32", "maksimal 1", "minimal 80", "0,277"])
def test_a_target_is_written_back_the_way_it_reads(typed):
    assert parse_target(target_text(parse_target(typed))) == parse_target(typed)


def test_numbers_are_written_back_with_indonesian_grouping():
    assert format_number(D("1234.5000")) == "1.234,5" and format_number(D(12500)) == "12.500"
    assert format_number(D("11250")) == "11.250" and format_number(D("0.277")) == "0,277"
    assert format_number(D("1234567.1234")) == "1.234.567,1234" and format_number(D(999)) == "999"


@pytest.mark.parametrize(
    "value", ["0", "1", "999", "1000", "1.234", "12500", "11250", "0.277", "64.05", "1234.5", "12345678901234.5678"]
)
def test_a_number_written_back_reads_back_identically(value):
    assert parse_figure(format_number(D(value))) == Figure(D(value).normalize() if D(value) else D(0))
