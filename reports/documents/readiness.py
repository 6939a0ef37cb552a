"""Whether a document may be signed, and what waits for a signature: a period's report readiness
(runs finished, every target and figure the report prints present), the overview of reports and
PK per year, and the signature queue of the Kepala Dinas (or the Plh)."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models.documents import DocumentKind, DocumentRequest, SignedDocument
from reports.models.performance import Indicator, Objective, Realisation, Target, UnitSubmission
from reports.performance.achievement import period_target, quarters_counted
from reports.performance.selectors import (
    Gap,
    IndicatorRules,
    agreement_gaps_of,
    agreement_rows,
    indicator_rules,
    reported_quarters,
    year_targets,
)
from sopkinerja.common.periods import Period, PeriodKind
from sopkinerja.common.stamped_cache import stamped_get, stamped_set
from workflow.models import Agency, LocalGovernment, Run, Sop, SopVersion, Step, Unit
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
    """The indicators, targets, figures entered and open submissions of some years of an agency,
    read as values (four queries), to tell what each report of those years would print empty."""

    indicators: list[IndicatorRules]
    figures: dict  # (indicator id, year) -> the indicator's rules and targets of the year
    reported: frozenset  # (indicator id, year, quarter) of every figure entered, n/a included
    open_submissions: dict  # (unit id, "2026-TW1") -> the unit's name, for quarters returned or not handed in

    @classmethod
    def of(cls, agency, years, *, indicators=None, targets=None) -> "_DataFacts":
        """Pass `indicators` (indicator_rules) and `targets` (year_targets with these years) when
        they are read already."""
        indicators = indicator_rules(agency) if indicators is None else indicators
        targets = year_targets(agency, years) if targets is None else targets
        figures = {
            (indicator.pk, year): indicator.figures(targets.get((indicator.pk, year), {}))
            for indicator in indicators
            for year in years
        }
        open_submissions = {
            (unit_id, period): name
            for unit_id, period, name in UnitSubmission.objects.filter(
                unit__agency=agency, period__in=[f"{year}-TW{q}" for year in years for q in (1, 2, 3, 4)]
            )
            .exclude(state__in=UnitSubmission.LOCKED)
            .values_list("unit_id", "period", "unit__name")
        }
        return cls(indicators, figures, reported_quarters(agency, years), open_submissions)

    def gaps(self, period: Period) -> tuple[Gap, ...]:
        if not self.indicators:
            return (Gap(_("The agency has no performance indicators yet."), reverse("reports:figures")),)
        no_target = []
        no_figure: dict = {}  # (unit id, unit name) -> {quarter: [indicator names]}
        no_yearly_figure: dict = {}  # (unit id, unit name) -> [indicator names]
        for indicator in self.indicators:
            yearly = indicator.yearly
            # A yearly indicator is printed, so needed, in the annual report only, with its one figure.
            if yearly and period.kind != PeriodKind.YEAR:
                continue
            figures = self.figures[(indicator.pk, period.year)]
            if period_target(figures, period) is None:
                no_target.append(indicator.name)
            # A cumulative figure is already to date: the period's last quarter carries it.
            needed = period.quarters()[-1:] if indicator.cumulative else quarters_counted(figures, period)
            unit = (indicator.unit_id, indicator.unit_name)
            for quarter in needed:
                if (indicator.pk, period.year, quarter) in self.reported:
                    continue
                if yearly:
                    no_yearly_figure.setdefault(unit, []).append(indicator.name)
                else:
                    no_figure.setdefault(unit, {}).setdefault(quarter, []).append(indicator.name)
        gaps = []
        if no_target:
            gaps.append(
                Gap(
                    _("No target for %(period)s: %(indicators)s.")
                    % {"period": period.label, "indicators": "; ".join(no_target)},
                    reverse("reports:targets", args=[period.year]),
                )
            )
        for (unit_id, unit_name), quarters in sorted(no_figure.items(), key=lambda item: item[0][1]):
            for number, names in sorted(quarters.items()):
                quarter = Period.quarter(period.year, number)
                gaps.append(
                    Gap(
                        _("%(unit)s has no figures for %(quarters)s: %(indicators)s.")
                        % {"unit": unit_name, "quarters": quarter.label, "indicators": "; ".join(names)},
                        reverse("reports:figures-unit", args=[str(quarter), unit_id]),
                    )
                )
        for (unit_id, unit_name), names in sorted(no_yearly_figure.items(), key=lambda item: item[0][1]):
            gaps.append(
                Gap(
                    _("%(unit)s has no figure for the year %(year)s (entered with TW IV): %(indicators)s.")
                    % {"unit": unit_name, "year": period.year, "indicators": "; ".join(names)},
                    reverse("reports:figures-unit", args=[str(Period.quarter(period.year, 4)), unit_id]),
                )
            )
        for number in period.quarters():
            quarter = Period.quarter(period.year, number)
            for (unit_id, label), unit_name in sorted(self.open_submissions.items(), key=lambda item: item[1]):
                if label == str(quarter):
                    gaps.append(
                        Gap(
                            _("The figures of %(unit)s for %(quarter)s are not handed in (returned or still a draft).")
                            % {"unit": unit_name, "quarter": quarter.label},
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
    and why, ready to sign, or signed (latest version): signing_overview without the PK."""
    return signing_overview(agency, report_years=years).reports


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


