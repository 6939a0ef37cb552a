"""Read paths for performance data: the measurement of every indicator of an agency for a period."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

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
from reports.periods import Period, PeriodKind
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


@dataclass(frozen=True)
class Readiness:
    """Whether a period's report may be signed, and if not, why (one Indonesian sentence each)."""

    reasons: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class _RunFacts:
    data_runs: frozenset  # periods with a finished run of an SOP that collects the figures
    finished: frozenset  # periods with any finished run
    cadences: frozenset  # cadences the agency's effective SOPs define steps for

    @classmethod
    def of(cls, agency) -> "_RunFacts":
        from workflow.models import Run, SopVersion

        runs = Run.objects.filter(sop__agency=agency, state=Run.State.FINISHED)
        return cls(
            frozenset(runs.filter(version__steps__collects_data=True).values_list("period", flat=True)),
            frozenset(runs.values_list("period", flat=True)),
            frozenset(
                SopVersion.objects.filter(sop__agency=agency, status=SopVersion.Status.EFFECTIVE).values_list(
                    "steps__cadence", flat=True
                )
            ),
        )

    def readiness(self, period: Period) -> Readiness:
        reasons = []
        for number in period.quarters():
            quarter = Period.quarter(period.year, number)
            if str(quarter) not in self.data_runs:
                reasons.append(_("The data run for %(quarter)s has not finished yet.") % {"quarter": quarter.label})
        if period.kind != PeriodKind.QUARTER and period.kind in self.cadences and str(period) not in self.finished:
            reasons.append(_("The SOP run for %(period)s has not finished yet.") % {"period": period.label})
        return Readiness(tuple(reasons))


def report_readiness(agency, period: Period) -> Readiness:
    """A report is signable when its figures are final: every quarter in it has a finished run of an
    SOP of the agency that collects the figures; a semester or a year also needs its own finished run
    where an effective SOP defines steps for that cadence (Balangan's does; Padang Panjang's, one
    quarterly chain, does not)."""
    return _RunFacts.of(agency).readiness(period)


@dataclass(frozen=True)
class ReportRow:
    period: Period
    readiness: Readiness
    signed: object | None  # the latest SignedDocument of this report, if any


def report_overview(agency, year: int) -> list[ReportRow]:
    """Each report of a year (TW I–IV, S1, S2, the year) with its state: not ready and why, ready to
    sign, or signed (latest version). Four queries, whatever the history."""
    from reports.models import DocumentKind, SignedDocument

    facts = _RunFacts.of(agency)
    periods = [Period.quarter(year, n) for n in (1, 2, 3, 4)]
    periods += [
        Period(year, PeriodKind.SEMESTER, 1),
        Period(year, PeriodKind.SEMESTER, 2),
        Period(year, PeriodKind.YEAR),
    ]
    signed = {}
    for document in (
        SignedDocument.objects.filter(agency=agency, kind=DocumentKind.REPORT, period__in=[str(p) for p in periods])
        .defer("pdf")
        .order_by("period", "version")
    ):
        signed[document.period] = document  # the highest version wins
    return [ReportRow(period, facts.readiness(period), signed.get(str(period))) for period in periods]
