"""Read paths for the organisation and SOPs, always scoped to one agency."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from sopkinerja.common.periods import Period
from workflow.models import Agency, Disposition, Employee, Executor, Run, Sop, SopVersion, Step, StepActor, StepExit
from workflow.models.evaluation import EVALUATION_MONTHS, MONITORING_MONTHS


def agency_of(user) -> Agency | None:
    """The agency whose pages a login sees: the one a superuser or government administrator chose
    in the agency switcher (set on the request's user by AgencySwitcherMiddleware), else the
    employee's own; None for an anonymous user or a login without either.

    Viewing an agency grants no position in it: every action still checks the positions held
    (workflow.permissions), so a viewer without one reads and does nothing else.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    viewing = getattr(user, "viewing_agency", None)
    return viewing if viewing is not None else own_agency(user)


def own_agency(user) -> Agency | None:
    """The agency the login works for (its employee's), whatever agency it is viewing: acting in an
    agency needs a place in it; viewing one through the switcher gives none."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee.agency
    except Employee.DoesNotExist:
        return None


_EMPLOYEE_OF_USER = Employee._meta.get_field("user").remote_field  # user.employee's cache


def load_employee(user) -> None:
    """Fetch the login's employee with its agency and position in one query and keep it on the
    user, where `user.employee` (and so `agency_of` and the permission checks) find it for the
    rest of the request. Without it, the first `agency_of` costs two queries and the first
    permission check a third."""
    if not getattr(user, "is_authenticated", False) or _EMPLOYEE_OF_USER.is_cached(user):
        return
    employee = Employee.objects.select_related("agency__local_government", "position").filter(user=user).first()
    _EMPLOYEE_OF_USER.set_cached_value(user, employee)  # None: user.employee raises DoesNotExist


def switchable_agencies(user) -> QuerySet[Agency]:
    """The agencies a login may view through the switcher: all for a superuser, those of the
    governments it administers for a government administrator (LocalGovernment.administrators)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Agency.objects.none()
    agencies = Agency.objects.select_related("local_government").order_by("local_government__name", "name")
    if user.is_superuser:
        return agencies
    if not user.is_staff:
        return Agency.objects.none()
    return agencies.filter(local_government__administrators=user)


def start_refusal(period: Period, *, cadences: set[str], runs: dict[str, str]) -> str | None:
    """Why a run of an SOP for `period` cannot start (None: it can), given the cadences the SOP
    has steps for and its runs that are not cancelled (period → state). The one rule behind
    run_start's refusals and the periods the start form offers."""
    if period.kind not in cadences:
        return _("This SOP has no steps to run for %(period)s.") % {"period": period.label}
    if str(period) in runs:
        return _("This SOP already has a run for %(period)s.") % {"period": period.label}
    for part in period.parts():
        if runs.get(str(part)) != Run.State.FINISHED:
            return _("%(period)s can only start once the run for %(part)s has finished.") % {
                "period": period.label,
                "part": part.label,
            }
    return None


def startable_periods(versions: list[SopVersion], periods: list[Period]) -> list[Period]:
    """Those of `periods` that a run of at least one of `versions` can start for now; two queries."""
    cadences: dict[int, set[str]] = {}
    for version_id, cadence in Step.objects.filter(version__in=versions).values_list("version_id", "cadence"):
        cadences.setdefault(version_id, set()).add(cadence)
    runs: dict[int, dict[str, str]] = {}
    sop_runs = Run.objects.filter(sop_id__in=[v.sop_id for v in versions]).exclude(state=Run.State.CANCELLED)
    for sop_id, period, state in sop_runs.values_list("sop_id", "period", "state"):
        runs.setdefault(sop_id, {})[period] = state
    return [
        period
        for period in periods
        if any(
            start_refusal(period, cadences=cadences.get(v.pk, set()), runs=runs.get(v.sop_id, {})) is None
            for v in versions
        )
    ]


def sops_for_agency(agency: Agency) -> QuerySet[Sop]:
    return (
        Sop.objects.filter(agency=agency)
        .select_related("agency__local_government", "unit")
        .prefetch_related("versions__steps")
    )


def sop_version_detail(agency: Agency, version_id: int) -> SopVersion:
    """One SOP version of this agency with everything its sheet shows; 404s for another agency's."""
    return (
        SopVersion.objects.filter(sop__agency=agency)
        .select_related("sop__agency__local_government", "sop__unit")
        .prefetch_related(
            "list_entries",
            Prefetch("executors", queryset=Executor.objects.select_related("position")),
            Prefetch(
                "steps",
                queryset=Step.objects.select_related("executor").prefetch_related(
                    "requirements",
                    Prefetch("exits", queryset=StepExit.objects.select_related("target")),
                    Prefetch("actor_links", queryset=StepActor.objects.select_related("executor")),
                ),
            ),
        )
        .get(pk=version_id)
    )


def figures_locked(agency: Agency, year: int, quarter: int) -> bool:
    """A quarter's figures are locked once its data-collection step is handed in (submitted or
    approved). A return of that step, or a later attempt at it after a 'Tidak' loop, reopens them.
    """
    from workflow.models import Run, RunStep

    attempts = RunStep.objects.filter(
        run__sop__agency=agency,
        run__period=f"{year}-TW{quarter}",
        step__collects_data=True,
    ).exclude(run__state=Run.State.CANCELLED)
    handed_in = [RunStep.State.SUBMITTED, RunStep.State.APPROVED]
    return attempts.filter(state__in=handed_in).exists() and not attempts.exclude(state__in=handed_in).exists()


def runs_for_agency(agency: Agency):
    from workflow.models import Run

    return Run.objects.filter(sop__agency=agency).select_related("sop", "version", "started_by__employee")


def run_detail(agency: Agency, run_id: int):
    """One run of this agency with its attempts, dispositions and attachments; 404s for another agency's."""
    from workflow.models import RunStep

    return (
        runs_for_agency(agency)
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=RunStep.objects.select_related(
                    "step__executor__position__supervisor",
                    "step__approver_position",
                    "submitted_by__employee",
                    "approved_by__employee",
                ).prefetch_related(
                    Prefetch(
                        "dispositions",
                        queryset=Disposition.objects.filter(parent__isnull=True).select_related(
                            "from_position", "read_by__employee"
                        ),
                    ),
                    "attachments",
                    "step__requirements",
                    Prefetch("step__actor_links", queryset=StepActor.objects.select_related("executor")),
                ),
            )
        )
        .get(pk=run_id)
    )


