"""Read paths of the public portal: the offices, an office's year (Perencanaan, Pengukuran, Pelaporan,
SOP), a published document, and the government's summary for a year.

Every number comes from the same code as the reports (reports.performance.selectors.measure), and
only from data that is final: nothing unsigned, unlocked, unfinished or withdrawn, no evidence,
notes, kendala or solusi, no staff names but the signers printed on the documents.
"""

import datetime
import functools
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from reports.models.documents import DocumentKind, SignedDocument
from reports.models.performance import Indicator, Objective, RatingBand, Realisation, TargetLock
from reports.models.publication import PUBLIC_KINDS, Publication
from reports.performance.selectors import AgreementRow, Measurement, agreement_rows, measure
from sopkinerja.common.periods import Period, PeriodKind, periods_of
from workflow.models.organisation import Agency, LocalGovernment
from workflow.models.run import Run
from workflow.models.sop import Sop, SopVersion

FIRST_YEAR, LAST_YEAR = 2000, 2100  # as Target.year allows


def year_or_none(text: str | None) -> int | None:
    """A ?tahun= value as a year the data can have, else None (the view answers 404 or 400)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise ValueError(text)
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


# What the pages are cached under -------------------------------------------------------------------


def _stamp_sql(scope: str, printed: str) -> RawSQL:
    """A digest of aggregates that change whenever what the portal shows of some agencies changes:
    their publications, target locks, finished runs, figures, effective SOP versions, their
    government's rating bands, and which agencies they are: one scan per table, its aggregates read
    as one text; then the names the page prints (`printed`: SQL of one text, see names_sql). All of
    it is one text column of the row that loads the office or the government. `scope` is SQL naming
    the agencies of that row."""
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (
            Publication,
            TargetLock,
            Run,
            Sop,
            Realisation,
            Indicator,
            Objective,
            SopVersion,
            RatingBand,
            Agency,
        )
    }
    runs = f"{table[Run]} r JOIN {table[Sop]} s ON s.id = r.sop_id WHERE r.state = %s AND s.agency_id {scope}"
    figures = (
        f"{table[Realisation]} x JOIN {table[Indicator]} i ON i.id = x.indicator_id "
        f"JOIN {table[Objective]} o ON o.id = i.objective_id WHERE o.agency_id {scope}"
    )
    versions = (
        f"{table[SopVersion]} v JOIN {table[Sop]} s ON s.id = v.sop_id WHERE v.status = %s AND s.agency_id {scope}"
    )
    # The inner tables carry aliases: `scope` names the outer row's table by its own name.
    governments = f"SELECT a.local_government_id FROM {table[Agency]} a WHERE a.id {scope}"
    finished, effective = str(Run.State.FINISHED), str(SopVersion.Status.EFFECTIVE)

    def agg(*columns: str) -> str:  # several aggregates of one scan, as one text
        return " || ':' || ".join(f"COALESCE(CAST({column} AS TEXT), '-')" for column in columns)

    bands = f"{table[RatingBand]} b WHERE b.local_government_id IN ({governments})"
    parts = [
        (f"SELECT {agg('max(p.changed_at)', 'count(*)')} FROM {table[Publication]} p WHERE p.agency_id {scope}", []),
        (
            f"SELECT {agg('max(t.locked_at)', 'count(*)', 'sum(t.signed_document_id)')} "
            f"FROM {table[TargetLock]} t WHERE t.agency_id {scope}",
            [],
        ),
        (f"SELECT {agg('max(r.finished_at)', 'count(*)')} FROM {runs}", [finished]),
        (f"SELECT {agg('max(x.submitted_at)', 'count(*)')} FROM {figures}", []),
        (f"SELECT {agg('sum(v.id)', 'count(*)')} FROM {versions}", [effective]),
        (f"SELECT {agg('count(*)', 'sum(b.lower_bound)')} FROM {bands}", []),
        (f"SELECT {agg('count(*)', 'sum(a.id)')} FROM {table[Agency]} a WHERE a.id {scope}", []),
        (f"SELECT COALESCE(({printed}), '-')", []),
    ]
    text = " || '|' || ".join(f"({sql})" for sql, _params in parts)
    return RawSQL(text, [value for _sql, params in parts for value in params])


def _digest(*values) -> str:
    return hashlib.sha256("|".join(map(str, values)).encode()).hexdigest()[:32]


def names_sql(columns: list[str], rows: str) -> str:
    """SQL of one text joining `columns` of every row of `rows` (FROM … WHERE …), in no set order
    (SQLite before 3.44 cannot order an aggregate): another order only makes a new stamp, never a
    stale one. Plain SQL, as the rest of the stamp, so that it costs nothing to build."""
    joined = " || '\x1f' || ".join(f"CAST({column} AS TEXT)" for column in columns)
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return f"SELECT {aggregate}({joined}, '\x1e') FROM {rows}"


@dataclass(frozen=True)
class Stamped:
    """What a kept public page needs before it knows whether it is kept: the row's id, a stamp of
    everything the page shows, and for an office its time zone and the latest year it locked (the
    year its page opens on)."""

    pk: int
    stamp: str
    time_zone: str = ""
    latest_locked_year: int | None = None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


@functools.cache
def _stamp_query(of: str) -> tuple[str, tuple]:
    """The SQL that reads an office (by slug) or a government (by id) with its stamp, built once
    per process: a kept page costs this one query and no ORM work. The stamp holds what the pages
    print of the office, its government, its sasaran and indicators (an office's year) or of each
    office (the summary), so that a rename in the admin shows at once."""
    agencies, governments, locks, indicators, objectives = (
        connection.ops.quote_name(m._meta.db_table) for m in (Agency, LocalGovernment, TargetLock, Indicator, Objective)
    )
    if of == "office":
        printed = names_sql(
            ['o."order"', "o.name", 'i."order"', "i.name", "i.unit_of_measure"],
            f"{indicators} i JOIN {objectives} o ON o.id = i.objective_id WHERE o.agency_id = {agencies}.id",
        )
        stamp = _stamp_sql(f"= {agencies}.id", printed)
        names = f"{agencies}.name, {agencies}.cap_achievement, {governments}.name, {governments}.kind"
        sql = (
            f"SELECT {agencies}.id, {agencies}.time_zone, "
            f"(SELECT max(l.year) FROM {locks} l WHERE l.agency_id = {agencies}.id), {names}, ({stamp.sql}) "
            f"FROM {agencies} JOIN {governments} ON {governments}.id = {agencies}.local_government_id "
            f"WHERE {agencies}.slug = %s"
        )
    else:
        scope = f"IN (SELECT g.id FROM {agencies} g WHERE g.local_government_id = {governments}.id)"
        printed = names_sql(
            ["a.slug", "a.name", "a.time_zone", "a.cap_achievement"], f"{agencies} a WHERE a.id {scope}"
        )
        stamp = _stamp_sql(scope, printed)
        days = ", ".join(f"{governments}.publish_{kind}_days" for kind in PUBLICATION_KINDS)
        sql = (
            f"SELECT {governments}.id, {governments}.name, {governments}.kind, {days}, ({stamp.sql}) "
            f"FROM {governments} WHERE {governments}.id = %s"
        )
    return sql, tuple(stamp.params)


PUBLICATION_KINDS = ("quarter", "semester", "year", "pk")
MAX_ID = 2**63 - 1  # BigAutoField


def _stamped_row(of: str, key) -> tuple | None:
    sql, params = _stamp_query(of)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, key))
        return cursor.fetchone()


def office_stamp(slug: str) -> Stamped | None:
    """The office of a slug with a stamp of everything its public pages show (one query), or None."""
    row = _stamped_row("office", slug)
    if row is None:
        return None
    pk, time_zone, locked, *shown = row
    return Stamped(pk, _digest(time_zone, *shown), time_zone, locked)


def government_stamp(government_id: int) -> Stamped | None:
    """The government with a stamp of what its summary shows across its offices (one query), or
    None. The publication deadlines are in it as the government sets them and as the defaults say."""
    if not 0 < government_id <= MAX_ID:
        return None  # no row can have it, and the database would refuse the number
    row = _stamped_row("government", government_id)
    if row is None:
        return None
    defaults = [settings.PORTAL_DEADLINE_DAYS[kind] for kind in PUBLICATION_KINDS]
    return Stamped(row[0], _digest(*row[1:], *defaults))


# The offices -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A government or an office as the portal's index lists it."""

    pk: int
    name: str
    slug: str = ""


def office_directory() -> tuple[list[tuple[Listed, list[Listed]]], str]:
    """Every government with its offices, by name, and a digest of that list (one query): the index
    page is kept under the digest, so a new office or a rename shows at once."""
    rows = list(
        Agency.objects.order_by("local_government__name", "name").values_list(
            "local_government_id", "local_government__name", "pk", "name", "slug"
        )
    )
    grouped: dict[int, tuple[Listed, list[Listed]]] = {}
    for government_id, government_name, pk, name, slug in rows:
        grouped.setdefault(government_id, (Listed(government_id, government_name), []))[1].append(
            Listed(pk, name, slug)
        )
    directory = list(grouped.values())
    return directory, _digest(*rows)


# Documents -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDocument:
    """A signed document as the public sees it: readable, withdrawn, or replaced (a newer version of
    the same document, or an SOP sheet of a version no longer in force)."""

    document: SignedDocument
    publication: Publication
    replaced_by: SignedDocument | None = None
    no_longer_in_force: bool = False

    @property
    def withdrawn(self) -> bool:
        return self.publication.withdrawn

    @property
    def downloadable(self) -> bool:
        return not (self.withdrawn or self.no_longer_in_force or self.replaced_by)


def _public_documents():
    """Signed documents of a public kind with a publication (withdrawn ones included), without bytes."""
    return (
        SignedDocument.objects.filter(kind__in=PUBLIC_KINDS, publication__isnull=False)
        .select_related("publication", "agency__local_government", "sop_version__sop")
        .defer("pdf", "signer_certificate")
    )


def public_document(token) -> PublicDocument | None:
    """The document behind a token as the public may see it; None when it was never published (or
    is a disposisi). Two queries."""
    document = _public_documents().filter(token=token).first()
    if document is None:
        return None
    newer = (
        _public_documents()
        .filter(agency_id=document.agency_id, subject=document.subject, version__gt=document.version)
        .filter(publication__withdrawn_at__isnull=True)
        .order_by("-version")
        .first()
    )
    stale_sop = document.kind == DocumentKind.SOP and document.sop_version.status != SopVersion.Status.EFFECTIVE
    return PublicDocument(document, document.publication, newer, stale_sop)


def downloadable_document(token) -> SignedDocument | None:
    """A document the public may download now (published, not withdrawn, not replaced), without its
    bytes: the view compares its SHA-256 with the visitor's copy before reading them."""
    shown = public_document(token)
    return shown.document if shown is not None and shown.downloadable else None


def _in_force(documents) -> list[SignedDocument]:
    """The latest version of each subject that is published and not withdrawn (a withdrawn newer
    version leaves the one before it on the portal)."""
    latest: dict[str, SignedDocument] = {}
    for document in sorted(documents, key=lambda d: d.version):
        if not document.publication.withdrawn:
            latest[document.subject] = document
    return list(latest.values())


# An office's year -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator with its measurement for each public period of the year (None: not measured then)."""

    indicator: object
    cells: list[tuple[Period, Measurement | None]]


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: object
    indicators: list[IndicatorProgress]


@dataclass
class OfficeYear:
    agency: Agency
    year: int
    years: list[int]
    lock: TargetLock | None = None
    agreement: list[AgreementRow] = field(default_factory=list)
    agreement_document: SignedDocument | None = None
    periods: list[Period] = field(default_factory=list)  # the periods whose figures are final
    objectives: list[ObjectiveProgress] = field(default_factory=list)
    reports: list[SignedDocument] = field(default_factory=list)
    sop_sheets: list[SignedDocument] = field(default_factory=list)
    monitoring: list[SignedDocument] = field(default_factory=list)

    @property
    def has_planning(self) -> bool:
        return self.lock is not None


def finished_data_quarters(agency: Agency, year: int) -> list[int]:
    """The quarters of the year whose data run has finished (a run of an SOP step that collects the
    figures): their figures are final, as the reports count them (reports.documents.readiness)."""
    periods = (
        Run.objects.for_agency(agency)
        .filter(state=Run.State.FINISHED, version__steps__collects_data=True)
        .filter(period__in=[str(Period.quarter(year, q)) for q in (1, 2, 3, 4)])
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(Period.parse(p).number for p in periods)


def office_years(agency: Agency) -> list[int]:
    """The years the office has something public for: a locked year or a published document (one query
    each), newest first."""
    locked = set(TargetLock.objects.filter(agency=agency).values_list("year", flat=True))
    periods = (
        Publication.objects.in_force()
        .filter(agency=agency, document__kind__in=[DocumentKind.REPORT, DocumentKind.AGREEMENT])
        .values_list("document__period", flat=True)
        .distinct()
    )
    published = {Period.parse(p).year for p in periods if p}
    return sorted(locked | published, reverse=True)


def office_year(agency: Agency, year: int, *, years: list[int] | None = None) -> OfficeYear:
    """What the public sees of an office for a year. A fixed number of queries, whatever the years of
    history: the years (2), the lock (1), the PK rows (2), the finished runs (1), each final period's
    measurement (measure: up to 5 each), the published documents (1)."""
    page = OfficeYear(agency, year, office_years(agency) if years is None else years)
    page.lock = TargetLock.objects.filter(agency=agency, year=year).first()
    documents = list(
        _public_documents().filter(agency=agency).filter(Q(period__startswith=str(year)) | Q(kind=DocumentKind.SOP))
    )
    if page.lock is not None:
        page.agreement = agreement_rows(agency, year)
        quarters = finished_data_quarters(agency, year)
        page.periods = [Period.quarter(year, q) for q in quarters]
        if quarters == [1, 2, 3, 4]:
            page.periods.append(Period(year, PeriodKind.YEAR))
        page.objectives = _progress(agency, page.periods)
    in_force = _in_force(documents)
    of_year = [d for d in in_force if d.period and Period.parse(d.period).year == year]
    page.agreement_document = next((d for d in of_year if d.kind == DocumentKind.AGREEMENT), None)
    order = {str(p): index for index, p in enumerate(periods_of(year))}
    page.reports = sorted(
        (d for d in of_year if d.kind == DocumentKind.REPORT), key=lambda d: order.get(d.period, len(order))
    )
    page.monitoring = sorted((d for d in of_year if d.kind == DocumentKind.MONITORING), key=lambda d: d.period)
    page.sop_sheets = sorted(
        (d for d in in_force if d.kind == DocumentKind.SOP and d.sop_version.status == SopVersion.Status.EFFECTIVE),
        key=lambda d: (d.sop_version.sop.number, d.sop_version_id),
    )
    return page


def _progress(agency: Agency, periods: list[Period]) -> list[ObjectiveProgress]:
    """Each objective's indicators with their measurement per period, from measure() as the reports."""
    measured = {period: {row.indicator.pk: row for row in measure(agency, period)} for period in periods}
    objectives: dict[int, ObjectiveProgress] = {}
    indicators: dict[int, IndicatorProgress] = {}
    for period in periods:
        for row in measured[period].values():
            indicator = row.indicator
            if indicator.pk not in indicators:
                indicators[indicator.pk] = IndicatorProgress(
                    indicator, [(p, measured[p].get(indicator.pk)) for p in periods]
                )
                objective = objectives.setdefault(indicator.objective_id, ObjectiveProgress(indicator.objective, []))
                objective.indicators.append(indicators[indicator.pk])
    ordered = sorted(objectives.values(), key=lambda o: (o.objective.order, o.objective.pk))
    for objective in ordered:
        objective.indicators.sort(key=lambda i: (i.indicator.order, i.indicator.pk))
    return ordered


# The government's summary -------------------------------------------------------------------------


def period_end(period: Period) -> datetime.date:
    last_month = period.quarters()[-1] * 3
    if last_month == 12:
        return datetime.date(period.year, 12, 31)
    return datetime.date(period.year, last_month + 1, 1) - datetime.timedelta(days=1)


def deadline_of(government: LocalGovernment, period: Period | None, year: int) -> datetime.date:
    """When the government expects a document published (LocalGovernment.publication_days, else the
    installation's PORTAL_DEADLINE_DAYS): a report so many days after its period, the PK (period None)
    so many days after 1 January."""
    if period is None:
        return datetime.date(year, 1, 1) + datetime.timedelta(days=government.publication_days("pk"))
    kind = {PeriodKind.QUARTER: "quarter", PeriodKind.SEMESTER: "semester", PeriodKind.YEAR: "year"}[period.kind]
    return period_end(period) + datetime.timedelta(days=government.publication_days(kind))


@dataclass(frozen=True)
class Due:
    """One document the government expects from an office, and whether it came on time."""

    title: str
    deadline: datetime.date
    published_on: datetime.date | None

    @property
    def late(self) -> bool:
        return self.published_on is None or self.published_on > self.deadline


@dataclass
class OfficeSummary:
    agency: Agency
    published: list[SignedDocument]
    due: list[Due]
    period: Period | None  # the latest period whose figures are final, capaian averaged over it
    average: Decimal | None

    @property
    def late(self) -> list[Due]:
        return [due for due in self.due if due.late]


@dataclass
class GovernmentYear:
    government: LocalGovernment
    year: int
    offices: list[OfficeSummary]

    @property
    def published_count(self) -> int:
        return sum(len(office.published) for office in self.offices)

    @property
    def average(self) -> Decimal | None:
        averages = [office.average for office in self.offices if office.average is not None]
        return sum(averages, Decimal(0)) / len(averages) if averages else None

    @property
    def late_offices(self) -> list[OfficeSummary]:
        return [office for office in self.offices if office.late]


def government_year(government: LocalGovernment, year: int, today: datetime.date) -> GovernmentYear:
    """Across the government's offices for a year: the reports and PK published (and when), the
    average capaian of each office over its latest final period, and who is late against the
    deadlines (only those already passed on `today`). Three queries, plus measure() per office."""
    agencies = list(Agency.objects.filter(local_government=government).select_related("local_government"))
    documents: dict[int, list] = {}
    for document in (
        _public_documents()
        .filter(agency__in=agencies, kind__in=[DocumentKind.REPORT, DocumentKind.AGREEMENT])
        .filter(period__startswith=str(year))
    ):
        documents.setdefault(document.agency_id, []).append(document)
    locked = set(TargetLock.objects.filter(agency__in=agencies, year=year).values_list("agency_id", flat=True))
    finished: dict[int, set] = {}
    for agency_id, period in (
        Run.objects.filter(sop__agency__in=agencies, state=Run.State.FINISHED, version__steps__collects_data=True)
        .filter(period__in=[str(Period.quarter(year, q)) for q in (1, 2, 3, 4)])
        .values_list("sop__agency_id", "period")
        .distinct()
    ):
        finished.setdefault(agency_id, set()).add(Period.parse(period).number)
    offices = []
    for agency in agencies:
        in_force = [d for d in _in_force(documents.get(agency.pk, [])) if Period.parse(d.period).year == year]
        first_published = _first_publication(documents.get(agency.pk, []))
        due = []
        for period in [None, *periods_of(year)]:
            deadline = deadline_of(government, period, year)
            if deadline >= today:
                continue
            subject = f"pk:{year}" if period is None else f"report:{period}"
            title = f"PK {year}" if period is None else period.label
            due.append(Due(title, deadline, first_published.get(subject)))
        period, average = None, None
        quarters = sorted(finished.get(agency.pk, ())) if agency.pk in locked else []
        if quarters:
            period = Period(year, PeriodKind.YEAR) if quarters == [1, 2, 3, 4] else Period.quarter(year, quarters[-1])
            values = [row.achievement for row in measure(agency, period) if row.achievement is not None]
            average = sum(values, Decimal(0)) / len(values) if values else None
        offices.append(OfficeSummary(agency, sorted(in_force, key=lambda d: d.signed_at), due, period, average))
    return GovernmentYear(government, year, offices)


def _first_publication(documents) -> dict[str, datetime.date]:
    """When each subject was first published (any version, withdrawn later or not), in its office's zone."""
    first: dict[str, datetime.date] = {}
    for document in documents:
        day = document.publication.published_at.astimezone(document.agency.zone).date()
        if document.subject not in first or day < first[document.subject]:
            first[document.subject] = day
    return first