def agreement_readiness(agency: Agency, year: int) -> Readiness:
    """The PK of a year may be signed once every indicator has its annual target and its Rencana
    Aksi (TW I–IV), and the head of the region (pihak kedua) is recorded with the government."""
    return _agreement_readiness(agency, year, indicator_rules(agency), year_targets(agency, [year]))


def _agreement_readiness(agency: Agency, year: int, indicators: list[IndicatorRules], targets: dict) -> Readiness:
    government = agency.local_government
    reasons = ()
    if not (government.head_title.strip() and government.head_name.strip()):
        reasons = (
            _("The head of %(government)s (pihak kedua) is not recorded: ask the government's administrator.")
            % {"government": government.name},
        )
    return Readiness(reasons, agreement_gaps_of(year, indicators, targets))


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
    """Each year given with its PK's state: not ready and why, ready to sign, or signed (latest
    version): signing_overview without the reports."""
    return signing_overview(agency, agreement_years=years).agreements


@dataclass(frozen=True)
class SigningOverview:
    reports: list[list[ReportRow]]  # for each report year, its reports (_reports_of)
    agreements: list[ReportRow]  # for each PK year, its PK
    # A stamp of everything `reports` shows (each report's readiness, in the request's language, and
    # its latest signed version): None without PostgreSQL, where nothing is kept.
    reports_stamp: str | None = None


READINESS_CACHE_SECONDS = 24 * 3600


def signing_overview(agency: Agency, *, report_years=(), agreement_years=()) -> SigningOverview:
    """The reports of `report_years` and the PK of `agreement_years`, each with its state: not ready
    and why, ready to sign, or signed (latest version).

    The readiness of a year's reports, and of a year's PK, is cached under a key that digests what
    it is computed from (readiness_keys), so a cached readiness is never stale; the signed documents
    are read each time. Two queries when every year is cached; a year not cached adds the reads it
    needs, at most eight queries whatever the number of years. Signing and its refusals do not come
    here: they compute report_readiness or agreement_readiness afresh.
    """
    keys = readiness_keys(agency, tuple(report_years), tuple(agreement_years))
    readiness = _readiness_of(agency, tuple(report_years), tuple(agreement_years), keys)
    reports = [(year, _reports_of(year)) for year in report_years]
    signed = {}
    for document in (
        SignedDocument.objects.filter(
            Q(kind=DocumentKind.REPORT, period__in=[str(period) for _year, periods in reports for period in periods])
            | Q(kind=DocumentKind.AGREEMENT, period__in=[str(year) for year in agreement_years]),
            agency=agency,
        )
        .only("kind", "period", "version", "signer_name", "signed_at")  # what a row shows of its version
        .order_by("period", "version")
    ):
        signed[(document.kind, document.period)] = document  # the highest version wins
    report_rows = [
        [
            ReportRow(period, period_readiness, signed.get((DocumentKind.REPORT, str(period))))
            for period, period_readiness in zip(periods, readiness[("report", year)], strict=True)
        ]
        for year, periods in reports
    ]
    return SigningOverview(
        reports=report_rows,
        agreements=[
            ReportRow(
                Period(year, PeriodKind.YEAR),
                readiness[("agreement", year)],
                signed.get((DocumentKind.AGREEMENT, str(year))),
            )
            for year in agreement_years
        ],
        reports_stamp=_reports_stamp(keys, report_rows),
    )


