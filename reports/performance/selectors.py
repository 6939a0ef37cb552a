"""Read paths for performance data: the measurement of every indicator of an agency for a period."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models.performance import Evidence, Indicator, Objective, RatingBand, Realisation, Target, UnitSubmission
from reports.performance.achievement import (
    DEFAULT_BANDS,
    Aggregation,
    Band,
    IndicatorFigures,
    MeasurementFrequency,
    TargetForm,
    TargetValue,
    capaian,
    period_actual,
    period_target,
    quarters_counted,
)
from reports.performance.locks import figures_locked
from sopkinerja.common.periods import ROMAN, Period, PeriodKind
from sopkinerja.common.stamped_cache import db_table, rows_digest, stamped_get, stamped_set
from workflow import permissions
from workflow.models.organisation import Agency, Position, Unit
from workflow.permissions import can_report_for_unit, compiles_figures, held_position_ids, is_data_collector


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
    # (quarter, reason) of each quarter reported "n/a": the report prints n/a with the reason as a footnote.
    not_available: tuple = ()
    # Quarters the period's realisation should count but nobody reported, not even as n/a: the report
    # says so in a footnote rather than silently carrying another quarter's value.
    missing_quarters: tuple = ()
    # The realisation is a ratio 1:n: written so, or measured against a ratio target ("1:17,9" against "1:32").
    actual_ratio: bool = False
    # The note printed beside the realisation ("Evaluasi Semester I"), with "TW n:" when several quarters carry one.
    note: str = ""

    @property
    def footnoted(self) -> bool:
        return bool(self.not_available or self.missing_quarters)


def indicators_for(agency: Agency):
    return Indicator.objects.for_agency(agency).select_related("objective", "responsible_unit")


MEASURE_CACHE_SECONDS = 24 * 3600


def measure(agency: Agency, period: Period, *, key: str | None = None) -> list[Measurement]:
    """Target, realisation, capaian and predikat of every indicator of the agency for the period,
    rolled up by each indicator's rule.

    Cached under a key made from a digest of every row it is computed from (the agency's
    indicators, objectives and units, the year's targets and realisations, the government's rating
    bands) and the agency's capping: any change to those makes a new key, so a cached table is
    never stale. Without PostgreSQL (the embedded SQLite of `make run`) it is computed each time.
    Pass `key` when the caller has just read measure_key(agency, period).
    """
    key = key or measure_key(agency, period)
    if key is None:
        return _measure(agency, period)
    rows = stamped_get(key)
    if rows is None:
        rows = _measure(agency, period)
        stamped_set(key, rows, MEASURE_CACHE_SECONDS)
    return rows


def measure_indicators(agency: Agency, period: Period, indicator_ids) -> dict[int, Measurement]:
    """measure(), computed afresh for only these indicators of the agency: {indicator id: its row};
    an indicator the period does not measure (a yearly one in a quarter) has no row."""
    return {row.indicator.pk: row for row in _measure(agency, period, only=indicator_ids)}


def measure_key(agency: Agency, period: Period) -> str | None:
    """A key that changes whenever measure(agency, period) would (one query); None without PostgreSQL."""
    of_agency = (
        f"SELECT i.id FROM {db_table(Indicator)} i JOIN {db_table(Objective)} o ON o.id = i.objective_id "
        "WHERE o.agency_id = %(agency)s"
    )
    selections = [
        (Objective, "x.agency_id = %(agency)s"),
        (Indicator, f"x.id IN ({of_agency})"),
        (Unit, "x.agency_id = %(agency)s"),
        (Target, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        (Realisation, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        (RatingBand, "x.local_government_id = %(government)s"),
    ]
    params = {"agency": agency.pk, "year": period.year, "government": agency.local_government_id}
    digest = rows_digest(selections, params)
    if digest is None:
        return None
    return f"measure:v2:{agency.pk}:{period}:{int(agency.cap_achievement)}:{digest}"


@dataclass(frozen=True)
class RowStamps:
    """Digests of what the agency's achievement table for a period is computed from, row by row
    (measure_row_stamps): a row kept under its indicator's digest and `rules` is never stale."""

    rules: str  # the government's rating bands and the agency's units: what every row depends on
    submissions: str  # the units' submissions of the period's quarters: what the provisional marks read
    rows: tuple[tuple[int, str], ...]  # (indicator id, digest of it, its objective, the year's targets
    # and figures), in the table's order

    @property
    def figures(self) -> str:
        """One digest of every row's."""
        return hashlib.md5("".join(digest for _id, digest in self.rows).encode(), usedforsecurity=False).hexdigest()