def held_position_ids(user, now=None) -> set[int]:
    """Positions the user holds, or acts for today."""
    from workflow.permissions import local_today

    employee = getattr(user, "employee", None) if getattr(user, "is_authenticated", False) else None
    if employee is None:
        return set()
    today = local_today(employee.agency, now)
    # Asked several times per request (a page's sections each ask): one query per employee object
    # and day. The employee is loaded afresh for each request (load_employee).
    known = getattr(employee, "_held_positions", None)
    if known is not None and known[0] == (today, employee.position_id):
        return set(known[1])
    acting = employee.acting_for.filter(starts_on__lte=today, ends_on__gte=today).values_list("position_id", flat=True)
    held = {employee.position_id, *acting}
    employee._held_positions = ((today, employee.position_id), frozenset(held))
    return held


def my_work(user, now=None) -> dict:
    """What waits for the user: steps to perform and submitted steps to approve, oldest first.

    A step to perform that was returned carries who returned it (`returned_by`, with the note) and
    when (`returned_at`, the time of its latest return in the transition log), read in the same query.
    """
    from django.db.models import Q

    from workflow.models import Run, RunStep

    positions = held_position_ids(user, now)
    # What the dashboard shows of each (templates/workflow/home.html, work-item), no more.
    in_progress = RunStep.objects.filter(run__state=Run.State.ACTIVE).select_related("run__version", "step__executor")
    approves = Q(step__approver_position__in=positions) | Q(
        step__approver_position__isnull=True, step__executor__position__supervisor__in=positions
    )
    last_return = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(RunStep), object_id=OuterRef("pk"), transition="send_back"
    ).order_by("-timestamp")
    return {
        "to_perform": list(
            in_progress.filter(state=RunStep.State.ACTIVE, step__executor__position__in=positions)
            .select_related("returned_by__employee")
            .annotate(returned_at=Subquery(last_return.values("timestamp")[:1]))
            .order_by("due_at")
        ),
        "to_approve": list(
            in_progress.filter(approves, state=RunStep.State.SUBMITTED)
            .exclude(submitted_by=user)  # separation of duties: someone else decides
            .order_by("submitted_at")
        ),
    }


def overdue_steps(agency: Agency, now):
    from workflow.models import Run, RunStep

    return (
        RunStep.objects.filter(
            run__sop__agency=agency, run__state=Run.State.ACTIVE, state=RunStep.State.ACTIVE, due_at__lt=now
        )
        .select_related("run__version", "step__executor")
        .order_by("due_at")
    )


