"""Read paths for the organisation and SOPs, always scoped to one agency."""

from django.db.models import Prefetch, QuerySet

from workflow.models import Agency, Employee, Sop, SopVersion, Step


def agency_of(user) -> Agency | None:
    """The agency a login belongs to; None for an anonymous user or a login without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee.agency
    except Employee.DoesNotExist:
        return None


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
            "executors__position",
            Prefetch(
                "steps",
                queryset=Step.objects.select_related("executor").prefetch_related(
                    "requirements", "exits__target", "actor_links__executor"
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
                    "disposition__from_position",
                    "disposition__read_by__employee",
                    "submitted_by__employee",
                    "approved_by__employee",
                ).prefetch_related("attachments", "step__requirements"),
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
    acting = employee.acting_for.filter(starts_on__lte=today, ends_on__gte=today).values_list("position_id", flat=True)
    return {employee.position_id, *acting}


def my_work(user, now=None) -> dict:
    """What waits for the user: steps to perform and submitted steps to approve, oldest first."""
    from django.db.models import Q

    from workflow.models import Run, RunStep

    positions = held_position_ids(user, now)
    in_progress = RunStep.objects.filter(run__state=Run.State.ACTIVE).select_related(
        "run__sop", "run__version", "step__executor__position", "disposition"
    )
    approves = Q(step__approver_position__in=positions) | Q(
        step__approver_position__isnull=True, step__executor__position__supervisor__in=positions
    )
    return {
        "to_perform": list(
            in_progress.filter(state=RunStep.State.ACTIVE, step__executor__position__in=positions).order_by("due_at")
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
        .select_related("run__sop", "run__version", "step__executor__position")
        .order_by("due_at")
    )


def disposition_for(agency: Agency, disposition_id: int):
    from workflow.models import Disposition

    return Disposition.objects.select_related(
        "run_step__run__sop__agency__local_government",
        "run_step__run__version",
        "run_step__step",
        "from_user__employee",
        "from_position",
        "to_position",
        "read_by__employee",
    ).get(pk=disposition_id, run_step__run__sop__agency=agency)


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


# Monitoring (PermenPAN-RB 35/2012) is due every 6 months from the effective date. Until the
# monitoring records exist, the next date is counted from the effective date only.
MONITORING_MONTHS = 6


def _next_monitoring(effective_on):
    """Due 6 months after the effective date; a date in the past is an overdue monitoring."""
    from dateutil.relativedelta import relativedelta

    return effective_on + relativedelta(months=MONITORING_MONTHS) if effective_on else None


def sop_list(agency: Agency) -> list[dict]:
    """Every SOP of the agency with its current revision, status, effective date, next monitoring
    date, the draft being written and its older revisions: two queries, whatever the number of SOPs.
    """
    sops = (
        Sop.objects.filter(agency=agency)
        .select_related("unit")
        .prefetch_related(Prefetch("versions", queryset=SopVersion.objects.order_by("-revision")))
        .order_by("number", "pk")
    )
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
                "next_monitoring": _next_monitoring(effective.effective_on if effective else None),
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
