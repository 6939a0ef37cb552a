"""Seed 002 runs as one chain, with its check-and-paraf decision looping back to drafting."""

import pytest

from sopkinerja.common.periods import Period
from workflow.models import Run, RunStep
from workflow.runs.services import run_start

from .conftest import user
from .workflow_helpers import complete_current, current, states, walk


@pytest.fixture
def run(sop002) -> Run:
    return run_start(version=sop002, period=Period.parse("2026-TW1"), user=user("padangpanjang.kadis"))


def test_the_whole_chain_runs_in_ten_steps(run):
    assert [n for n, _a, _s in states(run)] == list(range(1, 11))
    walk(run)
    assert run.state == Run.State.FINISHED


def test_steps_of_the_kepala_dinas_are_approved_on_submission(run):
    first = complete_current(run)
    assert first.step.executor.title == "Kepala Dinas"
    assert first.state == RunStep.State.APPROVED and first.approved_by.username == "padangpanjang.kadis"
    assert current(run).step.number == 2


def test_tidak_at_the_check_sends_the_run_back_to_drafting_and_keeps_the_history(run):
    for _ in range(6):
        complete_current(run)
    check = complete_current(run, answer="Tidak")
    assert check.step.number == 7 and check.answer == "Tidak"
    assert states(run)[6:] == [
        (7, 1, "approved"),
        (5, 2, "active"),
        (6, 2, "waiting"),
        (7, 2, "waiting"),
        (8, 1, "waiting"),
        (9, 1, "waiting"),
        (10, 1, "waiting"),
    ]
    complete_current(run)
    complete_current(run)
    complete_current(run, answer="Ya")
    walk(run)
    assert run.state == Run.State.FINISHED
    assert run.steps.filter(step__number=5).count() == 2


def test_a_decision_cannot_be_submitted_without_ya_or_tidak(run):
    from sopkinerja.common.exceptions import WorkflowRefused
    from workflow.runs.services import run_step_submit

    for _ in range(6):
        complete_current(run)
    check = current(run)
    with pytest.raises(WorkflowRefused, match="salah satu jalur keluarnya"):
        run_step_submit(run_step_id=check.pk, user=user("padangpanjang.kasubbag"), output_note="Sudah diperiksa")
