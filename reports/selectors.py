"""Read paths for performance data: the measurement of every indicator of an agency for a period."""

from dataclasses import dataclass
from decimal import Decimal

from reports.achievement import (
    DEFAULT_BANDS,
    Band,
    IndicatorFigures,
    TargetValue,
    achievement,
    capped,
    period_actual,
    period_target,
    rating,
)
from reports.models import Indicator, RatingBand, Realisation
from reports.periods import Period
from workflow.models import Agency


def rating_bands_for(agency: Agency) -> list[Band]:
    """The agency's government's configured bands, else the common set."""
    configured = [b.as_band() for b in RatingBand.objects.filter(local_government=agency.local_government_id)]
    return configured or list(DEFAULT_BANDS)


@dataclass(frozen=True)
class Measurement:
    indicator: Indicator
    target: TargetValue | None
    actual: Decimal | None
    achievement_uncapped: Decimal | None
    achievement: Decimal | None  # as printed: capped when the agency caps
    rating: str
    obstacles: list[str]
    solutions: list[str]


def indicators_for(agency: Agency):
    return Indicator.objects.filter(objective__agency=agency).select_related("objective", "responsible_unit")


def measure(agency: Agency, period: Period) -> list[Measurement]:
    """Target, realisation, capaian and predikat of every indicator of the agency for the period,
    rolled up by each indicator's rule. Two queries for targets and realisations, whatever the count."""
    indicators = list(
        indicators_for(agency).prefetch_related("targets", "realisations").order_by("objective__order", "order")
    )
    bands = rating_bands_for(agency)
    quarters = set(period.quarters())
    rows = []
    for indicator in indicators:
        targets = [t for t in indicator.targets.all() if t.year == period.year]
        realisations = [r for r in indicator.realisations.all() if r.year == period.year]
        figures = IndicatorFigures(
            aggregation=indicator.aggregation,
            cumulative=indicator.cumulative,
            annual_target=next((t.as_target() for t in targets if t.quarter is None), None),
            quarter_targets={t.quarter: t.as_target() for t in targets if t.quarter},
            actuals={r.quarter: r.value for r in realisations},
        )
        target = period_target(figures, period)
        actual = period_actual(figures, period)
        uncapped = achievement(target, actual, indicator.polarity)
        shown = capped(uncapped, agency.cap_achievement)
        in_period = sorted((r for r in realisations if r.quarter in quarters), key=lambda r: r.quarter)
        rows.append(
            Measurement(
                indicator=indicator,
                target=target,
                actual=actual,
                achievement_uncapped=uncapped,
                achievement=shown,
                rating=rating(shown, bands),
                obstacles=[r.obstacles for r in in_period if r.obstacles],
                solutions=[r.solutions for r in in_period if r.solutions],
            )
        )
    return rows


def latest_reported_quarter(agency: Agency) -> Period | None:
    """The latest quarter for which the agency has any realisation."""
    latest = (
        Realisation.objects.filter(indicator__objective__agency=agency)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    return Period.quarter(*latest) if latest else None


def units_missing_figures(agency: Agency, period: Period) -> list:
    """Responsible units that still lack a realisation for some indicator in the period's quarter(s)."""
    from workflow.models import Unit

    quarters = period.quarters()
    missing_ids = set()
    indicators = (
        Indicator.objects.filter(objective__agency=agency, targets__year=period.year)
        .distinct()
        .prefetch_related("realisations")
    )
    for indicator in indicators:
        reported = {r.quarter for r in indicator.realisations.all() if r.year == period.year}
        if not set(quarters) <= reported:
            missing_ids.add(indicator.responsible_unit_id)
    return list(Unit.objects.filter(pk__in=missing_ids).order_by("name"))


@dataclass(frozen=True)
class FigureEntry:
    indicator: Indicator
    target: TargetValue | None
    realisation: object | None


def figure_entries(agency: Agency, period: Period, user) -> list[FigureEntry]:
    """The indicators the user enters figures for, with the quarter's target and current figure."""
    from workflow.permissions import can_report_for, is_data_collector

    quarter = period.quarters()[0]
    collector = is_data_collector(user)
    entries = []
    for indicator in (
        indicators_for(agency)
        .prefetch_related("targets", "realisations__evidence")
        .order_by("objective__order", "order")
    ):
        if not can_report_for(user, indicator, collector=collector):
            continue
        target = next(
            (t.as_target() for t in indicator.targets.all() if t.year == period.year and t.quarter == quarter), None
        )
        has_year = any(t.year == period.year for t in indicator.targets.all())
        if not has_year:
            continue
        realisation = next(
            (r for r in indicator.realisations.all() if r.year == period.year and r.quarter == quarter), None
        )
        entries.append(FigureEntry(indicator, target, realisation))
    return entries