def _reports_stamp(keys: dict | None, report_rows: list[list[ReportRow]]) -> str | None:
    """Everything the reports' rows show, digested: each row's period, its readiness as shown (its
    reasons and gaps, in the request's language, with their links) and its signed version as printed.
    None without PostgreSQL (`keys` None), where the readiness is not cached either."""
    if keys is None:
        return None
    parts = []
    for rows in report_rows:
        for row in rows:
            signed = row.signed
            printed = () if signed is None else (signed.pk, signed.version, signed.signer_name, signed.signed_at)
            parts.append(repr((str(row.period), row.readiness, printed)))
    digest = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"report-overview:v1:{digest}"


def _readiness_of(agency: Agency, report_years: tuple, agreement_years: tuple, keys: dict | None) -> dict:
    """("report", year) -> the readiness of each report of the year (_reports_of), ("agreement",
    year) -> the readiness of the year's PK: from the cache where the key (readiness_keys) is there,
    else computed (and cached)."""
    found = {}
    for part, key in (keys or {}).items():
        value = stamped_get(key)
        if value is not None:
            found[part] = value
    missing_reports = [year for year in report_years if ("report", year) not in found]
    missing_agreements = [year for year in agreement_years if ("agreement", year) not in found]
    if not (missing_reports or missing_agreements):
        return found
    indicators = indicator_rules(agency)
    targets = year_targets(agency, {*missing_reports, *missing_agreements})
    computed = {}
    if missing_reports:
        facts = _RunFacts.of(agency)
        data = _DataFacts.of(agency, missing_reports, indicators=indicators, targets=targets)
        for year in missing_reports:
            computed[("report", year)] = tuple(
                Readiness(facts.reasons(period), data.gaps(period)) for period in _reports_of(year)
            )
    for year in missing_agreements:
        computed[("agreement", year)] = _agreement_readiness(agency, year, indicators, targets)
    for part, value in computed.items():
        if keys is not None:
            stamped_set(keys[part], value, READINESS_CACHE_SECONDS)
    return found | computed