def measure_row_stamps(agency: Agency, period: Period) -> RowStamps | None:
    """Each indicator's digest of the rows its measurement is computed from, in the table's order
    (objective, then indicator), with the digests every row shares, in one query; None without
    PostgreSQL (the table is then computed each time)."""
    if connection.vendor != "postgresql":
        return None
    units = f"SELECT u.id FROM {db_table(Unit)} u WHERE u.agency_id = %(agency)s"
    shared = (
        "SELECT concat_ws('|', "
        f"(SELECT md5(concat_ws('|', (SELECT string_agg(b::text, ',' ORDER BY b.id) FROM {db_table(RatingBand)} b "
        "WHERE b.local_government_id = %(government)s), "
        f"(SELECT string_agg(u::text, ',' ORDER BY u.id) FROM {db_table(Unit)} u WHERE u.agency_id = %(agency)s)))), "
        f"(SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY s.id), '')) FROM {db_table(UnitSubmission)} s "
        f"WHERE s.period = ANY(%(labels)s) AND s.unit_id IN ({units})))"
    )
    rows = (
        'SELECT row_number() OVER (ORDER BY o."order", o.id, i."order", i.id), i.id, '
        "md5(concat_ws('|', i::text, o::text, "
        f"(SELECT string_agg(t::text, ',' ORDER BY t.id) FROM {db_table(Target)} t "
        "WHERE t.indicator_id = i.id AND t.year = %(year)s), "
        f"(SELECT string_agg(r::text, ',' ORDER BY r.id) FROM {db_table(Realisation)} r "
        "WHERE r.indicator_id = i.id AND r.year = %(year)s))) "
        f"FROM {db_table(Indicator)} i JOIN {db_table(Objective)} o ON o.id = i.objective_id "
        "WHERE o.agency_id = %(agency)s"
    )
    params = {
        "agency": agency.pk,
        "year": period.year,
        "government": agency.local_government_id,
        "labels": [str(Period.quarter(period.year, quarter)) for quarter in period.quarters()],
    }
    with connection.cursor() as cursor:
        # The shared digests come as row 0 (a union keeps it to one round trip).
        cursor.execute(f"SELECT 0, 0, ({shared}) UNION ALL {rows} ORDER BY 1", params)
        found = cursor.fetchall()
    rules, submissions = found[0][2].split("|")
    return RowStamps(rules=rules, submissions=submissions, rows=tuple((pk, digest) for _n, pk, digest in found[1:]))


def indicator_figures(indicator: Indicator, targets: dict, realisations) -> IndicatorFigures:
    """What arithmetic needs of an indicator: its rules, the year's targets ({quarter, None for the
    annual one: TargetValue}) and the reported numbers."""
    return IndicatorFigures(
        aggregation=indicator.aggregation,
        cumulative=indicator.cumulative,
        annual_target=targets.get(None),
        quarter_targets={quarter: target for quarter, target in targets.items() if quarter},
        actuals={r.quarter: r.value for r in realisations if not r.not_available},
        yearly=indicator.measured_yearly,
    )


@dataclass(frozen=True)
class IndicatorRules:
    """An indicator as the completeness checks read it: its name, its rules and its responsible
    unit, from one row of values, not a model instance (indicator_rules)."""

    pk: int
    name: str
    aggregation: str
    cumulative: bool
    yearly: bool  # measured once a year (Indicator.measured_yearly)
    unit_id: int
    unit_name: str

    def figures(self, targets: dict) -> IndicatorFigures:
        """What period_target and quarters_counted need: the rules and the year's targets
        ({quarter, None for the annual one: TargetValue}), without figures."""
        return IndicatorFigures(
            aggregation=self.aggregation,
            cumulative=self.cumulative,
            annual_target=targets.get(None),
            quarter_targets={q: target for q, target in targets.items() if q},
            actuals={},
            yearly=self.yearly,
        )


def indicator_rules(agency: Agency) -> list[IndicatorRules]:
    """Every indicator of the agency in the PK's order (objective, then indicator): one query."""
    rows = (
        Indicator.objects.for_agency(agency)
        .order_by("objective__order", "order", "pk")
        .values_list(
            "pk",
            "name",
            "aggregation",
            "cumulative",
            "measurement_frequency",
            "responsible_unit_id",
            "responsible_unit__name",
        )
    )
    return [
        IndicatorRules(pk, name, aggregation, cumulative, frequency == MeasurementFrequency.YEARLY, unit, unit_name)
        for pk, name, aggregation, cumulative, frequency, unit, unit_name in rows
    ]


