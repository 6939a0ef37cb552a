"""Two supervisors approve the same step at the same instant: exactly one approval wins."""

import datetime
import threading

import pytest
from django.db import connection

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import ActingAssignment, Agency, Disposition, Employee, Position, RunStep, SopVersion
from workflow.runs.services import run_start, run_step_approve, run_step_submit
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, user


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_make_one_approval_and_one_next_disposisi():
    if not Agency.objects.exists():  # an earlier transactional test emptied the database
        load_all(password=PASSWORD, today=TODAY)
    version = SopVersion.objects.get(sop__agency__slug="balangan")
    # The Kepala Dinas and a Plh Kepala Dinas: two people entitled to approve the same step.
    head = Position.objects.get(agency__slug="balangan", rank="kepala_dinas")
    plh = Employee.objects.get(user__username="balangan.kabid-arsip")
    today = datetime.date.today()
    ActingAssignment.objects.create(
        position=head,
        employee=plh,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    run = run_start(version=version, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    first = run.steps.get(step__number=1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(username: str):
        try:
            approver = user(username)
            barrier.wait()
            run_step_approve(run_step_id=first.pk, user=approver, note=f"oleh {username}")
            outcomes.append("approved")
        except WorkflowRefused as refusal:
            outcomes.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(name,)) for name in ("balangan.kadis", "balangan.kabid-arsip")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Threads start without an active language, so they fall back to LANGUAGE_CODE: Indonesian.
    assert sorted(outcomes) == ["Langkah 1 sudah disetujui.", "approved"]
    assert RunStep.objects.filter(run=run, step__number=1, state=RunStep.State.APPROVED).count() == 1
    assert Disposition.objects.filter(run_step__run=run).count() == 2  # the first and exactly one next
    assert RunStep.objects.get(run=run, step__number=2).state == RunStep.State.ACTIVE
    from django_fsm_log.models import StateLog

    assert StateLog.objects.filter(object_id=first.pk, content_type__model="runstep", transition="approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_submissions_of_the_same_figure_make_one_realisation():
    from decimal import Decimal

    from reports.models import Indicator, Realisation
    from reports.performance.services import realisation_submit

    if not Agency.objects.exists():
        load_all(password=PASSWORD, today=TODAY)
    indicator = Indicator.objects.get(objective__agency__slug="balangan", name="Jumlah pengunjung perpustakaan")
    Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).delete()
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def submit(username: str, value: int):
        try:
            reporter = user(username)
            barrier.wait()
            realisation_submit(indicator=indicator, year=2026, quarter=4, value=Decimal(value), user=reporter)
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=("balangan.kasi-layanan", 12000)),
        threading.Thread(target=submit, args=("balangan.kabid-perpustakaan", 12100)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).count() == 1
