"""Activating a step issues a disposisi; recipients are e-mailed after commit; reading is recorded."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from reports.documents.rendering import disposition_sheet
from sopkinerja.common.periods import Period
from workflow.runs.services import disposition_open, run_start, run_step_approve, run_step_send_back, run_step_submit

from .conftest import user

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def run_before_christmas(sop000, django_capture_on_commit_callbacks):
    """As `run`, but started at 15:50 on 23 December 2026 with its mail sent: its first deadline
    falls after cuti bersama, Natal and the weekend."""
    with django_capture_on_commit_callbacks(execute=True):
        return run_start(
            version=sop000,
            period=Period.parse("2025-TW1"),
            user=user("balangan.sekretaris"),
            now=datetime.datetime(2026, 12, 23, 15, 50, tzinfo=WITA),
        )


def test_the_first_disposisi_carries_the_step_and_its_deadline(run_before_christmas):
    disposition = run_before_christmas.steps.get(step__number=1).disposition
    assert disposition.from_user.username == "balangan.sekretaris"
    assert disposition.to_position.title == "Sekretaris"
    assert disposition.instruction.startswith("Mengumpulkan data laporan kinerja triwulan")
    assert disposition.requirements == "Rencana Aksi, PK"
    # 15 minutes from 15:50 on 23 Dec: 10 that day, 5 after cuti bersama, Natal and the weekend.
    assert disposition.due_at == datetime.datetime(2026, 12, 28, 7, 35, tzinfo=WITA)


def test_recipients_are_emailed_after_the_transaction_commits(run_before_christmas):
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["balangan.sekretaris@balangan.example.go.id"]
    assert mail.outbox[0].subject.startswith("Disposisi langkah 1: Mengumpulkan data")
    assert "28 Desember 2026" in mail.outbox[0].body


def test_the_approver_is_emailed_on_submission_and_the_executor_on_return(
    run_before_christmas, django_capture_on_commit_callbacks
):
    first = run_before_christmas.steps.get(step__number=1)
    with django_capture_on_commit_callbacks(execute=True):
        run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    assert mail.outbox[-1].to == ["balangan.kadis@balangan.example.go.id"]
    assert "menunggu persetujuan Anda" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        run_step_send_back(run_step_id=first.pk, user=user("balangan.kadis"), note="Lampirkan PK")
    assert mail.outbox[-1].to == ["balangan.sekretaris@balangan.example.go.id"]
    assert "Lampirkan PK" in mail.outbox[-1].body


def test_no_mail_leaves_when_the_transaction_rolls_back(sop000, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            run_start(version=sop000, period=Period.parse("2025-TW2"), user=user("balangan.sekretaris"))
            transaction.set_rollback(True)
    assert callbacks == []
    assert mail.outbox == []


def test_only_a_recipient_opening_it_records_the_read_receipt(run_before_christmas):
    disposition = run_before_christmas.steps.get(step__number=1).disposition
    disposition_open(disposition=disposition, user=user("balangan.kadis"))
    assert disposition.read_at is None
    disposition_open(disposition=disposition, user=user("balangan.sekretaris"))
    first_read = disposition.read_at
    assert first_read is not None and disposition.read_by.username == "balangan.sekretaris"
    disposition_open(disposition=disposition, user=user("balangan.sekretaris"))
    assert disposition.read_at == first_read


def test_opening_the_disposisi_page_marks_it_read(run_before_christmas, login):
    disposition = run_before_christmas.steps.get(step__number=1).disposition
    page = login("balangan.sekretaris").get(reverse("workflow:disposition", args=[disposition.pk]))
    assert "Lembar disposisi" in page.content.decode()
    disposition.refresh_from_db()
    assert disposition.read_at is not None


def test_the_first_disposisi_says_plainly_that_the_starter_gave_it_to_their_own_position(login, run_before_christmas):
    disposition = run_before_christmas.steps.get(step__number=1).disposition
    page = login("balangan.sekretaris").get(reverse("workflow:disposition", args=[disposition.pk])).content.decode()
    assert "Hj. NOOR AINAH, S.E., M.M. memulai pelaksanaan ini" in page
    assert "Sekretaris (jabatan sendiri)" in page
    sheet = disposition_sheet(disposition).html
    assert "memulai pelaksanaan ini" in sheet and "Sekretaris (jabatan sendiri)" in sheet


def test_a_disposisi_between_two_positions_names_both_plainly(login, run_before_christmas):
    first = run_before_christmas.steps.get(step__number=1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    run_step_approve(run_step_id=first.pk, user=user("balangan.kadis"))
    disposition = run_before_christmas.steps.get(step__number=2).disposition
    page = login("balangan.kasubbag").get(reverse("workflow:disposition", args=[disposition.pk])).content.decode()
    assert "jabatan sendiri" not in page and "memulai pelaksanaan ini" not in page