def year_targets(agency: Agency, years) -> dict[tuple[int, int], dict]:
    """(indicator id, year) -> {quarter, None for the annual target: TargetValue}, for the years
    given: one query."""
    targets: dict[tuple[int, int], dict] = {}
    rows = (
        Target.objects.filter(indicator__objective__agency=agency, year__in=list(years))
        .order_by()  # into a dict: the default order would join the indicator and its objective
        .values_list("indicator_id", "year", "quarter", "value", "upper_value", "form")
    )
    for indicator, year, quarter, value, upper_value, form in rows:
        targets.setdefault((indicator, year), {})[quarter] = Target.value_of(value, upper_value, form)
    return targets


def reported_quarters(agency: Agency, years) -> frozenset[tuple[int, int, int]]:
    """(indicator id, year, quarter) of every figure entered in the years given, n/a included: one query."""
    return frozenset(
        Realisation.objects.for_agency(agency)
        .filter(year__in=list(years))
        .order_by()
        .values_list("indicator_id", "year", "quarter")
    )


def _note_of(counted: list, aggregation: str) -> str:
    """The note printed beside a period's realisation: that of the one realisation it is (a quarter,
    a yearly figure, or the last value), else each quarter's note named by its quarter."""
    if aggregation == Aggregation.LAST:
        counted = counted[-1:]
    if len(counted) == 1:
        return counted[0].note
    return "; ".join(f"TW {ROMAN[r.quarter]}: {r.note}" for r in counted if r.note)


@dataclass(frozen=True)
class ReportedFigure:
    """A quarter's realisation as a measurement reads it: one row of values, not a model instance
    (this is read whenever a figure of the agency changed)."""

    quarter: int
    value: Decimal | None
    not_available: bool
    not_available_reason: str
    written_as_ratio: bool
    note: str
    obstacles: str
    solutions: str


REPORTED_FIGURE_COLUMNS = [
    "quarter",
    "value",
    "not_available",
    "not_available_reason",
    "written_as_ratio",
    "note",
    "obstacles",
    "solutions",
]


def _measure(agency: Agency, period: Period, *, only=None) -> list[Measurement]:
    """measure() computed; `only`: these indicators of the agency, not all of them."""
    indicators = indicators_for(agency).order_by("objective__order", "objective_id", "order", "id")
    # The year's targets and figures in one query each, as values grouped here: model instances and a
    # prefetch cost more in Python than the queries themselves, and this runs whenever a figure changed.
    of_year = {"indicator__objective__agency": agency, "year": period.year}
    if only is not None:
        indicators, of_year = indicators.filter(pk__in=only), of_year | {"indicator_id__in": only}
    indicators = list(indicators)
    targets_of: dict[int, dict] = {}
    for indicator_id, quarter, value, upper_value, form in (
        Target.objects.filter(**of_year)
        .order_by()
        .values_list("indicator_id", "quarter", "value", "upper_value", "form")
    ):
        targets_of.setdefault(indicator_id, {})[quarter] = Target.value_of(value, upper_value, form)
    figures_of: dict[int, list[ReportedFigure]] = {}
    for indicator_id, *columns in (
        Realisation.objects.filter(**of_year).order_by("quarter").values_list("indicator_id", *REPORTED_FIGURE_COLUMNS)
    ):
        figures_of.setdefault(indicator_id, []).append(ReportedFigure(*columns))
    bands = rating_bands_for(agency)
    rows = []
    for indicator in indicators:
        # A yearly indicator has neither target nor figure for a quarter or a semester: the annual
        # report measures it, the shorter reports leave it out.
        if indicator.measured_yearly and period.kind != PeriodKind.YEAR:
            continue
        realisations = figures_of.get(indicator.pk, [])
        figures = indicator_figures(indicator, targets_of.get(indicator.pk, {}), realisations)
        target = period_target(figures, period)
        actual = period_actual(figures, period)
        computed = capaian(target, actual, indicator.polarity, cap=agency.cap_achievement, bands=bands)
        counted = set(quarters_counted(figures, period))
        # What the report footnotes and lists is what the period counts (a yearly figure: the year's).
        quarters = counted if indicator.measured_yearly else set(period.quarters())
        in_period = [r for r in realisations if r.quarter in quarters]
        numbers = [r for r in realisations if r.quarter in counted and not r.not_available]
        rows.append(
            Measurement(
                indicator=indicator,
                target=target,
                actual=actual,
                achievement_uncapped=computed.uncapped,
                achievement=computed.shown,
                rating=computed.predikat,
                obstacles=[r.obstacles for r in in_period if r.obstacles],
                solutions=[r.solutions for r in in_period if r.solutions],
                not_available=tuple((r.quarter, r.not_available_reason) for r in in_period if r.not_available),
                missing_quarters=tuple(
                    q for q in quarters_counted(figures, period) if q not in {r.quarter for r in realisations}
                )
                if not indicator.measured_yearly
                else (),
                actual_ratio=actual is not None
                and (
                    (target is not None and target.form == TargetForm.RATIO) or any(r.written_as_ratio for r in numbers)
                ),
                note=_note_of(numbers, indicator.aggregation),
            )
        )
    return rows


