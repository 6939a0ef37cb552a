"""The outbox: every notification is kept until the mail server has accepted it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now):
        """Queued mail whose next attempt has come."""
        return self.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)


class OutgoingMail(models.Model):
    """One message to its recipients. A failed attempt is logged and tried again later, never lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    agency = models.ForeignKey(
        "workflow.Agency", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="mail_queued_due"),
        ]

    def __str__(self) -> str:
        return self.subject
