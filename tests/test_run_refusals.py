"""Out of order, wrong person, finished or cancelled: every refusal is an exception with a reason."""

import datetime

import pytest

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import ActingAssignment, Employee, Position, Run, RunStep
from workflow.runs.services import (
    run_cancel,
    run_start,
    run_step_approve,
    run_step_send_back,
    run_step_submit,
)

from .conftest import user
from .workflow_helpers import complete_current, current, refused, step, walk


def test_a_later_step_cannot_be_submitted_before_its_turn(run):
    reason = refused(run_step_submit, run_step_id=step(run, 3).pk, user=user("balangan.staf"), output_note="Draft")
    assert reason == "Langkah 3 belum aktif: langkah-langkah sebelumnya harus disetujui lebih dulu."
    assert step(run, 3).state == RunStep.State.WAITING


def test_the_wrong_person_cannot_perform_a_step(run):
    reason = refused(run_step_submit, run_step_id=step(run, 1).pk, user=user("balangan.staf"), output_note="x")
    assert reason == (
        "Hanya Sekretaris (atau pejabat yang ditunjuk mewakili jabatan itu) yang dapat melaksanakan langkah ini."
    )


def test_an_employee_of_another_agency_cannot_act(run):
    reason = refused(
        run_step_submit, run_step_id=step(run, 1).pk, user=user("padangpanjang.sekretaris"), output_note="x"
    )
    assert "Hanya Sekretaris" in reason


def test_the_executor_cannot_approve_their_own_step(run):
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    reason = refused(run_step_approve, run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"))
    assert "Kepala Dinas Perpustakaan dan Kearsipan" in reason and "menyetujui" in reason


def test_a_step_cannot_be_approved_before_it_is_submitted(run):
    reason = refused(run_step_approve, run_step_id=step(run, 1).pk, user=user("balangan.kadis"))
    assert reason == "Langkah 1 belum disampaikan oleh pelaksananya."


def test_a_step_cannot_be_submitted_twice(run):
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    reason = refused(run_step_submit, run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="lagi")
    assert reason == "Langkah 1 sudah disampaikan dan menunggu persetujuan."


def test_a_return_needs_a_note(run):
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    reason = refused(run_step_send_back, run_step_id=step(run, 1).pk, user=user("balangan.kadis"), note="  ")
    assert "catatan" in reason
    assert step(run, 1).state == RunStep.State.SUBMITTED


def test_nothing_can_be_done_in_a_finished_run(run):
    walk(run)
    reason = refused(run_step_approve, run_step_id=step(run, 5).pk, user=user("balangan.kabid-perpustakaan"))
    assert reason == "Pelaksanaan SOP ini sudah selesai: tidak ada lagi yang dapat dilakukan."


def test_only_the_kepala_dinas_cancels_and_only_with_a_reason(run):
    assert "Hanya Kepala Dinas" in refused(run_cancel, run_id=run.pk, user=user("balangan.sekretaris"), reason="x")
    assert "Alasan pembatalan" in refused(run_cancel, run_id=run.pk, user=user("balangan.kadis"), reason="")
    run_cancel(run_id=run.pk, user=user("balangan.kadis"), reason="Data TW I akan dihimpun ulang")
    run.refresh_from_db()
    assert run.state == Run.State.CANCELLED
    reason = refused(run_step_submit, run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="x")
    assert reason == "Pelaksanaan SOP ini sudah dibatalkan: tidak ada lagi yang dapat dilakukan."


def test_a_cancelled_run_frees_its_period(sop000, run):
    run_cancel(run_id=run.pk, user=user("balangan.kadis"), reason="Salah periode")
    again = run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    assert again.pk != run.pk


def test_a_configured_position_may_also_cancel(balangan, run):
    balangan.run_canceller = Position.objects.get(agency=balangan, rank="sekretaris")
    balangan.save()
    run_cancel(run_id=run.pk, user=user("balangan.sekretaris"), reason="Dibatalkan Sekretaris")
    assert Run.objects.get(pk=run.pk).state == Run.State.CANCELLED


def test_staff_cannot_start_a_run(sop000):
    with pytest.raises(WorkflowRefused, match="tidak berwenang"):
        run_start(version=sop000, period=Period.parse("2025-TW2"), user=user("balangan.staf"))


def test_an_sop_without_semester_steps_cannot_run_a_semester(sop002):
    with pytest.raises(WorkflowRefused, match="tidak memiliki langkah"):
        run_start(version=sop002, period=Period.parse("2026-S1"), user=user("padangpanjang.kadis"))


def test_an_acting_official_performs_the_step_only_within_the_assignment(run, balangan):
    today = datetime.date.today()
    sekretaris = Position.objects.get(agency=balangan, rank="sekretaris")
    acting = Employee.objects.get(user__username="balangan.kasubbag-umum")
    assignment = ActingAssignment.objects.create(
        position=sekretaris,
        employee=acting,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=1),
    )
    assert "Hanya Sekretaris" in refused(
        run_step_submit, run_step_id=step(run, 1).pk, user=acting.user, output_note="Disposisi oleh Plh"
    )
    assignment.ends_on = today + datetime.timedelta(days=5)
    assignment.save()
    run_step_submit(run_step_id=step(run, 1).pk, user=acting.user, output_note="Disposisi oleh Plh Sekretaris")
    assert step(run, 1).submitted_by == acting.user


def test_an_acting_kepala_dinas_approves(run, balangan):
    today = datetime.date.today()
    head = Position.objects.get(agency=balangan, rank="kepala_dinas")
    plh = Employee.objects.get(user__username="balangan.kabid-arsip")
    day = datetime.timedelta(days=1)
    ActingAssignment.objects.create(position=head, employee=plh, starts_on=today - day, ends_on=today + day)
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    run_step_approve(run_step_id=step(run, 1).pk, user=plh.user, note="Plh Kepala Dinas")
    assert step(run, 1).approved_by == plh.user
    assert current(run).step.number == 2


def test_helpers_walk_a_run_by_its_rightful_people(run):
    complete_current(run)
    assert step(run, 1).approved_by.username == "balangan.kadis"
