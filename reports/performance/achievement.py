"""Achievement arithmetic (capaian), roll-up of quarters, and rating bands (predikat).

Pure functions on Decimals, no database. Every figure in a report comes from here, and every
traffic-light colour: the one setting read is TRAFFIC_LIGHT_THRESHOLDS, when no thresholds are given.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.periods import Period, PeriodKind

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of the quarters")
    LAST = "last", _("Last value")
    AVERAGE = "average", _("Average of the quarters")


class MeasurementFrequency(models.TextChoices):
    """How often an indicator is measured. Many IKU of an LKjIP (an index, a survey) are measured once
    a year: they have an annual target and one realisation for the year, not four quarters."""

    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Once a year")


# The quarter whose figures page takes a yearly indicator's one realisation: the year closes with it.
YEARLY_QUARTER = 4


class TargetForm(models.TextChoices):
    """How a target is written. Ratio and ceiling are met by staying low, floor by staying high."""

    SINGLE = "single", _("Single value")
    RANGE = "range", _("Range")
    RATIO = "ratio", _("Ratio (1:n, lower is better)")
    CEILING = "ceiling", _("Ceiling (maksimal)")
    FLOOR = "floor", _("Floor (minimal)")


@dataclass(frozen=True)
class TargetValue:
    """A target: a single value, a range from `low` to `high`, a ratio 1:`low`, or a ceiling or
    floor at `low`."""

    low: Decimal
    high: Decimal | None = None
    form: str = TargetForm.SINGLE

    def reference_for(self, actual: Decimal) -> Decimal:
        """The figure to compare with: a range uses its upper bound above it, its lower bound below it."""
        if self.high is None:
            return self.low
        if actual > self.high:
            return self.high
        if actual < self.low:
            return self.low
        return actual  # inside the range: the target is met exactly

    def __str__(self) -> str:
        if self.form == TargetForm.RATIO:
            return f"1:{self.low}"
        if self.form == TargetForm.CEILING:
            return f"≤ {self.low}"
        if self.form == TargetForm.FLOOR:
            return f"≥ {self.low}"
        return f"{self.low}" if self.high is None else f"{self.low}–{self.high}"


def achievement(target: TargetValue | None, actual: Decimal | None, polarity: str) -> Decimal | None:
    """Capaian in percent, uncapped; None when the target or the actual is missing.

    Higher is better: R / T × 100. Lower is better: (2 − R/T) × 100.
    A zero target is met by any actual for "higher is better" (100) and only by a zero actual for
    "lower is better" (100, else 0). The result never goes below zero.

    The target's form decides the direction where it implies one (docs/capaian.md): a ratio 1:T is
    lower-is-better on T; a ceiling gives 100 at or below it, else the lower-is-better figure; a
    floor gives 100 at or above it, else R / T × 100. Single and range follow the indicator.
    """
    if target is None or actual is None:
        return None
    reference = target.reference_for(actual)
    if target.form == TargetForm.RATIO:
        polarity = Polarity.LOWER_IS_BETTER
    elif target.form == TargetForm.CEILING:
        if actual <= target.low:
            return HUNDRED
        polarity = Polarity.LOWER_IS_BETTER
    elif target.form == TargetForm.FLOOR:
        if actual >= target.low:
            return HUNDRED
        polarity = Polarity.HIGHER_IS_BETTER
    if reference == ZERO:
        if polarity == Polarity.HIGHER_IS_BETTER:
            return HUNDRED if actual >= ZERO else ZERO
        return HUNDRED if actual <= ZERO else ZERO
    ratio = actual / reference
    percent = ratio * HUNDRED if polarity == Polarity.HIGHER_IS_BETTER else (2 - ratio) * HUNDRED
    return max(percent, ZERO)


def capped(percent: Decimal | None, cap: bool) -> Decimal | None:
    """The figure to print: at most 100 when the agency caps achievement."""
    if percent is None or not cap:
        return percent
    return min(percent, HUNDRED)


def roll_up(values: Sequence[Decimal | None], rule: str) -> Decimal | None:
    """Combine quarterly figures by the indicator's rule; missing quarters are skipped."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    if rule == Aggregation.SUM:
        return sum(present, ZERO)
    if rule == Aggregation.LAST:
        return present[-1]
    if rule == Aggregation.AVERAGE:
        return sum(present, ZERO) / len(present)
    raise ValueError(f"unknown aggregation rule {rule!r}")


