"""Seed 000 run for real: a quarter runs steps 1-5, a semester steps 6 and 8, the year 7 and 9."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import Run, RunStep
from workflow.runs.services import run_start

from .conftest import user
from .workflow_helpers import complete_current, current, states, walk

WITA = ZoneInfo("Asia/Makassar")


def start(version, period: str, who: str = "balangan.sekretaris", now=None) -> Run:
    return run_start(version=version, period=Period.parse(period), user=user(who), now=now)


def test_a_quarter_runs_steps_one_to_five_in_order(sop000):
    run = start(sop000, "2025-TW1")
    assert states(run) == [
        (1, 1, "active"),
        (2, 1, "waiting"),
        (3, 1, "waiting"),
        (4, 1, "waiting"),
        (5, 1, "waiting"),
    ]
    walk(run)
    assert run.state == Run.State.FINISHED
    assert [n for n, _a, s in states(run) if s == "approved"] == [1, 2, 3, 4, 5]


def test_the_run_records_its_lead_time_against_the_jumlah_of_its_steps(sop000):
    monday = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=WITA)
    run = start(sop000, "2025-TW2", now=monday)
    for hour in range(5):
        complete_current(run, now=monday + datetime.timedelta(hours=hour + 1))
    run.refresh_from_db()
    assert run.standard_minutes == 15 + 30 + 2 + 30 + 30
    assert run.lead_minutes == 300
    first = run.steps.get(step__number=1)
    assert (first.standard_minutes, first.actual_minutes) == (15, 60)
    assert first.due_at == monday + datetime.timedelta(minutes=15)


def test_a_semester_needs_both_of_its_quarters_finished(sop000):
    walk(start(sop000, "2025-TW1"))
    with pytest.raises(
        WorkflowRefused, match="Semester I 2025 hanya dapat dimulai setelah .* Triwulan II 2025 selesai"
    ):
        start(sop000, "2025-S1")
    walk(start(sop000, "2025-TW2"))
    semester = start(sop000, "2025-S1")
    assert [n for n, _a, _s in states(semester)] == [6, 8]
    walk(semester)
    assert semester.state == Run.State.FINISHED


def test_the_year_needs_both_semesters_and_runs_the_annual_steps(sop000):
    for period in ("2025-TW1", "2025-TW2", "2025-S1", "2025-TW3", "2025-TW4"):
        walk(start(sop000, period))
    with pytest.raises(WorkflowRefused, match="Semester II 2025"):
        start(sop000, "2025")
    walk(start(sop000, "2025-S2"))
    year = start(sop000, "2025")
    assert [n for n, _a, _s in states(year)] == [7, 9]
    walk(year)
    assert Run.objects.filter(sop=sop000.sop, state=Run.State.FINISHED).count() == 7


def test_a_returned_step_is_active_again_and_keeps_its_history(sop000):
    from django_fsm_log.models import StateLog

    from workflow.runs.services import run_step_send_back, run_step_submit

    run = start(sop000, "2025-TW3")
    complete_current(run)
    second = current(run)
    run_step_submit(run_step_id=second.pk, user=user("balangan.kasubbag"), output_note="Rekap TW III")
    run_step_send_back(run_step_id=second.pk, user=user("balangan.sekretaris"), note="Rekap seksi arsip belum ada")
    second.refresh_from_db()
    assert second.state == RunStep.State.ACTIVE and second.returned_count == 1
    logged = list(StateLog.objects.filter(object_id=second.pk, content_type__model="runstep").order_by("pk"))
    assert [(log.transition, log.by.username) for log in logged] == [
        ("activate", "balangan.kadis"),  # the disposisi comes from the approver of step 1
        ("submit", "balangan.kasubbag"),
        ("send_back", "balangan.sekretaris"),
    ]
    assert logged[-1].description == "Rekap seksi arsip belum ada"


def test_only_one_active_run_per_sop_and_period(sop000):
    start(sop000, "2025-TW4")
    with pytest.raises(WorkflowRefused, match="sudah memiliki pelaksanaan untuk Triwulan IV 2025"):
        start(sop000, "2025-TW4", who="balangan.kadis")
