"""Whether a document may be signed, and what waits for a signature: a period's report readiness
(runs finished, every target and figure the report prints present), the overview of reports and
PK per year, and the signature queue of the Kepala Dinas (or the Plh)."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models.documents import DocumentKind, DocumentRequest, SignedDocument
from reports.models.performance import Realisation, Target, UnitSubmission
from reports.performance.achievement import period_target, quarters_counted
from reports.performance.selectors import (
    AgreementRow,
    Gap,
    agreement_rows,
    agreement_target_gaps,
    indicator_figures,
    indicators_for,
)
from sopkinerja.common.periods import Period, PeriodKind
from workflow.models import Agency, Run, SopVersion
from workflow.permissions import can_sign, local_today


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
        runs = Run.objects.for_agency(agency).filter(state=Run.State.FINISHED)
        return cls(
            frozenset(runs.filter(version__steps__collects_data=True).values_list("period", flat=True)),
            frozenset(runs.values_list("period", flat=True)),
            frozenset(
                SopVersion.objects.for_agency(agency)
                .filter(status=SopVersion.Status.EFFECTIVE)
                .values_list("steps__cadence", flat=True)
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
        no_yearly_figure: dict = {}  # unit -> [indicator names]
        for indicator in self.indicators:
            figures = indicator_figures(indicator, [t for t in indicator.targets.all() if t.year == period.year], [])
            yearly = indicator.measured_yearly
            # A yearly indicator is printed, so needed, in the annual report only, with its one figure.
            if yearly and period.kind != PeriodKind.YEAR:
                continue
            if period_target(figures, period) is None:
                no_target.append(indicator.name)
            reported = {r.quarter for r in indicator.realisations.all() if r.year == period.year}
            # A cumulative figure is already to date: the period's last quarter carries it.
            needed = period.quarters()[-1:] if indicator.cumulative else quarters_counted(figures, period)
            for quarter in needed:
                if quarter in reported:
                    continue
                if yearly:
                    no_yearly_figure.setdefault(indicator.responsible_unit, []).append(indicator.name)
                else:
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
        for unit, names in sorted(no_yearly_figure.items(), key=lambda item: item[0].name):
            gaps.append(
                Gap(
                    _("%(unit)s has no figure for the year %(year)s (entered with TW IV): %(indicators)s.")
                    % {"unit": unit.name, "year": period.year, "indicators": "; ".join(names)},
                    reverse("reports:figures-unit", args=[str(Period.quarter(period.year, 4)), unit.pk]),
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
        SopVersion.objects.for_agency(agency)
        .filter(status=SopVersion.Status.DRAFT)
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
        parts += [indicator.objective.name, indicator.name, indicator.unit_of_measure, indicator.measurement_frequency]
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
