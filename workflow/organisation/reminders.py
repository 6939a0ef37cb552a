"""Sending a reminder once: the one place that records it (workflow.models.reminder.SentReminder).

Every scheduled check (steps, figures, appointments, reports) asks `reminder_send` with the key of
what it found due; only the first asker sends, however many schedulers run at once.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction

from workflow.models.organisation import Agency
from workflow.models.reminder import SentReminder

log = logging.getLogger("sopkinerja.reminders")


def reminder_send(*, event: str, key: str, agency: Agency, now: datetime.datetime, send: Callable[[], int]) -> bool:
    """Send the reminder `key` once: True when this call sent it, False when it had been sent.

    Guarantees: the row that records the reminder is inserted first (unique key), and `send()`
    writes its messages to the outbox in the same transaction. Of two calls at once (two
    schedulers, two servers) the second waits for the first to commit, finds the key taken and sends
    nothing. When `send` raises, nothing is recorded and the next run tries again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a taken key leaves the outer transaction usable
                reminder = SentReminder.objects.create(agency=agency, event=event, key=key, sent_at=now)
        except IntegrityError:
            return False
        reminder.messages = min(send(), 32767)
        reminder.save(update_fields=["messages"])
    log.info("reminder %s sent: %d message(s)", key, reminder.messages)
    return True


def reminders_sent(keys: Iterable[str]) -> set[str]:
    """Which of these keys have been sent already (one query), so a run skips them without trying."""
    return set(SentReminder.objects.filter(key__in=list(keys)).values_list("key", flat=True))
