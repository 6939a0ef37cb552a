"""The client's address, for rate limits and login lockouts, also behind a reverse proxy."""

from django.conf import settings


def client_ip(request) -> str:
    """settings.CLIENT_IP_HEADER when set (a header the proxy overwrites), else REMOTE_ADDR.

    When the header holds a list (X-Forwarded-For), the last entry is the one the nearest proxy
    added; earlier entries come from the client and cannot be trusted.
    """
    if settings.CLIENT_IP_HEADER:
        value = request.META.get(settings.CLIENT_IP_HEADER, "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "")