def provisional_indicators(agency: Agency, period: Period) -> frozenset[int]:
    """The indicators whose figure for the period is not final yet: one of its quarters was entered on
    the unit page and is a draft, handed in or returned, not approved by the unit head, and the quarter's
    data collection has not locked it. Figures recorded outside the unit page (the seed's history, the
    admin) have no submission and count as final, as in units_missing_figures. One query when every
    submission is approved; otherwise a lock check per pending quarter and one query for the figures."""
    labels = {str(Period.quarter(period.year, q)): q for q in period.quarters()}
    pending = set(
        UnitSubmission.objects.filter(unit__agency=agency, period__in=labels)
        .exclude(state=UnitSubmission.State.APPROVED)
        .order_by()
        .values_list("unit_id", "period")
    )
    open_quarters = {
        labels[label]
        for label in {label for _unit, label in pending}
        if not figures_locked(agency, period.year, labels[label])
    }
    if not open_quarters:
        return frozenset()
    entered = (
        Realisation.objects.for_agency(agency)
        .filter(year=period.year, quarter__in=open_quarters)
        .order_by()
        .values_list("indicator_id", "indicator__responsible_unit_id", "quarter")
    )
    return frozenset(
        indicator
        for indicator, unit, quarter in entered
        if (unit, str(Period.quarter(period.year, quarter))) in pending
    )


def latest_reported_quarter(agency: Agency) -> Period | None:
    """The latest quarter for which the agency has any realisation."""
    latest = Realisation.objects.for_agency(agency).order_by("-year", "-quarter").values_list("year", "quarter").first()
    return Period.quarter(*latest) if latest else None


def units_missing_figures(agency: Agency, period: Period) -> list:
    """Responsible units whose figures for the period's quarter(s) are not in: a unit counts once its
    quarter is submitted to (or approved by) its head, not while it is a draft or returned.

    Figures recorded outside the unit page (the seed's history, the admin) have no submission row;
    such a quarter counts when every indicator of the unit has its figure.
    """

    quarters = period.quarters()
    labels = [str(Period.quarter(period.year, q)) for q in quarters]
    states = {
        (unit_id, label): state
        for unit_id, label, state in UnitSubmission.objects.filter(unit__agency=agency, period__in=labels).values_list(
            "unit_id", "period", "state"
        )
    }
    missing_ids = set()
    indicators = (
        Indicator.objects.for_agency(agency)
        .filter(targets__year=period.year)
        .distinct()
        .prefetch_related("realisations")
    )
    for indicator in indicators:
        reported = {r.quarter for r in indicator.realisations.all() if r.year == period.year}
        for quarter in quarters:
            if not indicator.reported_in(quarter):  # a yearly indicator is asked for in TW IV only
                continue
            state = states.get((indicator.responsible_unit_id, str(Period.quarter(period.year, quarter))))
            if state is None and quarter in reported:
                continue
            if state not in UnitSubmission.LOCKED:
                missing_ids.add(indicator.responsible_unit_id)
    return list(Unit.objects.filter(pk__in=missing_ids).order_by("name"))


@dataclass(frozen=True)
class FigureEntry:
    indicator: Indicator
    target: TargetValue | None  # the quarter's (Rencana Aksi); None for a yearly indicator
    annual_target: TargetValue | None
    realisation: object | None

    @property
    def capaian_target(self) -> TargetValue | None:
        """What the row's capaian is measured against: a yearly figure against the annual target."""
        return self.annual_target if self.indicator.measured_yearly else self.target


