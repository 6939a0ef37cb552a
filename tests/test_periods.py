import pytest

from sopkinerja.common.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("text", "quarters", "label"),
    [
        ("2026-TW1", [1], "Triwulan I 2026"),
        ("2026-tw4", [4], "Triwulan IV 2026"),
        ("2026-S1", [1, 2], "Semester I 2026"),
        ("2026-S2", [3, 4], "Semester II 2026"),
        ("2026", [1, 2, 3, 4], "Tahun 2026"),
    ],
)
def test_periods_are_read_from_their_written_form(text, quarters, label):
    period = Period.parse(text)
    assert period.quarters() == quarters
    assert period.label == label
    assert str(period) == text.upper()


def test_a_semester_is_made_of_its_quarters_and_the_year_of_its_semesters():
    assert [str(p) for p in Period.parse("2026-S2").parts()] == ["2026-TW3", "2026-TW4"]
    assert [str(p) for p in Period.parse("2026").parts()] == ["2026-S1", "2026-S2"]
    assert Period.parse("2026-TW2").parts() == []
    assert Period.parse("2026-S2").kind == PeriodKind.SEMESTER


@pytest.mark.parametrize("text", ["2026-TW5", "2026-S3", "26-TW1", "2026-Q1", ""])
def test_an_unknown_period_is_refused_in_indonesian(text):
    with pytest.raises(ValueError, match="tidak dikenal"):
        Period.parse(text)