def readiness_keys(agency: Agency, report_years, agreement_years) -> dict | None:
    """("report", year) and ("agreement", year) -> a cache key for that readiness, in the language
    of the request, that changes whenever the readiness could (one query); None without PostgreSQL.

    A key digests exactly what the readiness reads: the agency's indicators (names, rules, order,
    responsible unit), units and objectives' order; the government's name and head; the periods and
    versions of the agency's finished runs, and the status and steps' cadences of the versions that
    are effective or ran; then for a report year, the year's targets, which quarters of which
    indicators have a figure (n/a included: a figure's value does not make a report more or less
    complete) and the states of the year's unit submissions; for a PK year, the year's targets.
    """
    if connection.vendor != "postgresql":
        return None
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Indicator, Objective, Unit, LocalGovernment, Run, Sop, SopVersion, Step)
        + (Target, Realisation, UnitSubmission)
    }
    sql = f"""
        WITH ind AS (
            SELECT i.id, o."order" AS objective_order, i."order", i.name, i.aggregation, i.cumulative,
                i.measurement_frequency, i.responsible_unit_id
            FROM {table[Indicator]} i JOIN {table[Objective]} o ON o.id = i.objective_id
            WHERE o.agency_id = %(agency)s
        ), finished AS (
            SELECT r.id, r.period, r.version_id FROM {table[Run]} r JOIN {table[Sop]} s ON s.id = r.sop_id
            WHERE s.agency_id = %(agency)s AND r.state = %(finished)s
        )
        SELECT 'common', md5(concat_ws('|',
            (SELECT string_agg(ind::text, ',' ORDER BY ind.id) FROM ind),
            (SELECT string_agg(concat_ws(':', u.id, u.name), ',' ORDER BY u.id)
                FROM {table[Unit]} u WHERE u.agency_id = %(agency)s),
            (SELECT concat_ws(':', g.name, g.head_title, g.head_name)
                FROM {table[LocalGovernment]} g WHERE g.id = %(government)s),
            (SELECT string_agg(concat_ws(':', f.id, f.period, f.version_id), ',' ORDER BY f.id) FROM finished f),
            (SELECT string_agg(concat_ws(':', v.id, v.status, st.id, st.cadence, st.collects_data), ','
                    ORDER BY v.id, st.id)
                FROM {table[SopVersion]} v JOIN {table[Sop]} s ON s.id = v.sop_id
                LEFT JOIN {table[Step]} st ON st.version_id = v.id
                WHERE s.agency_id = %(agency)s
                    AND (v.status = %(effective)s OR v.id IN (SELECT version_id FROM finished)))
        ))
        UNION ALL
        SELECT 'targets ' || x.year, md5(string_agg(
                concat_ws(':', x.id, x.indicator_id, x.quarter, x.form, x.value, x.upper_value), ',' ORDER BY x.id))
        FROM {table[Target]} x
        WHERE x.year = ANY(%(target_years)s) AND x.indicator_id IN (SELECT id FROM ind) GROUP BY x.year
        UNION ALL
        SELECT 'figures ' || x.year, md5(string_agg(concat_ws(':', x.indicator_id, x.quarter), ','
                ORDER BY x.indicator_id, x.quarter))
        FROM {table[Realisation]} x
        WHERE x.year = ANY(%(report_years)s) AND x.indicator_id IN (SELECT id FROM ind) GROUP BY x.year
        UNION ALL
        SELECT 'submissions ' || left(x.period, 4), md5(string_agg(concat_ws(':', x.unit_id, x.period, x.state), ','
                ORDER BY x.id))
        FROM {table[UnitSubmission]} x JOIN {table[Unit]} u ON u.id = x.unit_id
        WHERE u.agency_id = %(agency)s AND x.period = ANY(%(quarters)s) GROUP BY left(x.period, 4)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "agency": agency.pk,
                "government": agency.local_government_id,
                "finished": Run.State.FINISHED,
                "effective": SopVersion.Status.EFFECTIVE,
                "target_years": sorted({*report_years, *agreement_years}),
                "report_years": sorted(report_years),
                "quarters": [f"{year}-TW{q}" for year in report_years for q in (1, 2, 3, 4)],
            },
        )
        digests = dict(cursor.fetchall())
    prefix = f"readiness:v1:{agency.pk}:{get_language()}"
    common = digests["common"]

    def key(*parts: str) -> str:
        return f"{prefix}:" + hashlib.md5("|".join(parts).encode()).hexdigest()  # noqa: S324 - a key, not a secret

    return {
        **{
            ("report", year): key(
                "report",
                str(year),
                common,
                digests.get(f"targets {year}", ""),
                digests.get(f"figures {year}", ""),
                digests.get(f"submissions {year}", ""),
            )
            for year in report_years
        },
        **{
            ("agreement", year): key("agreement", str(year), common, digests.get(f"targets {year}", ""))
            for year in agreement_years
        },
    }