def _answered_by(unit, year: int):
    """The indicators a unit answers for in a year: those it is responsible for that have a target then."""
    return Indicator.objects.filter(responsible_unit=unit, targets__year=year).distinct()


def unit_indicators(unit, year: int) -> list[Indicator]:
    return list(
        _answered_by(unit, year).select_related("objective", "responsible_unit").order_by("objective__order", "order")
    )


def figure_entries(unit, period: Period) -> list[FigureEntry]:
    """Every indicator the unit answers for in the quarter, with the quarter's and the year's target and
    the current figure with its evidence; a yearly indicator in TW IV only, with its figure for the
    year. A fixed number of queries, whatever the number of indicators.

    The prefetches are ordered by their own columns (or not at all): the models' default orders go
    through the indicator to its objective, joins the rows do not need."""
    quarter = period.number
    targets = Target.objects.filter(year=period.year).order_by()  # into a dict by quarter
    evidence = Evidence.objects.order_by("uploaded_at", "pk")
    # One figure per indicator and quarter: no order needed.
    realisations = Realisation.objects.filter(year=period.year, quarter=quarter).order_by()
    indicators = (
        _answered_by(unit, period.year)
        .reported_in(quarter)
        .select_related("objective", "responsible_unit")
        .prefetch_related(
            Prefetch("targets", queryset=targets, to_attr="year_targets"),
            Prefetch(
                "realisations",
                queryset=realisations.select_related("submitted_by__employee").prefetch_related(
                    Prefetch("evidence", queryset=evidence)
                ),
                to_attr="quarter_realisations",
            ),
        )
        .order_by("objective__order", "order")
    )
    entries = []
    for indicator in indicators:
        targets = {t.quarter: t.as_target() for t in indicator.year_targets}
        realisation = indicator.quarter_realisations[0] if indicator.quarter_realisations else None
        entries.append(FigureEntry(indicator, targets.get(quarter), targets.get(None), realisation))
    return entries


def unit_submission(unit, period: Period) -> UnitSubmission | None:
    """The unit's submission of the quarter's figures, if it has one, with what deciding who reviews it
    reads (workflow.permissions.reviewable_submissions)."""
    return (
        UnitSubmission.objects.filter(unit=unit, period=str(period))
        .select_related("unit", "returned_by", "submitted_by__employee")
        .order_by("pk")
        .first()
    )


def quarter_closed(agency: Agency, period: Period, submission: UnitSubmission | None) -> bool:
    """The unit's quarter takes no figures: handed in (submitted or approved) or locked by the
    quarter's data-collection step. The unit page and the API refuse a save on it alike."""
    return (submission is not None and submission.locked) or figures_locked(agency, period.year, period.number)


def responsible_units(agency: Agency, year: int):
    """The units that answer for an indicator with a target in the year, by name."""
    responsible = Indicator.objects.for_agency(agency).filter(targets__year=year).values("responsible_unit_id")
    return (
        Unit.objects.filter(pk__in=responsible, agency=agency).select_related("parent__parent__parent").order_by("name")
    )


def reporting_units(agency: Agency, user, year: int) -> list:
    """The units whose figures the user may enter in the year (own unit, units below it, or all of them
    for the Kepala Dinas, the Sekretaris and the data collector)."""

    units = list(responsible_units(agency, year))
    own = [unit for unit in units if can_report_for_unit(user, unit, collector=False)]
    # Whether the user collects the data is asked only when their position leaves some unit out.
    if len(own) == len(units) or not is_data_collector(user):
        return own
    return [unit for unit in units if can_report_for_unit(user, unit, collector=True)]


def reads_every_units_figures(user, agency: Agency) -> bool:
    """Read-only access to every unit's figures of the agency, kendala, solusi and bukti dukung
    included: whoever compiles them (workflow.permissions.compiles_figures) and the planning staff
    (can_edit_targets). Reading grants no write: each unit still enters and sends its own."""
    return compiles_figures(user, agency) or permissions.can_edit_targets(user, agency)


def enters_figures_for(user, unit, year: int) -> bool:
    """Whether `unit` is among reporting_units(unit.agency, user, year), checked for that unit alone.
    Give the unit with its parents selected (the rule walks up the tree)."""

    if not can_report_for_unit(user, unit):
        return False
    return _answered_by(unit, year).exists()


