"""Seed 002 runs as one chain, with its check-and-paraf decision looping back to drafting."""

import pytest

from workflow.models import Run, RunStep

from .conftest import user
from .workflow_helpers import complete_current, current, states, walk


def test_the_whole_chain_runs_in_ten_steps(padang_panjang_run):
    assert [n for n, _a, _s in states(padang_panjang_run)] == list(range(1, 11))
    walk(padang_panjang_run)
    assert padang_panjang_run.state == Run.State.FINISHED


def test_steps_of_the_kepala_dinas_are_approved_on_submission(padang_panjang_run):
    first = complete_current(padang_panjang_run)
    assert first.step.executor.title == "Kepala Dinas"
    assert first.state == RunStep.State.APPROVED and first.approved_by.username == "padangpanjang.kadis"
    assert current(padang_panjang_run).step.number == 2


def test_tidak_at_the_check_sends_the_run_back_to_drafting_and_keeps_the_history(padang_panjang_run):
    for _ in range(6):
        complete_current(padang_panjang_run)
    check = complete_current(padang_panjang_run, answer="Tidak")
    assert check.step.number == 7 and check.answer == "Tidak"
    assert states(padang_panjang_run)[6:] == [
        (7, 1, "approved"),
        (5, 2, "active"),
        (6, 2, "waiting"),
        (7, 2, "waiting"),
        (8, 1, "waiting"),
        (9, 1, "waiting"),
        (10, 1, "waiting"),
    ]
    complete_current(padang_panjang_run)
    complete_current(padang_panjang_run)
    complete_current(padang_panjang_run, answer="Ya")
    walk(padang_panjang_run)
    assert padang_panjang_run.state == Run.State.FINISHED
    assert padang_panjang_run.steps.filter(step__number=5).count() == 2


def test_a_decision_cannot_be_submitted_without_ya_or_tidak(padang_panjang_run):
    from sopkinerja.common.exceptions import WorkflowRefused
    from workflow.runs.services import run_step_submit

    for _ in range(6):
        complete_current(padang_panjang_run)
    check = current(padang_panjang_run)
    with pytest.raises(WorkflowRefused, match="salah satu jalur keluarnya"):
        run_step_submit(run_step_id=check.pk, user=user("padangpanjang.kasubbag"), output_note="Sudah diperiksa")
