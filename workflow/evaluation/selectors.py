"""Read paths of SOP evaluation: what the runs of a version show (durations against the Mutu Baku,
returns, overdue steps)."""

import datetime
from dataclasses import dataclass
from statistics import median

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from workflow.models.run import Run, RunStep
from workflow.models.sop import SopVersion


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
