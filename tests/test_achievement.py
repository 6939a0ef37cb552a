"""Capaian, roll-up and predikat: the pure arithmetic behind every report figure."""

from decimal import Decimal as D

import pytest

from reports.performance.achievement import (
    Aggregation,
    Band,
    IndicatorFigures,
    Polarity,
    TargetForm,
    TargetValue,
    achievement,
    capped,
    period_actual,
    period_target,
    rating,
    roll_up,
)
from sopkinerja.common.periods import Period

HIGHER, LOWER = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER


def test_higher_is_better_divides_the_actual_by_the_target():
    assert achievement(TargetValue(D(80)), D(60), HIGHER) == D(75)
    assert achievement(TargetValue(D(12000)), D(12873), HIGHER) == D("107.275")


def test_lower_is_better_rewards_falling_below_the_target():
    assert achievement(TargetValue(D(10)), D(8), LOWER) == D(120)  # (2 - 0.8) * 100
    assert achievement(TargetValue(D(10)), D(12), LOWER) == D(80)


def test_lower_is_better_never_goes_below_zero():
    assert achievement(TargetValue(D(10)), D(35), LOWER) == D(0)


def test_a_range_target_uses_its_upper_bound_above_it_and_its_lower_bound_below_it():
    target = TargetValue(D(50), D(55))
    assert achievement(target, D(66), HIGHER) == D(120)  # 66 / 55
    assert achievement(target, D(40), HIGHER) == D(80)  # 40 / 50
    assert achievement(target, D(52), HIGHER) == D(100)  # inside the range


def test_a_range_target_works_for_lower_is_better_too():
    target = TargetValue(D(5), D(10))
    assert achievement(target, D(12), LOWER) == D(80)
    assert achievement(target, D(4), LOWER) == D(120)


@pytest.mark.parametrize(
    ("polarity", "actual", "expected"),
    [(HIGHER, D(0), D(100)), (HIGHER, D(7), D(100)), (LOWER, D(0), D(100)), (LOWER, D(3), D(0))],
)
def test_a_zero_target_has_a_defined_achievement(polarity, actual, expected):
    assert achievement(TargetValue(D(0)), actual, polarity) == expected


def test_a_missing_target_or_actual_gives_no_achievement():
    assert achievement(None, D(5), HIGHER) is None
    assert achievement(TargetValue(D(5)), None, HIGHER) is None


def test_capping_prints_one_hundred_but_keeps_the_figure_when_off():
    assert capped(D("107.3"), cap=True) == D(100)
    assert capped(D("107.3"), cap=False) == D("107.3")
    assert capped(D(80), cap=True) == D(80)
    assert capped(None, cap=True) is None


def test_quarters_roll_up_by_sum_last_value_or_average():
    values = [D(10), D(20), None, D(30)]
    assert roll_up(values, Aggregation.SUM) == D(60)
    assert roll_up(values, Aggregation.LAST) == D(30)
    assert roll_up(values, Aggregation.AVERAGE) == D(20)
    assert roll_up([None, None], Aggregation.SUM) is None


def visitors(**overrides) -> IndicatorFigures:
    values = dict(
        aggregation=Aggregation.SUM,
        cumulative=False,
        annual_target=TargetValue(D(48000)),
        quarter_targets={
            1: TargetValue(D(11000)),
            2: TargetValue(D(12000)),
            3: TargetValue(D(12500)),
            4: TargetValue(D(12500)),
        },
        actuals={1: D(11240), 2: D(12873), 3: D(10655)},
    )
    values.update(overrides)
    return IndicatorFigures(**values)


def test_a_semester_sums_its_two_quarters_for_a_sum_indicator():
    s1 = Period.parse("2026-S1")
    assert period_target(visitors(), s1) == TargetValue(D(23000))
    assert period_actual(visitors(), s1) == D(24113)


def test_the_year_compares_the_rolled_up_quarters_with_the_annual_target():
    year = Period.parse("2026")
    assert period_target(visitors(), year) == TargetValue(D(48000))
    assert period_actual(visitors(), year) == D(34768)


