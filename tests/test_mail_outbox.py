"""E-mail goes through the outbox: single-line subjects, and a mail server that fails loses nothing.

The SMTP tests run Django's real SMTP backend against a local aiosmtpd server on a free port.
"""

import datetime
import logging

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from sopkinerja.common.periods import Period
from workflow.models import Disposition, OutgoingMail
from workflow.organisation.mail import mail_deliver_due, mail_queue, one_line
from workflow.runs import notifications
from workflow.runs.services import run_start

from .conftest import user
from .databases import free_port

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def test_line_breaks_in_a_subject_are_collapsed_to_one_line():
    assert one_line("Mengumpulkan data\nkinerja\r\n  triwulan") == "Mengumpulkan data kinerja triwulan"


def test_a_disposisi_whose_instruction_has_a_line_break_reaches_the_mail_server(
    sop000, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    disposition = Disposition.objects.get(run_step__run=run)
    disposition.instruction = "Mengumpulkan data\nkinerja triwulan"
    disposition.save(update_fields=["instruction"])
    notifications.disposition_issued.call(disposition.pk)
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["Subject"] == "Disposisi langkah 1: Mengumpulkan data kinerja triwulan"
    assert received["To"] == "balangan.sekretaris@balangan.example.go.id"
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_a_mail_the_server_cannot_take_is_logged_kept_and_sent_on_a_later_attempt(smtp_port, caplog):
    now = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    with caplog.at_level(logging.WARNING, logger="sopkinerja.mail"):
        mail = mail_queue(subject="Disposisi: uji", body="Isi", recipients=["kadis@example.go.id"], now=now)
    assert mail.status == OutgoingMail.Status.QUEUED and mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert f"mail {mail.pk} not sent (attempt 1)" in caplog.text

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert mail_deliver_due(now=now) == (0, 0)  # not due yet: the retry waits
        assert mail_deliver_due(now=now + datetime.timedelta(minutes=5)) == (1, 0)
    finally:
        controller.stop()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT and mail.attempts == 2
    assert [m["Subject"] for m in inbox.messages] == ["Disposisi: uji"]


def test_a_mail_that_keeps_failing_is_marked_failed_and_logged_as_an_error(smtp_port, settings, caplog):
    settings.MAIL_MAX_ATTEMPTS = 2
    now = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    mail = mail_queue(subject="Uji", body="Isi", recipients=["kadis@example.go.id"], now=now)
    with caplog.at_level(logging.ERROR, logger="sopkinerja.mail"):
        mail_deliver_due(now=now + datetime.timedelta(hours=1))
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED and mail.attempts == 2
    assert f"mail {mail.pk} failed for good after 2 attempts" in caplog.text


def test_a_sent_mail_is_never_sent_twice(smtp_server):
    mail = mail_queue(subject="Uji", body="Isi", recipients=["kadis@example.go.id"])
    assert mail_deliver_due(now=mail.created_at + datetime.timedelta(days=1)) == (0, 0)
    assert len(smtp_server.messages) == 1