def disposition_for(agency: Agency, disposition_id: int):

    # What the page shows, no more: every joined table adds to PostgreSQL's planning time, which
    # with the agency and the version joined too took ten times the query's execution.
    return Disposition.objects.select_related(
        "run_step__step", "from_user__employee", "from_position", "to_position", "read_by__employee"
    ).get(pk=disposition_id, run_step__run__sop__agency_id=agency.pk)


def disposition_history(disposition) -> list:
    """The disposisi of the same attempt as a tree in the order given, from the first issuer down:
    each with `depth` (0 for the first) and `is_this` (the one asked about). One query."""
    rows = list(
        Disposition.objects.filter(run_step_id=disposition.run_step_id)
        .select_related("from_user__employee", "from_position", "to_position", "read_by__employee")
        .order_by("issued_at", "pk")
    )
    children: dict = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    history, pending = [], [(row, 0) for row in reversed(children.get(None, []))]
    while pending:
        row, depth = pending.pop()
        row.depth, row.is_this = depth, row.pk == disposition.pk
        history.append(row)
        pending += [(child, depth + 1) for child in reversed(children.get(row.pk, []))]
    return history


def appointments_for_agency(agency: Agency, today):
    """The agency's Plh/Plt appointments with who appointed and ended them: (current, past).

    Current: in force today or still to come. Past: ended early, or over."""
    from workflow.models import ActingAssignment

    rows = list(
        ActingAssignment.objects.filter(position__agency=agency)
        .select_related("position", "employee", "appointed_by__employee", "ended_by__employee")
        .order_by("-starts_on", "-pk")
    )
    current = [a for a in rows if a.ended_at is None and a.ends_on >= today]
    past = [a for a in rows if a.ended_at is not None or a.ends_on < today]
    return current, past


# Monitoring and evaluation ----------------------------------------------------------------------


