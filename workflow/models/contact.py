"""Where a person can be reached besides e-mail, and what they want to hear about.

A WhatsApp number is stored in E.164 and receives nothing but its verification code until the code
has come back; a Telegram chat is learned from the bot's updates after the person opened a one-time
deep link. Preferences say which channels carry which event, the quiet hours (in the agency's time
zone) and whether messages are collected into a daily digest.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactPoint(models.Model):
    """A person's WhatsApp number or Telegram chat: at most one of each per person."""

    class Kind(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        TELEGRAM = "telegram", _("Telegram")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="contact_points", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    address = models.CharField(
        _("address"), max_length=32, blank=True, help_text=_("E.164 number (+62812…) or Telegram chat id.")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The number's verification code, kept as a keyed hash only, with its expiry and the guesses made.
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    # The Telegram deep link's one-time token; empty once the chat is linked.
    link_token = models.CharField(max_length=64, blank=True)
    link_token_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_contact_point_per_kind"),
            models.UniqueConstraint(
                fields=["link_token"], condition=~models.Q(link_token=""), name="unique_telegram_link_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.address}".strip()

    @property
    def verified(self) -> bool:
        return self.verified_at is not None and bool(self.address)


class NotificationPreference(models.Model):
    """Which channels carry which event, quiet hours and the digest; a person without a row gets the
    defaults: every event on every channel they have verified, quiet from 21:00 to 06:00, no digest."""

    DEFAULT_QUIET_START = datetime.time(21, 0)
    DEFAULT_QUIET_END = datetime.time(6, 0)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference", verbose_name=_("user")
    )
    # {"disposition_issued": ["email", "telegram"], ...}; an event missing here goes to every channel.
    channels = models.JSONField(_("channels per event"), default=dict, blank=True)
    quiet_start = models.TimeField(_("quiet hours start"), null=True, blank=True, default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("quiet hours end"), null=True, blank=True, default=DEFAULT_QUIET_END)
    digest = models.BooleanField(_("daily digest"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, event: str, channel: str) -> bool:
        chosen = self.channels.get(event)
        return chosen is None or channel in chosen

    def quiet_until(self, local: datetime.datetime) -> datetime.datetime | None:
        """The end of the quiet hours that `local` (an aware time in the agency's zone) falls in, or None."""
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return None
        clock = local.time()
        inside = start <= clock < end if start < end else clock >= start or clock < end
        if not inside:
            return None
        ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return ends if ends > local else ends + datetime.timedelta(days=1)
