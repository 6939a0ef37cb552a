"""Who gets a message on which channel: a person's preferences, verified contact points and the
gateways their agency has. Reads only; the outbox (workflow.organisation.mail) writes."""

from django.conf import settings

from workflow.models.contact import ContactPoint, NotificationPreference
from workflow.models.mail import Channel
from workflow.organisation import gateways


def preference_of(user) -> NotificationPreference:
    """The person's preferences, or the defaults (unsaved) when they never chose."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def verified_addresses(user) -> dict[str, str]:
    """{"whatsapp": "+62812…", "telegram": "123456"} for the contact points that are verified."""
    return {point.kind: point.address for point in ContactPoint.objects.filter(user=user) if point.verified}


def available_channels(agency) -> list[str]:
    """The channels this installation and agency can send on: e-mail always, WhatsApp when the
    agency chose a configured gateway, Telegram when a bot token is set."""
    channels = [Channel.EMAIL.value]
    if gateways.whatsapp(agency) is not None:
        channels.append(Channel.WHATSAPP.value)
    if settings.TELEGRAM_BOT_TOKEN:
        channels.append(Channel.TELEGRAM.value)
    return channels


def routes(*, user, agency, event: str, preference: NotificationPreference | None = None) -> list[tuple[str, str]]:
    """[(channel, address)] for this person and event: each channel they want, have verified and
    the agency can send on. An unverified number gets nothing."""
    preference = preference or preference_of(user)
    addresses = verified_addresses(user)
    if user.email:
        addresses[Channel.EMAIL.value] = user.email
    return [
        (channel, addresses[channel])
        for channel in available_channels(agency)
        if channel in addresses and preference.wants(event, channel)
    ]