def test_a_cumulative_indicator_reports_to_date_against_its_cumulative_target():
    members = visitors(
        aggregation=Aggregation.LAST,
        cumulative=True,
        quarter_targets={
            1: TargetValue(D(3100)),
            2: TargetValue(D(3200)),
            3: TargetValue(D(3350)),
            4: TargetValue(D(3500)),
        },
        actuals={1: D(3085), 2: D(3230)},
    )
    tw3 = Period.parse("2026-TW3")
    assert period_target(members, tw3) == TargetValue(D(3350))
    assert period_actual(members, tw3) == D(3230)  # the last value reported to date
    assert period_target(members, Period.parse("2026-S1")) == TargetValue(D(3200))


def test_a_cumulative_sum_indicator_adds_every_quarter_to_date():
    digitised = visitors(cumulative=True)
    assert period_actual(digitised, Period.parse("2026-TW2")) == D(24113)
    assert period_actual(digitised, Period.parse("2026-S2")) == D(34768)


def test_an_average_indicator_averages_over_the_semester():
    waiting = visitors(aggregation=Aggregation.AVERAGE, actuals={1: D(12), 2: D("9.5")})
    assert period_actual(waiting, Period.parse("2026-S1")) == D("10.75")


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        (D(120), "Sangat Baik"),
        (D(91), "Sangat Baik"),
        (D("90.99"), "Baik"),
        (D(76), "Baik"),
        (D(70), "Cukup"),
        (D(51), "Kurang"),
        (D("50.5"), "Sangat Kurang"),
        (D(0), "Sangat Kurang"),
    ],
)
def test_the_common_rating_bands_are_the_default(percent, label):
    assert rating(percent) == label


def test_rating_bands_are_configurable():
    bands = [Band("Memuaskan", D(85)), Band("Tidak Memuaskan", D(0))]
    assert rating(D(90), bands) == "Memuaskan"
    assert rating(D(84), bands) == "Tidak Memuaskan"
    assert rating(None, bands) == ""


# Target forms (docs/capaian.md has a worked example of each) ------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "polarity", "expected"),
    [
        (TargetValue(D(80)), D(72), Polarity.HIGHER_IS_BETTER, D(90)),
        (TargetValue(D(70), D(80), TargetForm.RANGE), D(75), Polarity.HIGHER_IS_BETTER, D(100)),
        (TargetValue(D(70), D(80), TargetForm.RANGE), D(63), Polarity.HIGHER_IS_BETTER, D(90)),
        (TargetValue(D(32), form=TargetForm.RATIO), D(28), Polarity.HIGHER_IS_BETTER, D("112.5")),
        (TargetValue(D(32), form=TargetForm.RATIO), D(40), Polarity.HIGHER_IS_BETTER, D(75)),
        (TargetValue(D(1), form=TargetForm.CEILING), D("0.8"), Polarity.HIGHER_IS_BETTER, D(100)),
        (TargetValue(D(1), form=TargetForm.CEILING), D("1.2"), Polarity.HIGHER_IS_BETTER, D(80)),
        (TargetValue(D(1), form=TargetForm.CEILING), D(3), Polarity.HIGHER_IS_BETTER, D(0)),
        (TargetValue(D(0), form=TargetForm.CEILING), D(0), Polarity.HIGHER_IS_BETTER, D(100)),
        (TargetValue(D(80), form=TargetForm.FLOOR), D(95), Polarity.LOWER_IS_BETTER, D(100)),
        (TargetValue(D(80), form=TargetForm.FLOOR), D(60), Polarity.LOWER_IS_BETTER, D(75)),
    ],
)
def test_each_target_form_has_a_defined_achievement(target, actual, polarity, expected):
    assert achievement(target, actual, polarity) == expected


def test_an_n_a_quarter_is_skipped_not_counted_as_zero():
    assert roll_up([D(10), None, D(20)], Aggregation.SUM) == D(30)
