"""Read paths of the SOPs, always scoped to one agency: the list with each SOP's revisions, one
version with its whole text, and the monitoring and evaluation schedule."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from workflow.models.evaluation import EVALUATION_MONTHS, MONITORING_MONTHS, SopEvaluation, SopMonitoring
from workflow.models.organisation import Agency
from workflow.models.sop import Executor, Sop, SopVersion, Step, StepActor, StepExit
from workflow.permissions import assessment_scope


def sops_for_agency(agency: Agency) -> QuerySet[Sop]:
    return (
        Sop.objects.filter(agency=agency)
        .select_related("agency__local_government", "unit")
        .prefetch_related("versions__steps")
    )


def sop_version_detail(agency: Agency, version_id: int) -> SopVersion:
    """One SOP version of this agency with everything its sheet shows; 404s for another agency's."""
    return (
        SopVersion.objects.for_agency(agency)
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