def submissions_to_review(agency: Agency, user) -> list:
    """The unit quarters waiting for this user's review (for the unit page and the dashboard)."""

    waiting = UnitSubmission.objects.filter(unit__agency=agency, state=UnitSubmission.State.SUBMITTED)
    # Who sent each is read only when some wait (a prefetch), in two queries however many.
    waiting = waiting.select_related("unit").prefetch_related("submitted_by__employee")
    waiting = waiting.order_by("-period", "unit__name")
    return permissions.reviewable_submissions(user, agency, waiting)


def submissions_returned_to(agency: Agency, user) -> list[UnitSubmission]:
    """The unit quarters returned for correction that wait for this user (for the dashboard): those
    they sent, and those of a unit where they hold or act for a position. Newest return first; one query."""
    units = Position.objects.filter(pk__in=held_position_ids(user)).values("unit_id")
    return list(
        UnitSubmission.objects.filter(unit__agency=agency, state=UnitSubmission.State.RETURNED)
        .filter(Q(submitted_by=user) | Q(unit__in=units))
        .select_related("unit", "returned_by__employee")
        .order_by("-returned_at")
    )


@dataclass(frozen=True)
class Gap:
    """Something a report prints that is not there yet, and the page where it is entered."""

    text: str
    url: str


# Menunggu tanda tangan saya ----------------------------------------------------------------------


# The Perjanjian Kinerja (PK) of a year ---------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    """One indicator of the year's PK: its annual target and its Rencana Aksi (TW I–IV)."""

    indicator: Indicator
    target: TargetValue | None  # the annual (PK) target
    quarters: tuple  # TW I–IV: a TargetValue or None each

    @property
    def missing(self) -> list[str]:
        """What the row lacks (targets_missing)."""
        return targets_missing({None: self.target, **dict(enumerate(self.quarters, 1))}, self.indicator.measured_yearly)


def targets_missing(targets: dict, yearly: bool) -> list[str]:
    """What an indicator's year lacks of the PK's targets ({quarter, None for the annual target:
    TargetValue}), as the targets page names it: the annual target, TW I … TW IV (a yearly indicator
    has no Rencana Aksi to lack)."""
    missing = [] if targets.get(None) is not None else [_("the annual target")]
    if yearly:
        return missing
    return missing + [f"TW {ROMAN[q]}" for q in (1, 2, 3, 4) if targets.get(q) is None]


def agreement_gaps_of(year: int, indicators: list[IndicatorRules], targets: dict) -> tuple[Gap, ...]:
    """agreement_target_gaps from what indicator_rules and year_targets (with the year) read."""
    url = reverse("reports:targets", args=[year])
    if not indicators:
        return (Gap(_("The agency has no performance indicators yet."), url),)
    if not any((indicator.pk, year) in targets for indicator in indicators):
        return (Gap(_("No target has been entered for %(year)s yet.") % {"year": year}, url),)
    gaps = []
    for indicator in indicators:
        missing = targets_missing(targets.get((indicator.pk, year), {}), indicator.yearly)
        if missing:
            gaps.append(
                Gap(
                    _("%(indicator)s has no %(missing)s for %(year)s.")
                    % {"indicator": indicator.name, "missing": ", ".join(missing), "year": year},
                    url,
                )
            )
    return tuple(gaps)


def agreement_rows(agency: Agency, year: int) -> list[AgreementRow]:
    """Every indicator of the agency, in the PK's order, with the year's targets (two queries)."""
    indicators = (
        indicators_for(agency)
        .prefetch_related(Prefetch("targets", queryset=Target.objects.filter(year=year).order_by()))  # a dict
        .order_by("objective__order", "order")
    )
    rows = []
    for indicator in indicators:
        targets = {t.quarter: t.as_target() for t in indicator.targets.all()}
        rows.append(AgreementRow(indicator, targets.get(None), tuple(targets.get(q) for q in (1, 2, 3, 4))))
    return rows


def agreement_target_gaps(agency: Agency, year: int) -> tuple[Gap, ...]:
    """The targets the year's PK would print empty: each indicator named with what it lacks, linked
    to the targets page. Empty when every indicator has its annual and its four quarterly targets.
    Two queries."""
    return agreement_gaps_of(year, indicator_rules(agency), year_targets(agency, [year]))
