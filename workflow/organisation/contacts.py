"""A person's WhatsApp number and Telegram chat, and their notification preferences: the write paths.

A number receives its six-digit code and nothing else until the code came back; a Telegram chat is
linked when the bot receives `/start <token>` from the one-time deep link shown on the profile page.
"""

import datetime
import hmac
import logging
import secrets

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from workflow.models.contact import ContactPoint, NotificationPreference
from workflow.models.mail import Channel
from workflow.organisation import gateways
from workflow.organisation.events import EVENTS
from workflow.organisation.mail import message_queue
from workflow.organisation.selectors import own_agency

logger = logging.getLogger("sopkinerja.notifications")


def phone_e164(number: str) -> str:
    """0812-3456-7890, +62 812 3456 7890 and 62812… are one number: +6281234567890. Refuses what is
    not a valid number, with a message that shows how to write one."""
    try:
        parsed = phonenumbers.parse(number, "ID")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("That is not a valid phone number. Write it as 0812 3456 7890 or +62 812 3456 7890."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def code_hash(contact: ContactPoint, code: str) -> str:
    return salted_hmac(
        "sopkinerja.phone-code", f"{contact.pk}:{contact.address}:{code}", algorithm="sha256"
    ).hexdigest()


def phone_number_set(*, user, number: str, now=None) -> ContactPoint:
    """Keep the person's WhatsApp number (unverified) and send a verification code to it.

    Guarantees: the person's row is locked first; a number already verified stays verified when
    given again; a new code is sent at most once per PHONE_CODE_RESEND_SECONDS; until the code has
    come back no other message goes to the number (routing sends only to verified numbers).
    """
    now = now or timezone.now()
    address = phone_e164(number)
    agency = own_agency(user)
    if gateways.whatsapp(agency) is None:
        raise ValidationError(_("Your agency has not set up WhatsApp messages yet. Ask your administrator."))
    with transaction.atomic():
        contact, _created = ContactPoint.objects.select_for_update().get_or_create(
            user=user, kind=ContactPoint.Kind.WHATSAPP
        )
        if contact.address == address and contact.verified:
            return contact
        if (
            contact.address == address
            and contact.code_sent_at
            and (now - contact.code_sent_at).total_seconds() < settings.PHONE_CODE_RESEND_SECONDS
        ):
            raise ValidationError(_("A code was sent a moment ago. Wait a minute before asking for another."))
        code = f"{secrets.randbelow(10**6):06d}"
        contact.address, contact.verified_at = address, None
        contact.code_hash, contact.code_sent_at, contact.code_attempts = code_hash(contact, code), now, 0
        contact.save()
        text = _("Your SOP Kinerja verification code is %(code)s. It is valid for %(minutes)d minutes.") % {
            "code": code,
            "minutes": settings.PHONE_CODE_MINUTES,
        }
    # Sent after the commit of the row, under its own key: a second request sends a second code.
    message_queue(
        channel=Channel.WHATSAPP,
        recipient=address,
        subject=_("Verification code"),
        body=text,
        short_text=text,
        key=f"phone-code:{contact.pk}:{now.timestamp():.0f}",
        agency=agency,
        user=user,
        event="phone_code",
        now=now,
    )
    return contact


def phone_number_verify(*, user, code: str, now=None) -> ContactPoint:
    """Check the code sent to the person's number; verified when it matches.

    Guarantees: the row is locked while the guess is counted, and the count is saved even when the
    guess is wrong; after PHONE_CODE_ATTEMPTS guesses or PHONE_CODE_MINUTES the code is refused.
    """
    now = now or timezone.now()
    refusal = None
    with transaction.atomic():
        contact = ContactPoint.objects.select_for_update().filter(user=user, kind=ContactPoint.Kind.WHATSAPP).first()
        if contact is None or not contact.code_hash:
            raise ValidationError(_("Ask for a code first."))
        expired = now - contact.code_sent_at > datetime.timedelta(minutes=settings.PHONE_CODE_MINUTES)
        if contact.code_attempts >= settings.PHONE_CODE_ATTEMPTS:
            refusal = _("Too many wrong codes. Ask for a new code.")
        elif expired:
            refusal = _("The code has expired. Ask for a new code.")
        else:
            contact.code_attempts += 1
            if hmac.compare_digest(contact.code_hash, code_hash(contact, (code or "").strip())):
                contact.verified_at, contact.code_hash = now, ""
            else:
                refusal = _("That code is not right.")
            contact.save(update_fields=["code_attempts", "verified_at", "code_hash"])
    if refusal:
        raise ValidationError(refusal)
    return contact


def contact_point_remove(*, user, kind: str) -> bool:
    """Forget the person's number or unlink their Telegram chat: one click, nothing more goes there."""
    deleted, _detail = ContactPoint.objects.filter(user=user, kind=kind).delete()
    return bool(deleted)


def telegram_link_start(*, user, now=None) -> ContactPoint:
    """A fresh one-time token for the deep link t.me/<bot>?start=<token>; any older token stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        contact, _created = ContactPoint.objects.select_for_update().get_or_create(
            user=user, kind=ContactPoint.Kind.TELEGRAM
        )
        contact.link_token, contact.link_token_created_at = secrets.token_urlsafe(24), now
        contact.save(update_fields=["link_token", "link_token_created_at"])
    return contact


def telegram_deep_link(contact: ContactPoint) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={contact.link_token}"


def telegram_update_handle(*, update, now=None) -> bool:
    """Link the chat that sent `/start <token>` to the person who holds that token; True when linked.

    Guarantees: anything else (another command, a group chat, an unknown or expired token, a body
    that is not an update) is ignored and logged, never raised; a token links once.
    """
    now = now or timezone.now()
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict):
        return False
    chat, text = message.get("chat") or {}, message.get("text") or ""
    if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(text, str):
        return False
    command, _space, token = text.strip().partition(" ")
    if command != "/start" or not token:
        return False
    oldest = now - datetime.timedelta(hours=settings.TELEGRAM_LINK_HOURS)
    with transaction.atomic():
        contact = (
            ContactPoint.objects.select_for_update()
            .filter(kind=ContactPoint.Kind.TELEGRAM, link_token=token.strip(), link_token_created_at__gte=oldest)
            .select_related("user")
            .first()
        )
        if contact is None:
            logger.info("telegram: a /start with an unknown or expired token from chat %s", chat.get("id"))
            return False
        contact.address, contact.verified_at, contact.link_token = str(chat.get("id")), now, ""
        contact.save(update_fields=["address", "verified_at", "link_token"])
    text = _("Your Telegram is linked to SOP Kinerja. Unlink it on your profile page whenever you like.")
    message_queue(
        channel=Channel.TELEGRAM,
        recipient=contact.address,
        subject=_("Telegram linked"),
        body=text,
        short_text=text,
        key=f"telegram-linked:{contact.pk}:{now.timestamp():.0f}",
        user=contact.user,
        agency=own_agency(contact.user),
        event="telegram_linked",
        now=now,
    )
    return True


def telegram_updates_poll(*, offset: int | None = None, wait: int = 0) -> int | None:
    """One getUpdates round: handle each update; the offset for the next round (None: no bot)."""
    bot = gateways.telegram()
    if bot is None:
        return None
    for update in bot.updates(offset=offset, wait=wait):
        telegram_update_handle(update=update)
        offset = max(offset or 0, int(update.get("update_id", 0)) + 1)
    return offset


def preference_save(*, user, channels: dict[str, list[str]], quiet_start, quiet_end, digest: bool):
    """Keep the person's choices; unknown events and channels are dropped."""
    known = {choice.value for choice in Channel}
    chosen = {event: sorted(set(picked) & known) for event, picked in channels.items() if event in EVENTS}
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"channels": chosen, "quiet_start": quiet_start, "quiet_end": quiet_end, "digest": digest},
    )
    return preference