def add_months(day, months: int):
    """The same day `months` later; the last day of the month when it has fewer days (31 Aug + 6 = 28/29 Feb)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueAssessment:
    kind: str  # "monitoring" or "evaluation"
    version: SopVersion
    since: datetime.date  # the day it fell due


@dataclass(frozen=True)
class AssessmentSchedule:
    version: SopVersion
    next_monitoring: datetime.date
    next_evaluation: datetime.date


def assessment_schedule(versions: QuerySet[SopVersion]) -> list[AssessmentSchedule]:
    """When each of these (effective) versions is next due for monitoring (6 months) and evaluation
    (12 months): counted from the last one recorded for the version, else from its effective date.
    One query; the SOP list can show the next monitoring date with it."""
    from django.db.models import Max

    versions = versions.select_related("sop").annotate(
        last_monitoring=Max("monitorings__assessed_on"), last_evaluation=Max("evaluations__evaluated_on")
    )
    schedule = []
    for version in versions.order_by("sop__number"):
        start = version.effective_on or version.made_on
        schedule.append(
            AssessmentSchedule(
                version,
                add_months(version.last_monitoring or start, MONITORING_MONTHS),
                add_months(version.last_evaluation or start, EVALUATION_MONTHS),
            )
        )
    return schedule


def due_assessments(user, today: datetime.date) -> list[DueAssessment]:
    """Monitoring and evaluation due by `today` on the effective SOPs the user may assess
    (permissions.can_assess), oldest first. A fixed number of queries, whatever the number of SOPs."""
    from workflow.permissions import assessment_scope

    agency_id, everything, units = assessment_scope(user)
    if agency_id is None or not (everything or units):
        return []
    versions = SopVersion.objects.filter(status=SopVersion.Status.EFFECTIVE, sop__agency_id=agency_id)
    if not everything:
        versions = versions.filter(sop__unit_id__in=units)
    due = []
    for row in assessment_schedule(versions):
        if row.next_monitoring <= today:
            due.append(DueAssessment("monitoring", row.version, row.next_monitoring))
        if row.next_evaluation <= today:
            due.append(DueAssessment("evaluation", row.version, row.next_evaluation))
    return sorted(due, key=lambda item: (item.since, item.version.sop.number, item.kind))


@dataclass(frozen=True)
class StepEvidence:
    number: int
    activity: str
    returns: int
    overdue: int
    loops: int
    skipped: int


@dataclass(frozen=True)
class RunEvidence:
    """What the runs of an SOP version measured, as evidence for its monitoring."""

    since: datetime.date | None
    runs: int  # not cancelled
    finished: int
    lead_average: int | None  # working minutes, rounded
    lead_median: int | None
    standard_average: int | None  # the Jumlah of the runs' steps, in working minutes
    over_standard: int  # finished runs whose lead time exceeded their standard
    steps: list[StepEvidence]

    @property
    def returns(self) -> int:
        return sum(step.returns for step in self.steps)

    @property
    def overdue(self) -> int:
        return sum(step.overdue for step in self.steps)

    @property
    def loops(self) -> int:
        return sum(step.loops for step in self.steps)

    @property
    def skipped(self) -> int:
        return sum(step.skipped for step in self.steps)


def run_evidence(version: SopVersion, *, since: datetime.date | None = None, now=None) -> RunEvidence:
    """Lead time against the Jumlah, returns, overdue, looped and skipped steps of the version's runs
    (started on or after `since`; cancelled runs aside). Three aggregate queries.

    Overdue: a step with a deadline handed in after it, or still open past it. Looped: a second or
    later attempt (a decision answered Tidak). Skipped: a step in state "skipped" (a branch not taken)."""
    from statistics import median

    from django.db.models import Avg, Count, F, Q, Sum
    from django.utils import timezone

    from workflow.models import Run, RunStep

    now = now or timezone.now()
    runs = Run.objects.filter(version=version).exclude(state=Run.State.CANCELLED)
    if since is not None:
        runs = runs.filter(started_at__date__gte=since)
    totals = runs.aggregate(
        runs=Count("pk"),
        finished=Count("pk", filter=Q(state=Run.State.FINISHED)),
        lead_average=Avg("lead_minutes", filter=Q(state=Run.State.FINISHED)),
        standard_average=Avg("standard_minutes", filter=Q(state=Run.State.FINISHED)),
        over_standard=Count("pk", filter=Q(state=Run.State.FINISHED, lead_minutes__gt=F("standard_minutes"))),
    )
    leads = list(
        runs.filter(state=Run.State.FINISHED, lead_minutes__isnull=False).values_list("lead_minutes", flat=True)
    )
    handed_in_late = Q(submitted_at__isnull=False, submitted_at__gt=F("due_at"))
    open_past_due = Q(submitted_at__isnull=True, due_at__lt=now, run__state=Run.State.ACTIVE) & ~Q(
        state__in=[RunStep.State.APPROVED, RunStep.State.SUBMITTED, "skipped"]
    )
    rows = (
        RunStep.objects.filter(run__in=runs)
        .values("step__number", "step__activity")
        .annotate(
            returns=Sum("returned_count"),
            overdue=Count("pk", filter=Q(due_at__isnull=False) & (handed_in_late | open_past_due)),
            loops=Count("pk", filter=Q(attempt__gt=1)),
            skipped=Count("pk", filter=Q(state="skipped")),  # a string: the state may not exist yet
        )
        .order_by("step__number")
    )
    return RunEvidence(
        since=since,
        runs=totals["runs"],
        finished=totals["finished"],
        lead_average=_rounded(totals["lead_average"]),
        lead_median=_rounded(median(leads) if leads else None),
        standard_average=_rounded(totals["standard_average"]),
        over_standard=totals["over_standard"],
        steps=[
            StepEvidence(
                row["step__number"],
                row["step__activity"],
                row["returns"] or 0,
                row["overdue"],
                row["loops"],
                row["skipped"],
            )
            for row in rows
        ],
    )


def _rounded(value) -> int | None:
    return None if value is None else round(value)


def monitorings_of(version: SopVersion):
    return version.monitorings.select_related("assessor").order_by("-assessed_on", "-created_at")


def evaluations_of(version: SopVersion):
    return version.evaluations.select_related("evaluator").order_by("-evaluated_on", "-created_at")


def semester_range(year: int, semester: int) -> tuple[datetime.date, datetime.date]:
    return (
        (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        if semester == 1
        else (
            datetime.date(year, 7, 1),
            datetime.date(year, 12, 31),
        )
    )


def monitoring_table(agency: Agency, year: int, semester: int) -> dict:
    """The agency's monitoring form of a semester: the newest monitoring of each SOP recorded for it
    (a correction is a newer record), and the evaluations made within the semester, newest per SOP."""
    from workflow.models import SopEvaluation, SopMonitoring

    period = f"{year}-S{semester}"
    monitorings = (
        SopMonitoring.objects.filter(version__sop__agency=agency, period=period)
        .select_related("version__sop")
        .order_by("version__sop__number", "-assessed_on", "-created_at")
    )
    start, end = semester_range(year, semester)
    evaluations = (
        SopEvaluation.objects.filter(version__sop__agency=agency, evaluated_on__range=(start, end))
        .select_related("version__sop")
        .order_by("version__sop__number", "-evaluated_on", "-created_at")
    )
    return {"monitorings": _newest_per_sop(monitorings), "evaluations": _newest_per_sop(evaluations)}


def _newest_per_sop(rows) -> list:
    seen, newest = set(), []
    for row in rows:
        if row.version.sop_id not in seen:
            seen.add(row.version.sop_id)
            newest.append(row)
    return newest


def disposition_inbox(user, now=None, *, read_limit: int = 50) -> dict:
    """The disposisi to the positions the user holds or acts for: unread ones (all), and the latest
    read ones, newest first. Two queries, whatever the history."""

    positions = held_position_ids(user, now)
    agency = agency_of(user)
    # Only what the list shows: each joined table costs planning time and model instances per row.
    rows = Disposition.objects.filter(to_position__in=positions, run_step__run__sop__agency=agency).select_related(
        "run_step__step", "from_position", "read_by__employee"
    )
    return {
        "unread": list(rows.filter(read_at__isnull=True).order_by("-issued_at")),
        "read": list(rows.filter(read_at__isnull=False).order_by("-issued_at")[:read_limit]),
    }


def unread_disposition_count(user, now=None) -> int:

    return Disposition.objects.filter(
        to_position__in=held_position_ids(user, now), run_step__run__sop__agency=agency_of(user), read_at__isnull=True
    ).count()


@dataclass(frozen=True)
class RunProgress:
    run: object
    done: int  # approved or skipped attempts
    total: int  # attempts planned so far
    current: object | None  # the attempt in hand (active or submitted)
    overdue: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def runs_in_progress(agency: Agency, now, *, sop_id: int | None = None, period: str = "", state: str = "active"):
    """Runs with their progress, current step, who holds it and its due time: three queries in all."""
    from django.db.models import Count, Q

    from workflow.models import Run, RunStep

    runs = runs_for_agency(agency).annotate(
        done=Count("steps", filter=Q(steps__state__in=RunStep.DONE)), total=Count("steps")
    )
    if state:
        runs = runs.filter(state=state)
    if sop_id:
        runs = runs.filter(sop_id=sop_id)
    if period:
        runs = runs.filter(period=period)
    runs = list(runs.order_by("-started_at")[:100])
    current = {
        attempt.run_id: attempt
        for attempt in RunStep.objects.filter(
            run__in=[run.pk for run in runs], state__in=[RunStep.State.ACTIVE, RunStep.State.SUBMITTED]
        ).select_related("step__executor__position", "step__approver_position")
    }
    return [
        RunProgress(
            run,
            run.done,
            run.total,
            current.get(run.pk),
            bool(current.get(run.pk) and run.state == Run.State.ACTIVE and current[run.pk].is_overdue(now)),
        )
        for run in runs
    ]


def sop_list(agency: Agency) -> list[dict]:
    """Every SOP of the agency with its current revision, status, effective date, next monitoring
    date (selectors.assessment_schedule), the draft being written and its older revisions: three
    queries, whatever the number of SOPs.
    """
    sops = (
        Sop.objects.filter(agency=agency)
        .select_related("unit")
        .prefetch_related(Prefetch("versions", queryset=SopVersion.objects.order_by("-revision")))
        .order_by("number", "pk")
    )
    sops = list(sops)
    effective_ids = [v.pk for sop in sops for v in sop.versions.all() if v.status == SopVersion.Status.EFFECTIVE]
    schedule = {row.version.pk: row for row in assessment_schedule(SopVersion.objects.filter(pk__in=effective_ids))}
    rows = []
    for sop in sops:
        versions = list(sop.versions.all())
        effective = next((v for v in versions if v.status == SopVersion.Status.EFFECTIVE), None)
        draft = next((v for v in versions if v.status == SopVersion.Status.DRAFT), None)
        current = effective or (versions[0] if versions else None)
        rows.append(
            {
                "sop": sop,
                "current": current,
                "effective": effective,
                "draft": draft,
                # a new revision starts from the effective text (else the newest signed one)
                "revisable": None if draft else effective or next((v for v in versions if v.is_signed), None),
                "next_monitoring": schedule[effective.pk].next_monitoring if effective else None,
            }
        )
    return rows


def sop_revisions(agency: Agency, sop_id: int) -> list[tuple]:
    """Every revision of one SOP, newest first, each with its signed PDFs: (version, [SignedDocument])."""
    from reports.models import SignedDocument

    versions = list(SopVersion.objects.filter(sop__agency=agency, sop_id=sop_id).order_by("-revision"))
    signed: dict[int, list] = {}
    for document in (
        SignedDocument.objects.filter(agency=agency, sop_version__in=versions).defer("pdf").order_by("-signed_at")
    ):
        signed.setdefault(document.sop_version_id, []).append(document)
    return [(version, signed.get(version.pk, [])) for version in versions]
