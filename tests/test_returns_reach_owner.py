"""A return reaches whoever must fix it: on their dashboard, marked Dikembalikan with who returned
it, when and the note, and by e-mail; handed-in figures reach their reviewer by e-mail."""

from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django_fsm_log.models import StateLog

from reports.performance.selectors import unit_indicators
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_return, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow.models import Unit
from workflow.runs.services import run_step_send_back, run_step_submit

from .conftest import user

TW4 = Period.parse("2026-TW4")
KASI = "balangan.kasi-layanan"
KABID = "balangan.kabid-perpustakaan"


@pytest.fixture
def layanan(balangan):
    return Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")


def hand_in(unit):
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=TW4, rows=rows, user=user(KASI))
    return unit_submission_submit(unit=unit, period=TW4, user=user(KASI))


def returned(unit, note="Lampirkan buku tamu Desember"):
    submission = hand_in(unit)
    return unit_submission_return(submission_id=submission.pk, user=user(KABID), note=note)


def shown(moment) -> str:
    """As the page prints it: in Balangan's zone (WITA)."""
    return formats.date_format(timezone.localtime(moment, ZoneInfo("Asia/Makassar")), "SHORT_DATETIME_FORMAT")


def test_returned_figures_wait_on_the_kepala_seksis_dashboard_with_who_when_and_the_note(login, layanan):
    submission = returned(layanan)
    page = login(KASI).get(reverse("workflow:home")).content.decode()
    assert reverse("reports:figures-unit", args=[str(TW4), layanan.pk]) in page
    assert "Data kinerja triwulan · Seksi Layanan dan Pembudayaan Gemar Membaca" in page
    assert '<span class="badge text-bg-danger">Dikembalikan</span>' in page
    assert f"oleh Drs. H. SYAHRIANI, {shown(submission.returned_at)}" in page
    assert "Lampirkan buku tamu Desember" in page
    assert 'Tugas saya <span class="badge text-bg-secondary" id="count-to-perform">1</span>' in page


def test_figures_sent_again_leave_the_owners_dashboard(login, layanan):
    returned(layanan)
    unit_submission_submit(unit=layanan, period=TW4, user=user(KASI))
    page = login(KASI).get(reverse("workflow:home")).content.decode()
    assert "Lampirkan buku tamu Desember" not in page and "Dikembalikan" not in page


def test_another_units_head_does_not_see_the_return(login, layanan):
    returned(layanan)
    page = login("balangan.kasi-arsip").get(reverse("workflow:home")).content.decode()
    assert "Lampirkan buku tamu Desember" not in page


def test_a_returned_step_is_marked_under_my_tasks_with_who_when_and_the_note(login, run):
    first = run.steps.get(step__number=1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    run_step_send_back(run_step_id=first.pk, user=user("balangan.kadis"), note="Lampirkan PK 2025")
    when = StateLog.objects.for_(first).get(transition="send_back").timestamp
    page = login("balangan.sekretaris").get(reverse("workflow:home")).content.decode()
    tasks = page.split('id="my-tasks"')[1].split('id="to-approve"')[0]
    assert '<span class="badge text-bg-danger">Dikembalikan</span>' in tasks
    assert "oleh H. RODY RAHMADY NOOR, S.Sos, MM.Pub" in tasks
    assert "Lampirkan PK 2025" in tasks and shown(when) in tasks


def test_the_reviewer_is_emailed_when_figures_are_handed_in(layanan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hand_in(layanan)
    [message] = mail.outbox
    assert message.to == ["balangan.kabid-perpustakaan@balangan.example.go.id"]
    assert "Seksi Layanan dan Pembudayaan Gemar Membaca" in message.subject and "Triwulan IV 2026" in message.subject
    assert reverse("reports:figures-unit", args=[str(TW4), layanan.pk]) in message.body


def test_the_units_people_are_emailed_when_figures_are_returned_with_the_note(
    layanan, django_capture_on_commit_callbacks
):
    submission = hand_in(layanan)
    with django_capture_on_commit_callbacks(execute=True):
        unit_submission_return(submission_id=submission.pk, user=user(KABID), note="Lampirkan buku tamu Desember")
    [message] = mail.outbox
    assert message.to == ["balangan.kasi-layanan@balangan.example.go.id"]
    assert "Dikembalikan" in message.subject
    assert "Lampirkan buku tamu Desember" in message.body and "Drs. H. SYAHRIANI" in message.body


def test_no_mail_leaves_when_handing_in_is_refused(layanan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        unit_submission_submit(unit=layanan, period=TW4, user=user(KASI))  # no figures yet
    assert mail.outbox == []
