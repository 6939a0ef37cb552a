"""Runs follow the SOP's graph: forward jumps mark skipped steps, a three-way decision picks its exit,
a loop adds new attempts, and reaching either end finishes the run."""

import datetime

import pytest
from django.utils import translation
from django_fsm_log.models import StateLog

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from tests.conftest import user
from tests.sample_sops import permohonan_sop
from tests.workflow_helpers import complete_current, current, states
from workflow.models import Run, RunStep
from workflow.runs.services import run_start, run_step_submit

NOW = datetime.datetime(2026, 11, 2, 1, 0, tzinfo=datetime.UTC)  # Monday 09:00 WITA


@pytest.fixture
def permohonan_run(balangan):
    """A run of the archive-request SOP: a forward jump, a three-way decision and two ends."""
    version = permohonan_sop(balangan)
    return run_start(version=version, period=Period.parse("2026-TW4"), user=user("balangan.kadis"), now=NOW)


def test_the_approved_path_ends_at_its_own_end_and_the_other_end_is_skipped(permohonan_run):
    for answer in ["", "", "Lengkap", "", "Disetujui", "", "", ""]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    permohonan_run.refresh_from_db()
    assert permohonan_run.state == Run.State.FINISHED
    assert states(permohonan_run) == [(n, 1, "approved") for n in range(1, 9)] + [(9, 1, "skipped")]


def test_an_incomplete_file_jumps_forward_to_the_return_end_and_marks_the_steps_between_skipped(permohonan_run):
    complete_current(permohonan_run, now=NOW)
    complete_current(permohonan_run, now=NOW)
    complete_current(permohonan_run, answer="Tidak lengkap", now=NOW)
    assert current(permohonan_run).step.number == 9
    assert states(permohonan_run) == [(1, 1, "approved"), (2, 1, "approved"), (3, 1, "approved")] + [
        (n, 1, "skipped") for n in range(4, 9)
    ] + [(9, 1, "active")]
    complete_current(permohonan_run, now=NOW)
    permohonan_run.refresh_from_db()
    assert permohonan_run.state == Run.State.FINISHED


def test_the_history_says_why_a_step_was_skipped(permohonan_run):
    for answer in ["", "", "Tidak lengkap"]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    skipped = permohonan_run.steps.get(step__number=5)
    log = StateLog.objects.for_(skipped).get(transition="skip")
    with translation.override("id"):
        assert log.description == "Dilewati: langkah 3 berlanjut ke langkah 9 (Tidak lengkap)."


def test_a_three_way_decision_can_send_the_file_back_for_a_new_round_keeping_the_old_attempts(permohonan_run):
    for answer in ["", "", "Lengkap", "", "Didisposisikan"]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    assert current(permohonan_run).step.number == 2 and current(permohonan_run).attempt == 2
    for answer in ["", "Lengkap", "", "Ditolak"]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    complete_current(permohonan_run, now=NOW)  # the return end
    permohonan_run.refresh_from_db()
    assert permohonan_run.state == Run.State.FINISHED
    assert [s for s in states(permohonan_run) if s[2] != "skipped"] == [
        (1, 1, "approved"),
        (2, 1, "approved"),
        (3, 1, "approved"),
        (4, 1, "approved"),
        (5, 1, "approved"),
        (2, 2, "approved"),
        (3, 2, "approved"),
        (4, 2, "approved"),
        (5, 2, "approved"),
        (9, 1, "approved"),
    ]
    assert sorted(s[0] for s in states(permohonan_run) if s[2] == "skipped") == [6, 7, 8]


def test_a_decision_is_answered_only_with_one_of_its_labels(permohonan_run):
    complete_current(permohonan_run, now=NOW)
    complete_current(permohonan_run, now=NOW)
    decision = current(permohonan_run)
    with translation.override("id"), pytest.raises(WorkflowRefused, match="salah satu jalur keluarnya"):
        run_step_submit(run_step_id=decision.pk, user=user("balangan.staf"), output_note="Diperiksa", answer="Ya")
    run_step_submit(run_step_id=decision.pk, user=user("balangan.staf"), output_note="Diperiksa", answer="lengkap")
    decision.refresh_from_db()
    assert decision.answer == "Lengkap" and decision.state == RunStep.State.SUBMITTED


def test_steps_by_an_outside_party_or_a_system_are_recorded_by_the_position_that_receives_them(permohonan_run):
    first = current(permohonan_run)
    assert first.step.executor.position.title == "Staf Penyusun Evaluasi Kinerja"
    assert first.disposition.to_position == first.step.executor.position


def test_seketika_and_menyesuaikan_steps_have_no_deadline_and_are_never_overdue(permohonan_run):
    first = current(permohonan_run)
    assert first.due_at is None and not first.is_overdue(NOW + datetime.timedelta(days=30))
    for answer in ["", "", "Lengkap", "", "Disetujui", ""]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    menyesuaikan = current(permohonan_run)
    assert menyesuaikan.step.number == 7 and menyesuaikan.due_at is None and menyesuaikan.standard_minutes == 0


def test_a_week_of_mutu_baku_is_due_five_working_days_later(permohonan_run):
    for answer in ["", "", "Lengkap"]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    week = current(permohonan_run)
    assert week.step.number == 4
    assert week.due_at == datetime.datetime(2026, 11, 9, 1, 0, tzinfo=datetime.UTC)


def test_the_run_page_shows_skipped_steps_and_durations_in_the_sops_own_units(permohonan_run, client):
    for answer in ["", "", "Tidak lengkap"]:
        complete_current(permohonan_run, answer=answer, now=NOW)
    client.force_login(user("balangan.kadis"))
    page = client.get(f"/runs/{permohonan_run.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert page.count("Dilewati") >= 5
    assert "1 minggu" in page and "2 hari" in page and "menyesuaikan" in page