def roll_up_targets(targets: Sequence[TargetValue | None], rule: str) -> TargetValue | None:
    if any(target is None for target in targets) or not targets:
        return None
    low = roll_up([t.low for t in targets], rule)
    highs = [t.high for t in targets]
    high = roll_up(highs, rule) if all(h is not None for h in highs) else None
    forms = {t.form for t in targets}
    form = forms.pop() if len(forms) == 1 else TargetForm.SINGLE
    return TargetValue(low, high, form)


@dataclass(frozen=True)
class IndicatorFigures:
    """What staff entered for one indicator and year, keyed by quarter."""

    aggregation: str
    cumulative: bool
    annual_target: TargetValue | None
    quarter_targets: dict[int, TargetValue]
    actuals: dict[int, Decimal]
    yearly: bool = False  # measured once a year: one realisation, entered with TW IV, for the year only


def period_target(figures: IndicatorFigures, period: Period) -> TargetValue | None:
    """The target of a period.

    The year uses the annual target; a yearly indicator has no target for a shorter period.
    Cumulative quarterly targets are already to-date, so a
    quarter or semester takes the target of its last quarter; per-period targets roll up by rule.
    """
    if period.kind == PeriodKind.YEAR:
        return figures.annual_target
    if figures.yearly:
        return None
    quarters = period.quarters()
    if figures.cumulative:
        return figures.quarter_targets.get(quarters[-1])
    return roll_up_targets([figures.quarter_targets.get(q) for q in quarters], figures.aggregation)


def quarters_counted(figures: IndicatorFigures, period: Period) -> list[int]:
    """The quarters whose realisations make up the period's: to date for cumulative indicators. A
    yearly indicator counts its one realisation (kept with TW IV) for the year, and nothing for a
    quarter or a semester."""
    if figures.yearly:
        return [YEARLY_QUARTER] if period.kind == PeriodKind.YEAR else []
    return period.quarters_to_date() if figures.cumulative else period.quarters()


def period_actual(figures: IndicatorFigures, period: Period) -> Decimal | None:
    """The realisation of a period: to date for cumulative indicators, else over its own quarters."""
    return roll_up([figures.actuals.get(q) for q in quarters_counted(figures, period)], figures.aggregation)


@dataclass(frozen=True)
class Band:
    label: str
    lower_bound: Decimal


DEFAULT_BANDS = (
    Band("Sangat Baik", Decimal(91)),
    Band("Baik", Decimal(76)),
    Band("Cukup", Decimal(66)),
    Band("Kurang", Decimal(51)),
    Band("Sangat Kurang", Decimal(0)),
)


def rating(percent: Decimal | None, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """Predikat: the label of the highest band whose lower bound the percentage reaches."""
    if percent is None:
        return ""
    for band in sorted(bands, key=lambda b: b.lower_bound, reverse=True):
        if percent >= band.lower_bound:
            return band.label
    return ""


def traffic_light(percent: Decimal | None, thresholds: tuple[int, int] | None = None) -> str | None:
    """e-SAKIP's traffic light for a capaian, the one rule of every page and document: "red" below
    the first threshold, "green" above the second, "yellow" between (70 and 90 by default,
    settings.TRAFFIC_LIGHT_THRESHOLDS); None without a capaian."""
    if percent is None:
        return None
    red_below, green_above = thresholds or settings.TRAFFIC_LIGHT_THRESHOLDS
    return "red" if percent < red_below else "green" if percent > green_above else "yellow"


@dataclass(frozen=True)
class Capaian:
    uncapped: Decimal | None
    shown: Decimal | None  # at most 100 when the agency caps achievement
    predikat: str


def capaian(
    target: TargetValue | None,
    actual: Decimal | None,
    polarity: str,
    *,
    cap: bool,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> Capaian:
    """Capaian as every page and report prints it: computed (achievement), capped when the agency
    caps it (capped), with its predikat (rating). The one place these three are put together."""
    uncapped = achievement(target, actual, polarity)
    shown = capped(uncapped, cap)
    return Capaian(uncapped, shown, rating(shown, bands))
