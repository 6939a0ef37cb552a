"""Read paths for performance data: the measurement of every indicator of an agency for a period."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import (
    DocumentKind,
    DocumentRequest,
    Indicator,
    Objective,
    RatingBand,
    Realisation,
    SignedDocument,
    Target,
    UnitSubmission,
)
from reports.performance.achievement import (
    DEFAULT_BANDS,
    Band,
    IndicatorFigures,
    TargetValue,
    achievement,
    capped,
    period_actual,
    period_target,
    quarters_counted,
    rating,
)
from sopkinerja.common.periods import ROMAN, Period, PeriodKind
from workflow.models import Agency, Position, SopVersion, Unit
from workflow.permissions import can_sign, compiles_figures, local_today
from workflow.selectors import held_position_ids


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

    @property
    def footnoted(self) -> bool:
        return bool(self.not_available or self.missing_quarters)


def indicators_for(agency: Agency):
    return Indicator.objects.filter(objective__agency=agency).select_related("objective", "responsible_unit")


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
    rows = cache.get(key)
    if rows is None:
        rows = _measure(agency, period)
        cache.set(key, rows, MEASURE_CACHE_SECONDS)
    return rows


def measure_key(agency: Agency, period: Period) -> str | None:
    """A key that changes whenever measure(agency, period) would (one query); None without PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Indicator, Objective, Target, Realisation, RatingBand, Unit)
    }

    def rows(model, where: str) -> str:
        return f"(SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {table[model]} x WHERE {where})"

    of_agency = (
        f"SELECT i.id FROM {table[Indicator]} i JOIN {table[Objective]} o ON o.id = i.objective_id "
        "WHERE o.agency_id = %(agency)s"
    )
    parts = [
        rows(Objective, "x.agency_id = %(agency)s"),
        rows(Indicator, f"x.id IN ({of_agency})"),
        rows(Unit, "x.agency_id = %(agency)s"),
        rows(Target, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        rows(Realisation, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        rows(RatingBand, "x.local_government_id = %(government)s"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5(concat_ws('|', {', '.join(parts)}))",
            {"agency": agency.pk, "year": period.year, "government": agency.local_government_id},
        )
        digest = cursor.fetchone()[0]
    return f"measure:v1:{agency.pk}:{period}:{int(agency.cap_achievement)}:{digest}"


def _measure(agency: Agency, period: Period) -> list[Measurement]:
    indicators = list(
        indicators_for(agency)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(year=period.year)),
            Prefetch("realisations", queryset=Realisation.objects.filter(year=period.year)),
        )
        .order_by("objective__order", "order")
    )
    bands = rating_bands_for(agency)
    quarters = set(period.quarters())
    rows = []
    for indicator in indicators:
        targets = list(indicator.targets.all())
        realisations = list(indicator.realisations.all())
        figures = IndicatorFigures(
            aggregation=indicator.aggregation,
            cumulative=indicator.cumulative,
            annual_target=next((t.as_target() for t in targets if t.quarter is None), None),
            quarter_targets={t.quarter: t.as_target() for t in targets if t.quarter},
            actuals={r.quarter: r.value for r in realisations if not r.not_available},
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
                not_available=tuple((r.quarter, r.not_available_reason) for r in in_period if r.not_available),
                missing_quarters=tuple(
                    q for q in quarters_counted(figures, period) if q not in {r.quarter for r in realisations}
                ),
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
    """Responsible units whose figures for the period's quarter(s) are not in: a unit counts once its
    quarter is submitted to (or approved by) its head, not while it is a draft or returned.

    Figures recorded outside the unit page (the seed's history, the admin) have no submission row;
    such a quarter counts when every indicator of the unit has its figure.
    """
    from reports.models import UnitSubmission
    from workflow.models import Unit

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
        Indicator.objects.filter(objective__agency=agency, targets__year=period.year)
        .distinct()
        .prefetch_related("realisations")
    )
    for indicator in indicators:
        reported = {r.quarter for r in indicator.realisations.all() if r.year == period.year}
        for quarter in quarters:
            state = states.get((indicator.responsible_unit_id, str(Period.quarter(period.year, quarter))))
            if state is None and quarter in reported:
                continue
            if state not in UnitSubmission.LOCKED:
                missing_ids.add(indicator.responsible_unit_id)
    return list(Unit.objects.filter(pk__in=missing_ids).order_by("name"))


@dataclass(frozen=True)
class FigureEntry:
    indicator: Indicator
    target: TargetValue | None
    annual_target: TargetValue | None
    realisation: object | None


def _answered_by(unit, year: int):
    """The indicators a unit answers for in a year: those it is responsible for that have a target then."""
    return Indicator.objects.filter(responsible_unit=unit, targets__year=year).distinct()


def unit_indicators(unit, year: int) -> list[Indicator]:
    return list(
        _answered_by(unit, year).select_related("objective", "responsible_unit").order_by("objective__order", "order")
    )


def figure_entries(unit, period: Period) -> list[FigureEntry]:
    """Every indicator the unit answers for in the quarter, with the quarter's and the year's target and
    the current figure with its evidence. A fixed number of queries, whatever the number of indicators."""
    quarter = period.number
    indicators = (
        _answered_by(unit, period.year)
        .select_related("objective", "responsible_unit")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(year=period.year), to_attr="year_targets"),
            Prefetch(
                "realisations",
                queryset=Realisation.objects.filter(year=period.year, quarter=quarter)
                .select_related("submitted_by__employee")
                .prefetch_related("evidence"),
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


def responsible_units(agency: Agency, year: int):
    """The units that answer for an indicator with a target in the year, by name."""
    responsible = Indicator.objects.filter(objective__agency=agency, targets__year=year).values("responsible_unit_id")
    return (
        Unit.objects.filter(pk__in=responsible, agency=agency).select_related("parent__parent__parent").order_by("name")
    )


def reporting_units(agency: Agency, user, year: int) -> list:
    """The units whose figures the user may enter in the year (own unit, units below it, or all of them
    for the Kepala Dinas, the Sekretaris and the data collector)."""
    from workflow.permissions import can_report_for_unit, is_data_collector

    collector = is_data_collector(user)
    units = responsible_units(agency, year)
    return [unit for unit in units if can_report_for_unit(user, unit, collector=collector)]


def reads_every_units_figures(user, agency: Agency) -> bool:
    """Read-only access to every unit's figures of the agency, kendala, solusi and bukti dukung
    included: whoever compiles them (workflow.permissions.compiles_figures) and the planning staff
    (can_edit_targets). Reading grants no write: each unit still enters and sends its own."""
    return compiles_figures(user, agency) or can_edit_targets(user, agency)


def enters_figures_for(user, unit, year: int) -> bool:
    """Whether `unit` is among reporting_units(unit.agency, user, year), checked for that unit alone.
    Give the unit with its parents selected (the rule walks up the tree)."""
    from workflow.permissions import can_report_for_unit

    if not can_report_for_unit(user, unit):
        return False
    return _answered_by(unit, year).exists()


def unit_head_position(unit):
    """The position heading a unit: in the unit, with a supervisor outside it (or none)."""
    for position in unit.positions.select_related("supervisor").order_by("pk"):
        if position.supervisor is None or position.supervisor.unit_id != unit.pk:
            return position
    return None


def submission_reviewer_position(submission):
    """Who reviews a unit's figures: the unit head; when the head submitted them, the head's supervisor."""
    from workflow.permissions import holds

    head = unit_head_position(submission.unit)
    if head is None:
        return None
    if submission.submitted_by_id and holds(submission.submitted_by, head) and head.supervisor_id:
        return head.supervisor
    return head


def can_review_submission(user, submission) -> bool:
    from workflow.permissions import holds

    return holds(user, submission_reviewer_position(submission))


def submissions_to_review(agency: Agency, user) -> list:
    """The unit quarters waiting for this user's review (for the unit page and the dashboard)."""
    from reports.models import UnitSubmission

    waiting = UnitSubmission.objects.filter(unit__agency=agency, state=UnitSubmission.State.SUBMITTED)
    waiting = waiting.select_related("unit", "submitted_by__employee")
    return [s for s in waiting if can_review_submission(user, s)]


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


def can_edit_targets(user, agency: Agency) -> bool:
    """Targets are entered by the planning staff: the Sekretaris, whoever performs the agency's
    data-collection step (the Kasubbag Perencanaan in Balangan, the Fungsional Perencana in Padang
    Panjang), or an agency admin (a staff login of the agency)."""
    from workflow.permissions import is_data_collector
    from workflow.selectors import agency_of

    if agency_of(user) != agency:
        return False
    # Viewing an agency through the switcher grants no position in it: a superuser or government
    # administrator without an employee of this agency is not its planning staff.
    employee = getattr(user, "employee", None)
    if employee is None or employee.agency_id != agency.pk:
        return False
    return user.is_staff or employee.position.rank == "sekretaris" or is_data_collector(user)


@dataclass(frozen=True)
class Gap:
    """Something a report prints that is not there yet, and the page where it is entered."""

    text: str
    url: str


@dataclass(frozen=True)
class Readiness:
    """Whether a period's report may be signed, and if not, why: the runs that have not finished
    (`reasons`) and the targets and figures the report would print empty (`gaps`), each one
    Indonesian sentence."""

    reasons: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.reasons and not self.gaps

    @property
    def messages(self) -> list[str]:
        return [*self.reasons, *(gap.text for gap in self.gaps)]


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

    def reasons(self, period: Period) -> tuple[str, ...]:
        reasons = []
        for number in period.quarters():
            quarter = Period.quarter(period.year, number)
            if str(quarter) not in self.data_runs:
                reasons.append(_("The data run for %(quarter)s has not finished yet.") % {"quarter": quarter.label})
        if period.kind != PeriodKind.QUARTER and period.kind in self.cadences and str(period) not in self.finished:
            reasons.append(_("The SOP run for %(period)s has not finished yet.") % {"period": period.label})
        return tuple(reasons)


@dataclass(frozen=True)
class _DataFacts:
    """The targets, figures and submissions of some years of an agency, read once (three queries),
    to tell what each report of those years would print empty."""

    indicators: list
    open_submissions: dict  # (unit id, "2026-TW1") -> the unit, for quarters returned or not handed in

    @classmethod
    def of(cls, agency, years) -> "_DataFacts":
        from reports.models import UnitSubmission

        indicators = list(
            indicators_for(agency)
            .prefetch_related(
                Prefetch("targets", queryset=Target.objects.filter(year__in=years)),
                Prefetch("realisations", queryset=Realisation.objects.filter(year__in=years)),
            )
            .order_by("objective__order", "order")
        )
        open_submissions = {
            (submission.unit_id, submission.period): submission.unit
            for submission in UnitSubmission.objects.filter(
                unit__agency=agency, period__in=[f"{year}-TW{q}" for year in years for q in (1, 2, 3, 4)]
            )
            .exclude(state__in=UnitSubmission.LOCKED)
            .select_related("unit")
        }
        return cls(indicators, open_submissions)

    def gaps(self, period: Period) -> tuple[Gap, ...]:
        if not self.indicators:
            return (Gap(_("The agency has no performance indicators yet."), reverse("reports:figures")),)
        no_target = []
        no_figure: dict = {}  # unit -> {quarter: [indicator names]}
        for indicator in self.indicators:
            targets = [t for t in indicator.targets.all() if t.year == period.year]
            figures = IndicatorFigures(
                aggregation=indicator.aggregation,
                cumulative=indicator.cumulative,
                annual_target=next((t.as_target() for t in targets if t.quarter is None), None),
                quarter_targets={t.quarter: t.as_target() for t in targets if t.quarter},
                actuals={},
            )
            if period_target(figures, period) is None:
                no_target.append(indicator.name)
            reported = {r.quarter for r in indicator.realisations.all() if r.year == period.year}
            # A cumulative figure is already to date: the period's last quarter carries it.
            needed = period.quarters()[-1:] if indicator.cumulative else period.quarters()
            for quarter in needed:
                if quarter not in reported:
                    quarters = no_figure.setdefault(indicator.responsible_unit, {})
                    quarters.setdefault(quarter, []).append(indicator.name)
        gaps = []
        if no_target:
            gaps.append(
                Gap(
                    _("No target for %(period)s: %(indicators)s.")
                    % {"period": period.label, "indicators": "; ".join(no_target)},
                    reverse("reports:targets", args=[period.year]),
                )
            )
        for unit, quarters in sorted(no_figure.items(), key=lambda item: item[0].name):
            for number, names in sorted(quarters.items()):
                quarter = Period.quarter(period.year, number)
                gaps.append(
                    Gap(
                        _("%(unit)s has no figures for %(quarters)s: %(indicators)s.")
                        % {"unit": unit.name, "quarters": quarter.label, "indicators": "; ".join(names)},
                        reverse("reports:figures-unit", args=[str(quarter), unit.pk]),
                    )
                )
        for number in period.quarters():
            quarter = Period.quarter(period.year, number)
            for (unit_id, label), unit in sorted(self.open_submissions.items(), key=lambda item: item[1].name):
                if label == str(quarter):
                    gaps.append(
                        Gap(
                            _("The figures of %(unit)s for %(quarter)s are not handed in (returned or still a draft).")
                            % {"unit": unit.name, "quarter": quarter.label},
                            reverse("reports:figures-unit", args=[label, unit_id]),
                        )
                    )
        return tuple(gaps)


def report_readiness(agency, period: Period) -> Readiness:
    """A report is signable when its figures are final and complete.

    Final: every quarter in it has a finished run of an SOP of the agency that collects the figures;
    a semester or a year also needs its own finished run where an effective SOP defines steps for
    that cadence (Balangan's does; Padang Panjang's, one quarterly chain, does not).
    Complete: every indicator has the target the report prints and a figure (or a reasoned n/a)
    for every quarter it counts, and no quarter's figures are returned or still a draft; each gap
    names what is missing and links to where it is entered.
    """
    return Readiness(_RunFacts.of(agency).reasons(period), _DataFacts.of(agency, [period.year]).gaps(period))


@dataclass(frozen=True)
class ReportRow:
    period: Period
    readiness: Readiness
    signed: object | None  # the latest SignedDocument of this report, if any


def report_overview(agency, *years: int) -> list[list[ReportRow]]:
    """For each year given, each report of it (TW I–IV, S1, S2, the year) with its state: not ready
    and why, ready to sign, or signed (latest version). Eight queries, whatever the history and the
    number of years."""
    from reports.models import DocumentKind, SignedDocument

    facts, data = _RunFacts.of(agency), _DataFacts.of(agency, years)
    periods = {year: _reports_of(year) for year in years}
    signed = {}
    every_period = [str(period) for of_year in periods.values() for period in of_year]
    for document in (
        SignedDocument.objects.filter(agency=agency, kind=DocumentKind.REPORT, period__in=every_period)
        .defer("pdf")
        .order_by("period", "version")
    ):
        signed[document.period] = document  # the highest version wins
    return [
        [
            ReportRow(period, Readiness(facts.reasons(period), data.gaps(period)), signed.get(str(period)))
            for period in periods[year]
        ]
        for year in years
    ]


def _reports_of(year: int) -> list[Period]:
    return [
        *(Period.quarter(year, n) for n in (1, 2, 3, 4)),
        Period(year, PeriodKind.SEMESTER, 1),
        Period(year, PeriodKind.SEMESTER, 2),
        Period(year, PeriodKind.YEAR),
    ]


# Menunggu tanda tangan saya ----------------------------------------------------------------------


@dataclass(frozen=True)
class AwaitingSignature:
    """One thing waiting for the signer, with the one page where it is signed."""

    title: str
    state: str  # why it waits, one short Indonesian phrase
    url: str
    since: datetime.datetime | None = None  # when it was prepared, where known


def signature_queue(agency: Agency, user, *, today: datetime.date | None = None) -> list[AwaitingSignature] | None:
    """What waits for the user's signature in the agency; None when the user may not sign for it
    (only the Kepala Dinas and a current Plh/Plt may: workflow.permissions.can_sign).

    In order: the user's own signing requests whose PDF is prepared and awaits the passphrase
    (the newest per document); the reports of this year and last whose figures are final
    (report_readiness) and that have not been signed; the SOP drafts that could become effective
    (SopVersion.effective_problems() empty). A report or draft with a prepared request is listed
    once, as the request. A fixed number of queries, plus those of effective_problems per draft.
    """
    if not can_sign(user, agency):
        return None
    year = (today or local_today(agency)).year
    prepared = {}
    for request in (
        DocumentRequest.objects.filter(
            agency=agency, requested_by=user, sign=True, status=DocumentRequest.Status.AWAITING
        )
        .only("pk", "kind", "period", "sop_version_id", "disposition_id", "title", "requested_at")
        .order_by("requested_at")
    ):
        prepared[(request.kind, request.period, request.sop_version_id, request.disposition_id)] = (
            request  # newest wins
        )
    queue = [
        AwaitingSignature(
            request.title,
            _("Prepared: type your passphrase to sign"),
            reverse("reports:request", args=[request.pk]),
            request.requested_at,
        )
        for request in sorted(prepared.values(), key=lambda r: r.requested_at)
    ]
    reports_prepared = {period for kind, period, _v, _d in prepared if kind == DocumentKind.REPORT}
    this_year, last_year = report_overview(agency, year, year - 1)
    for row in last_year + this_year:
        if row.readiness.ready and row.signed is None and str(row.period) not in reports_prepared:
            queue.append(
                AwaitingSignature(
                    _("Performance report %(period)s") % {"period": row.period.label},
                    _("Final figures, not yet signed"),
                    reverse("reports:documents") + f"?report={row.period}#report-form",
                )
            )
    sops_prepared = {version for kind, _p, version, _d in prepared if kind == DocumentKind.SOP}
    drafts = (
        SopVersion.objects.filter(sop__agency=agency, status=SopVersion.Status.DRAFT)
        .exclude(pk__in=sops_prepared)
        .select_related("sop")
        .order_by("sop__number", "pk")
    )
    for draft in drafts:
        if not draft.effective_problems():
            queue.append(
                AwaitingSignature(
                    _("%(number)s %(name)s (revision %(revision)d)")
                    % {"number": draft.sop.number, "name": draft.name, "revision": draft.revision},
                    _("SOP draft, complete: signing makes it effective"),
                    reverse("reports:documents") + f"?sop={draft.pk}#sop-form",
                )
            )
    return queue


# The Perjanjian Kinerja (PK) of a year ---------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    """One indicator of the year's PK: its annual target and its Rencana Aksi (TW I–IV)."""

    indicator: Indicator
    target: TargetValue | None  # the annual (PK) target
    quarters: tuple  # TW I–IV: a TargetValue or None each

    @property
    def missing(self) -> list[str]:
        """What the row lacks, as the targets page names it: the annual target, TW I … TW IV."""
        missing = [] if self.target is not None else [_("the annual target")]
        return missing + [f"TW {ROMAN[q]}" for q, target in enumerate(self.quarters, 1) if target is None]


def agreement_rows(agency: Agency, year: int) -> list[AgreementRow]:
    """Every indicator of the agency, in the PK's order, with the year's targets (two queries)."""
    indicators = (
        indicators_for(agency)
        .prefetch_related(Prefetch("targets", queryset=Target.objects.filter(year=year)))
        .order_by("objective__order", "order")
    )
    rows = []
    for indicator in indicators:
        targets = {t.quarter: t.as_target() for t in indicator.targets.all()}
        rows.append(AgreementRow(indicator, targets.get(None), tuple(targets.get(q) for q in (1, 2, 3, 4))))
    return rows


def agreement_target_gaps(agency: Agency, year: int, rows: list[AgreementRow] | None = None) -> tuple[Gap, ...]:
    """The targets the year's PK would print empty: each indicator named with what it lacks, linked
    to the targets page. Empty when every indicator has its annual and its four quarterly targets."""
    rows = agreement_rows(agency, year) if rows is None else rows
    url = reverse("reports:targets", args=[year])
    if not rows:
        return (Gap(_("The agency has no performance indicators yet."), url),)
    if all(len(row.missing) == 5 for row in rows):
        return (Gap(_("No target has been entered for %(year)s yet.") % {"year": year}, url),)
    return tuple(
        Gap(
            _("%(indicator)s has no %(missing)s for %(year)s.")
            % {"indicator": row.indicator.name, "missing": ", ".join(row.missing), "year": year},
            url,
        )
        for row in rows
        if row.missing
    )


def agreement_readiness(agency: Agency, year: int, rows: list[AgreementRow] | None = None) -> Readiness:
    """The PK of a year may be signed once every indicator has its annual target and its Rencana
    Aksi (TW I–IV), and the head of the region (pihak kedua) is recorded with the government."""
    government = agency.local_government
    reasons = ()
    if not (government.head_title.strip() and government.head_name.strip()):
        reasons = (
            _("The head of %(government)s (pihak kedua) is not recorded: ask the government's administrator.")
            % {"government": government.name},
        )
    return Readiness(reasons, agreement_target_gaps(agency, year, rows))


def agreement_digest(agency: Agency, year: int) -> str:
    """A SHA-256 of everything the year's PK prints from data: the parties and every row's targets.
    A PK prepared for signing is signed only while this is unchanged."""
    government = agency.local_government
    parts = [government.head_title, government.head_name, agency.full_name]
    for row in agreement_rows(agency, year):
        indicator = row.indicator
        parts += [indicator.objective.name, indicator.name, indicator.unit_of_measure]
        parts += [repr(target) for target in (row.target, *row.quarters)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def agreement_overview(agency: Agency, *years: int) -> list[ReportRow]:
    """Each year given with its PK's state: not ready and why, ready to sign, or signed (latest version)."""
    signed = {}
    for document in (
        SignedDocument.objects.filter(agency=agency, kind=DocumentKind.AGREEMENT, period__in=[str(y) for y in years])
        .defer("pdf")
        .order_by("period", "version")
    ):
        signed[document.period] = document  # the highest version wins
    return [
        ReportRow(Period(year, PeriodKind.YEAR), agreement_readiness(agency, year), signed.get(str(year)))
        for year in years
    ]
