"""The outbox's write paths: queue a message, deliver what is due, retry what failed, bundle digests.

A notification is first written to the outbox, one row per address and channel (e-mail, WhatsApp,
Telegram), under an idempotency key, then handed to the mail server or the chat gateway. When that
refuses or cannot be reached the failure is logged and the message waits for its next attempt
(`python manage.py send_queued_mail`, run every minute by cron or a systemd timer, or with --loop),
with a growing pause, until MAIL_MAX_ATTEMPTS; then it is marked failed and logged as an error. A
refusal that will not change (a wrong token, a number not on WhatsApp) fails at once, with the
provider's answer kept in `last_error`.
"""

import datetime
import logging
import uuid
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from workflow.models.mail import Channel, OutgoingMail
from workflow.organisation import gateways, routing
from workflow.organisation.events import EVENTS

logger = logging.getLogger("sopkinerja.mail")


def one_line(subject: str, limit: int = 200) -> str:
    """Mail headers cannot hold line breaks: collapse all whitespace, and keep the subject short."""
    text = " ".join(str(subject).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def message_queue(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    key: str,
    agency=None,
    user=None,
    event: str = "",
    short_text: str = "",
    link: str = "",
    now=None,
    deliver_at=None,
    collect: bool = False,
) -> tuple[OutgoingMail, bool]:
    """Keep one message for one address in the outbox, once per key; (the row, whether it is new).

    Guarantees: the unique key is taken first, so a second call with the same key (a retried task,
    a race of fifty threads) adds nothing, sends nothing and returns the row that exists. A new
    message that is due (no `deliver_at` in the future, not collected for a digest) is tried at once;
    a failure of that try is kept for the next run of the sender, never raised.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            message = OutgoingMail.objects.create(
                agency=agency,
                user=user,
                channel=channel,
                recipient=recipient,
                key=key[:200],
                event=event,
                subject=one_line(subject),
                body=body,
                short_text=short_text,
                link=link[:500],
                created_at=now,
                next_attempt_at=max(deliver_at or now, now),
                status=OutgoingMail.Status.COLLECTED if collect else OutgoingMail.Status.QUEUED,
            )
    except IntegrityError:
        return OutgoingMail.objects.get(key=key[:200]), False
    if message.status == OutgoingMail.Status.QUEUED and message.next_attempt_at <= now:
        mail_deliver(mail_id=message.pk, now=now)
        message.refresh_from_db()
    return message, True


def mail_queue(*, subject: str, body: str, recipients: list[str], agency=None, now=None, key: str | None = None):
    """E-mail to these addresses, one outbox row each, tried at once; the first address's row, or
    None when nobody has an address. Without a key every call is a new message."""
    addresses = sorted({address for address in recipients if address})
    key = key or uuid.uuid4().hex
    first = None
    for address in addresses:
        message, _created = message_queue(
            channel=Channel.EMAIL,
            recipient=address,
            subject=subject,
            body=body,
            key=f"{key}:{address}",
            agency=agency,
            now=now,
        )
        first = first or message
    return first


def _pause(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _send(message: OutgoingMail) -> gateways.Answer:
    if message.channel == Channel.EMAIL:
        try:
            EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient]).send()
        except Exception as problem:  # any failure of the mail server or the network
            return gateways.Answer(gateways.Outcome.RETRY, f"{type(problem).__name__}: {problem}")
        return gateways.Answer(gateways.Outcome.SENT)
    gateway = gateways.gateway_for(message.channel, message.agency)
    if gateway is None:
        return gateways.Answer(gateways.Outcome.FAILED, f"no {message.channel} gateway is configured")
    message.provider = gateway.name
    return gateway.send(address=message.recipient, text=message.text, subject=message.subject, link=message.link)


# Events whose text is a secret for its recipient alone: kept only until it has been handed over.
SECRET_EVENTS = {"phone_code"}


def _forget_secret(mail: OutgoingMail) -> None:
    """A verification code stays in the outbox only while it waits to be sent, never for admins to read."""
    if mail.event in SECRET_EVENTS:
        mail.body = mail.short_text = gettext("(a verification code: not kept once it was sent)")


def mail_deliver(*, mail_id: int, now=None) -> bool:
    """One attempt at one queued message; True when the server or gateway accepted it.

    The row is locked while it is sent, so two workers never send the same message twice.
    A failure never raises: it is logged, counted and scheduled again, or marked failed for good
    with the provider's answer when trying again cannot help.
    """
    now = now or timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.status != OutgoingMail.Status.QUEUED:
            return False
        mail.attempts += 1
        answer = _send(mail)
        fields = ["attempts", "last_error", "status", "next_attempt_at", "provider", "failed_at", "sent_at"]
        fields += ["body", "short_text"]
        if answer.outcome == gateways.Outcome.SENT:
            mail.status, mail.sent_at, mail.last_error = OutgoingMail.Status.SENT, now, ""
            _forget_secret(mail)
            mail.save(update_fields=fields)
            return True
        mail.last_error = answer.detail[:2000]
        if answer.outcome == gateways.Outcome.FAILED:
            mail.status, mail.failed_at = OutgoingMail.Status.FAILED, now
            logger.error("mail %d failed for good (%s): %s", mail.pk, mail.channel, mail.last_error)
        elif mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
            mail.status, mail.failed_at = OutgoingMail.Status.FAILED, now
            logger.error("mail %d failed for good after %d attempts: %s", mail.pk, mail.attempts, mail.last_error)
        if mail.status == OutgoingMail.Status.FAILED:
            _forget_secret(mail)
        else:
            pause = _pause(mail.attempts)
            if answer.retry_after is not None:
                pause = max(pause, datetime.timedelta(seconds=answer.retry_after))
            mail.next_attempt_at = now + pause
            logger.warning(
                "mail %d not sent (attempt %d), next at %s: %s",
                mail.pk,
                mail.attempts,
                mail.next_attempt_at.isoformat(),
                mail.last_error,
            )
        mail.save(update_fields=fields)
        return False


def mail_deliver_due(*, now=None) -> tuple[int, int]:
    """Bundle the digests that are due, then try every message whose next attempt has come;
    returns (sent, still waiting or failed)."""
    now = now or timezone.now()
    digest_compose(now=now)
    sent = failed = 0
    for mail_id in OutgoingMail.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True):
        if mail_deliver(mail_id=mail_id, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def digest_cutoff(now: datetime.datetime, zone) -> datetime.datetime:
    """The latest digest moment (NOTIFY_DIGEST_HOUR in the agency's zone) at or before `now`."""
    local = now.astimezone(zone)
    moment = local.replace(hour=settings.NOTIFY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return moment if moment <= local else moment - datetime.timedelta(days=1)


def digest_compose(*, now=None) -> int:
    """Bundle each person's collected messages per channel into one message, once a day at the
    digest hour; the number of digests queued.

    Guarantees: the collected rows are locked (skip locked) and marked as carried by their digest in
    the same transaction, under a key made of the person, channel, day and last message, so two
    senders running at once bundle each message once.
    """
    now = now or timezone.now()
    collected = (
        OutgoingMail.objects.filter(status=OutgoingMail.Status.COLLECTED)
        .select_related("agency")
        .order_by("user_id", "channel", "recipient", "pk")
    )
    composed = 0
    for (user_id, channel, recipient), rows in groupby(collected, key=lambda m: (m.user_id, m.channel, m.recipient)):
        rows = list(rows)
        agency = rows[-1].agency
        cutoff = digest_cutoff(now, agency.zone if agency else timezone.get_default_timezone())
        with transaction.atomic():
            parts = list(
                OutgoingMail.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[row.pk for row in rows], status=OutgoingMail.Status.COLLECTED, created_at__lt=cutoff)
                .order_by("created_at", "pk")
            )
            if not parts:
                continue
            with translation.override("id"):
                subject = ngettext(
                    "SOP Kinerja daily digest: %(count)d notification",
                    "SOP Kinerja daily digest: %(count)d notifications",
                    len(parts),
                ) % {"count": len(parts)}
                lines = [f"- {part.subject}" + (f"\n  {part.link}" if part.link else "") for part in parts]
                short = "\n".join([subject, *lines])
                body = "\n\n".join([subject, *(f"{part.subject}\n\n{part.body}" for part in parts)])
            digest, created = message_queue(
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                short_text=short,
                key=f"digest:{user_id}:{channel}:{cutoff.date().isoformat()}:{parts[-1].pk}",
                agency=agency,
                user=parts[-1].user,
                event="digest",
                now=now,
                deliver_at=now + datetime.timedelta(days=365),  # queued below, once the parts are marked
            )
            OutgoingMail.objects.filter(pk__in=[part.pk for part in parts]).update(
                status=OutgoingMail.Status.DIGESTED, digest=digest
            )
            OutgoingMail.objects.filter(pk=digest.pk).update(next_attempt_at=now)
            composed += created
    return composed


def link_in(body: str) -> str:
    """The first line of a rendered message that is a link into the site: the page it is about."""
    for line in body.splitlines():
        line = line.strip()
        if line.startswith(settings.SITE_URL + "/"):
            return line.split()[0]
    return ""


# The moments of an action on the objects a message is about: a step submitted again after a return,
# figures handed in again, a draft submitted for signature again each make a new message.
ACTION_MOMENTS = ("issued_at", "activated_at", "submitted_at", "returned_at", "awaiting_signature_since", "created_at")


def thing_key(thing) -> str:
    """A model instance in a key: its model and primary key ("workflow.runstep:7")."""
    return f"{thing._meta.label_lower}:{thing.pk}"


def key_start(event: str, thing) -> str:
    """How every default key of `event` about this one object begins ("step_returned:workflow.runstep:7:"),
    whatever the moments of its actions: the outbox rows about it are found by it."""
    return f"{event}:{thing_key(thing)}:"


def default_key(event: str, context: dict) -> str:
    """event + the objects the message is about (model and primary key, with the moments of their
    last actions), so the same event about the same action is queued once."""
    parts = [event]
    for name in sorted(context):
        value = context[name]
        meta = getattr(value, "_meta", None)
        if meta is None or getattr(value, "pk", None) is None:
            continue
        parts.append(thing_key(value))
        for stamp in ACTION_MOMENTS:
            moment = getattr(value, stamp, None)
            if isinstance(moment, datetime.datetime):
                parts.append(f"{moment.timestamp():.0f}")
    return ":".join(parts)


def notify(
    subject: str,
    template: str,
    context: dict,
    users,
    agency,
    *,
    event: str,
    key: str | None = None,
    link: str | None = None,
    now=None,
) -> int:
    """Queue the message for each person on each channel they want and have verified; the number of
    messages queued (rows new to the outbox).

    Guarantees: one row per person and channel under `key` (default: the event and the objects of
    the context), so a task run twice queues nothing more. E-mail is tried at once; WhatsApp and
    Telegram wait for the end of the person's quiet hours (in the agency's time zone); a person who
    chose the digest gets everything in the next day's digest.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}: add it to workflow.organisation.events")
    now = now or timezone.now()
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    link = link if link is not None else link_in(body)
    short_text = "\n".join(part for part in (one_line(subject), link) if part)
    key = key or default_key(event, context)
    zone = agency.zone if agency else timezone.get_default_timezone()
    queued = 0
    for user in {user.pk: user for user in users}.values():
        preference = routing.preference_of(user)
        quiet_until = preference.quiet_until(now.astimezone(zone))
        for channel, address in routing.routes(user=user, agency=agency, event=event, preference=preference):
            _message, created = message_queue(
                channel=channel,
                recipient=address,
                subject=subject,
                body=body,
                short_text=short_text,
                link=link,
                key=f"{key}:{user.pk}:{channel}",
                agency=agency,
                user=user,
                event=event,
                now=now,
                deliver_at=quiet_until if channel != Channel.EMAIL else None,
                collect=preference.digest,
            )
            queued += created
    return queued


def outbox_backlog(*, now=None) -> dict:
    """For /health/: queued messages more than OUTBOX_BACKLOG_MINUTES late, and failures of the last day."""
    now = now or timezone.now()
    late = OutgoingMail.objects.overdue(now, settings.OUTBOX_BACKLOG_MINUTES).count()
    failed = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.FAILED, failed_at__gte=now - datetime.timedelta(days=1)
    ).count()
    return {"late": late, "late_minutes": settings.OUTBOX_BACKLOG_MINUTES, "failed_last_day": failed}
