"""The outbox: every notification is kept until its channel (the mail server, a WhatsApp gateway,
Telegram's Bot API) has accepted it. One row is one message to one address on one channel."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now):
        """Queued messages whose next attempt has come."""
        return self.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)

    def overdue(self, now, minutes: int):
        """Queued messages whose attempt should have happened more than `minutes` ago: a sender that
        does not run, or a gateway that keeps refusing."""
        return self.due(now - datetime.timedelta(minutes=minutes))


class OutgoingMail(models.Model):
    """One message to one address on one channel. A failed attempt is logged and tried again later,
    never lost; the idempotency key makes a second queueing of the same message a no-op."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")
        COLLECTED = "collected", _("Collected for the daily digest")
        DIGESTED = "digested", _("Sent in a digest")

    agency = models.ForeignKey(
        "workflow.Agency", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(_("address"), max_length=254)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    short_text = models.TextField(_("short text"), blank=True, help_text=_("What WhatsApp and Telegram receive."))
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    last_error = models.TextField(_("provider's answer"), blank=True)
    digest = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="parts", verbose_name=_("sent in digest")
    )

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="mail_queued_due"),
            models.Index(fields=["user", "channel"], condition=Q(status="collected"), name="mail_collected"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def text(self) -> str:
        """What a chat channel receives: the short text, else the subject and the link."""
        return self.short_text or "\n".join(part for part in (self.subject, self.link) if part)
