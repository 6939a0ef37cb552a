"""Read paths of the outbox for the person who caused a message: what became of the messages about
one thing (a disposisi, a returned step), per recipient and channel, in plain Indonesian.

The rows are found by their event and the start of their idempotency key (`mail.default_key` of the
thing, which every key of that event about that thing begins with), always within one agency: the
caller decides who may see them (the issuer, the approver, the agency's admins).
"""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from workflow.models.mail import Channel, OutgoingMail

# What a provider's answer (`OutgoingMail.last_error`, in the provider's own words, see gateways.py)
# means for the sender, checked in this order; the first words found decide.
REASONS = (
    (
        ("not on whatsapp", "not registered", "target invalid", "invalid target", "(131026)"),
        _("the number is not registered on WhatsApp"),
    ),
    (("blocked by the user",), _("the recipient blocked the Telegram bot")),
    (
        ("chat not found", "user is deactivated"),
        _("the Telegram chat was not found; the recipient should link Telegram again"),
    ),
    (("no whatsapp gateway", "no telegram gateway"), _("this channel is not set up; tell the administrator")),
    (
        ("invalid token", "token invalid", "unauthorized", "(190)", "oauth"),
        _("the gateway refused the application's credentials; tell the administrator"),
    ),
    (("(132001)", "template"), _("the WhatsApp message template is not approved; tell the administrator")),
    (("(131047)", "re-engagement"), _("WhatsApp allows only approved templates to this number now")),
    (("http 429", "too many", "rate limit"), _("too many messages at once; the gateway asked to wait")),
    (("disconnect", "not connected", "session"), _("the gateway's WhatsApp phone is not connected")),
    (("smtprecipientsrefused", "recipient address rejected"), _("the e-mail address was refused")),
    (("timeout", "connection", "http 5", "http 408", "bad gateway"), _("the sending server could not be reached")),
)


def plain_reason(answer: str) -> str:
    """The provider's answer as a short Indonesian reason a sender can act on."""
    text = answer.lower()
    for words, reason in REASONS:
        if any(word in text for word in words):
            return str(reason)
    return str(_("the provider refused the message"))


@dataclasses.dataclass(frozen=True)
class Delivery:
    """What became of one message: to whom, on which channel, and its state for the sender."""

    recipient: str
    channel: str
    channel_label: str
    state: str  # "sent", "waiting" or "failed": the badge's colour
    text: str  # "terkirim", "menunggu …", "gagal: nomor tidak terdaftar di WhatsApp"
    at: datetime.datetime | None


def delivery_of(message: OutgoingMail, now: datetime.datetime) -> Delivery:
    """One outbox row as the sender sees it; a message carried by a digest has the digest's state."""
    shown = message.digest if message.status == OutgoingMail.Status.DIGESTED and message.digest else message
    employee = getattr(message.user, "employee", None) if message.user else None
    recipient = employee.full_name if employee else (message.user.get_username() if message.user else "")
    if shown.status == OutgoingMail.Status.SENT:
        state, text, at = "sent", pgettext("delivery", "sent"), shown.sent_at
    elif shown.status == OutgoingMail.Status.FAILED:
        reason = plain_reason(shown.last_error)
        state, text, at = "failed", pgettext("delivery", "failed: %(reason)s") % {"reason": reason}, shown.failed_at
    elif shown.status == OutgoingMail.Status.COLLECTED:
        state, text, at = "waiting", pgettext("delivery", "waiting for the daily digest"), None
    elif shown.last_error:
        reason = plain_reason(shown.last_error)
        state, at = "waiting", shown.next_attempt_at
        text = pgettext("delivery", "waiting, tried again later: %(reason)s") % {"reason": reason}
    elif shown.next_attempt_at > now:
        state, text, at = "waiting", pgettext("delivery", "waiting for the end of quiet hours"), shown.next_attempt_at
    else:
        state, text, at = "waiting", pgettext("delivery", "waiting"), None
    return Delivery(
        recipient=recipient,
        channel=message.channel,
        channel_label=Channel(message.channel).label,
        state=state,
        text=text,
        at=at,
    )


CHANNEL_ORDER = {channel: index for index, channel in enumerate(Channel.values)}


def deliveries(*, agency, event: str, key_prefix: str, latest_only: bool = False, now=None) -> list[Delivery]:
    """The messages of `event` whose key starts with `key_prefix`, in `agency` only, by recipient and
    channel. With `latest_only`, only those of the newest action (a step returned twice: the second
    return's), told apart by their key without the trailing person and channel."""
    now = now or timezone.now()
    rows = list(
        OutgoingMail.objects.filter(agency=agency, event=event, key__startswith=key_prefix)
        .select_related("user__employee", "digest")
        .order_by("-created_at", "-pk")
    )
    if latest_only and rows:
        newest = rows[0].key.rsplit(":", 2)[0]
        rows = [row for row in rows if row.key.rsplit(":", 2)[0] == newest]
    found = [delivery_of(row, now) for row in rows]
    return sorted(found, key=lambda d: (d.recipient, CHANNEL_ORDER.get(d.channel, 99)))
