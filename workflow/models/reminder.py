"""The reminders already sent: one row per reminder, so that none is sent twice.

A reminder is recorded under its key (the event and what it is about: `step_overdue:run_step=12`,
`figures_due:unit=4:2026-TW3`) in the same transaction that writes its messages to the outbox. The
key is unique: of two schedulers that find the same reminder due at once, the second one's insert
waits for the first to commit and then fails, so it sends nothing.

It sits in the organisation layer beside the outbox, not with the runs, because reminders of every
layer use it: the steps (runs), the units' figures (performance data), the Plh/Plt appointments
(organisation) and the reports waiting for a signature (documents).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Agency


class SentReminder(models.Model):
    """A reminder (or a notice sent by the scheduler) that has gone out, and when."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+", verbose_name=_("agency"))
    event = models.CharField(_("event"), max_length=32)
    key = models.CharField(_("key"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    messages = models.PositiveSmallIntegerField(_("messages queued"), default=0)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
