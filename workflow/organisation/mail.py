"""The outbox's write paths: queue a message, deliver what is due, retry what failed.

A notification is first written to the outbox, then handed to the mail server. When the server
refuses or cannot be reached the failure is logged and the message waits for its next attempt
(`python manage.py send_queued_mail`, run every minute by cron or a systemd timer, or with --loop),
with a growing pause, until MAIL_MAX_ATTEMPTS; then it is marked failed and logged as an error.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from workflow.models.mail import OutgoingMail

logger = logging.getLogger("sopkinerja.mail")


def one_line(subject: str, limit: int = 200) -> str:
    """Mail headers cannot hold line breaks: collapse all whitespace, and keep the subject short."""
    text = " ".join(str(subject).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mail_queue(*, subject: str, body: str, recipients: list[str], agency=None, now=None) -> OutgoingMail | None:
    """Keep the message in the outbox and try to deliver it at once. None when nobody has an address."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return None
    now = now or timezone.now()
    mail = OutgoingMail.objects.create(
        agency=agency, recipients=addresses, subject=one_line(subject), body=body, created_at=now, next_attempt_at=now
    )
    mail_deliver(mail_id=mail.pk, now=now)
    mail.refresh_from_db()
    return mail


def _pause(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def mail_deliver(*, mail_id: int, now=None) -> bool:
    """One attempt at one queued message; True when the server accepted it.

    The row is locked while it is sent, so two workers never send the same message twice.
    A failure never raises: it is logged, counted and scheduled again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.status != OutgoingMail.Status.QUEUED:
            return False
        mail.attempts += 1
        try:
            EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, mail.recipients).send()
        except Exception as problem:  # any failure of the mail server or the network
            mail.last_error = f"{type(problem).__name__}: {problem}"[:2000]
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.status = OutgoingMail.Status.FAILED
                logger.error("mail %d failed for good after %d attempts: %s", mail.pk, mail.attempts, mail.last_error)
            else:
                mail.next_attempt_at = now + _pause(mail.attempts)
                logger.warning(
                    "mail %d not sent (attempt %d), next at %s: %s",
                    mail.pk,
                    mail.attempts,
                    mail.next_attempt_at.isoformat(),
                    mail.last_error,
                )
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        mail.status, mail.sent_at, mail.last_error = OutgoingMail.Status.SENT, now, ""
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def mail_deliver_due(*, now=None) -> tuple[int, int]:
    """Try every message whose next attempt has come; returns (sent, still waiting or failed)."""
    now = now or timezone.now()
    sent = failed = 0
    for mail_id in OutgoingMail.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True):
        if mail_deliver(mail_id=mail_id, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def notify(
    subject: str, template: str, context: dict, users, agency, *, event: str = "", key: str | None = None
) -> int:
    """Queue the message in the outbox (delivered at once, retried on failure); the number queued.

    `event` and `key` are the event name (figures_due, step_overdue, …) and the idempotency key used by the routing.
    """
    addresses = [user.email for user in users if user.email]
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    return 1 if mail_queue(subject=subject, body=body, recipients=addresses, agency=agency) else 0
