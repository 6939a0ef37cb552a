"""Rate limits on public forms (the verification page, a forgotten password), counted in the default cache."""

import logging

from django_ratelimit.core import is_ratelimited

from sopkinerja.common.client_ip import client_ip

logger = logging.getLogger("sopkinerja.common.rate_limit")


def by_client_address(_group, request) -> str:
    """The key that counts per visitor (behind a proxy: settings.CLIENT_IP_HEADER)."""
    return client_ip(request)


def over_limit(request, *, group: str, rate: str, key=by_client_address) -> bool:
    """Count this request in `group` and say whether it goes over `rate` (django-ratelimit syntax,
    "5/m"); `key(group, request)` says whose count it is. A cache that cannot count (its table
    never created) lets the request through, logged, rather than answering a 500."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
    except Exception:
        logger.exception("the rate limit %s cannot count; letting the request through", group)
        return False
