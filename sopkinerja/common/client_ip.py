"""The client's address, for rate limits and login lockouts, also behind a reverse proxy."""

import ipaddress

from django.conf import settings

# In settings.TRUSTED_PROXIES, this word stands for gunicorn's unix socket: its REMOTE_ADDR is empty,
# and only a process on the host allowed to open the socket file (nginx) can connect.
UNIX_SOCKET = "unix"


def from_trusted_proxy(remote_addr: str) -> bool:
    """Whether the direct peer is one of settings.TRUSTED_PROXIES (addresses or networks)."""
    if not remote_addr:
        return UNIX_SOCKET in settings.TRUSTED_PROXIES
    try:
        peer = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    networks = (ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES if entry != UNIX_SOCKET)
    return any(peer in network for network in networks)


def client_ip(request) -> str:
    """settings.CLIENT_IP_HEADER when set and the request comes from a trusted proxy, else REMOTE_ADDR.

    The header is believed only from settings.TRUSTED_PROXIES: anyone who reaches gunicorn directly
    could write any address in it, and so spread failed sign-ins over made-up addresses. When the
    header holds a list (X-Forwarded-For), the last entry is the one the nearest proxy added;
    earlier entries come from the client and cannot be trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if settings.CLIENT_IP_HEADER and from_trusted_proxy(remote_addr):
        value = request.META.get(settings.CLIENT_IP_HEADER, "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return remote_addr
