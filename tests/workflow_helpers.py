"""Walk SOP runs as the real people of the seed offices would."""

import datetime

import pytest

from sopkinerja.common.exceptions import WorkflowRefused
from workflow import permissions
from workflow.models import Employee, Run, RunStep
from workflow.runs.services import run_step_approve, run_step_submit


def holder(position):
    return Employee.objects.filter(position=position).select_related("user").first().user


def executor_of(run_step: RunStep):
    return holder(run_step.step.executor.position)


def approver_of(run_step: RunStep):
    approver = permissions.approver_position(run_step.step)
    return holder(approver) if approver else executor_of(run_step)


def step(run: Run, number: int) -> RunStep:
    return run.steps.get(step__number=number)


def refused(action, **kwargs) -> str:
    """What the service says when it refuses: action(**kwargs) must raise WorkflowRefused."""
    with pytest.raises(WorkflowRefused) as caught:
        action(**kwargs)
    return caught.value.message


def current(run: Run) -> RunStep | None:
    return run.steps.exclude(state__in=RunStep.DONE).order_by("sequence").first()


def complete_current(run: Run, *, answer: str = "", now: datetime.datetime | None = None, **submit) -> RunStep:
    """The executor submits the current step and its approver approves it."""
    run_step = current(run)
    run_step_submit(
        run_step_id=run_step.pk,
        user=executor_of(run_step),
        output_note=f"Selesai: {run_step.step.output}",
        answer=answer,
        now=now,
        **submit,
    )
    run_step.refresh_from_db()
    if run_step.state == RunStep.State.SUBMITTED:
        run_step_approve(run_step_id=run_step.pk, user=approver_of(run_step), now=now)
        run_step.refresh_from_db()
    return run_step


def walk(run: Run) -> Run:
    while current(run) is not None:
        complete_current(run, answer="Ya")
    run.refresh_from_db()
    return run


def states(run: Run) -> list[tuple[int, int, str]]:
    return [(rs.step.number, rs.attempt, rs.state) for rs in run.steps.order_by("sequence")]
