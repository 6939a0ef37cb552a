"""Who calls: the token in `Authorization: Bearer <prefix.secret>`, found in the database on every
request (a revoked token is refused at once). Cookies never authenticate the API, so it needs no
CSRF token. Before the token is looked at, a body over API_MAX_BODY_BYTES is refused unread (413);
after it, each token has its own rate limit (429), counted on its row by the same single UPDATE
that notes its last use."""

from django.conf import settings
from ninja.security import HttpBearer

from sopkinerja.api.errors import RATE_LIMITED, TOO_LARGE, ApiError
from workflow.organisation.tokens import api_token_count, api_token_find


def announced_length(request) -> int:
    """The body length the client announced (0 when none or unreadable as a number: then Django reads
    nothing either)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate(setting: str) -> tuple[int, int]:
    """ "120/m" -> (120, 60): requests per window of seconds (django-ratelimit's syntax, "100/5m" too)."""
    count, _slash, period = setting.partition("/")
    multiple = int(period[:-1] or 1)
    return int(count), multiple * PERIODS[period[-1].lower()]


class TokenAuth(HttpBearer):
    def __call__(self, request):
        # Before anything is read: not even the token is looked up for a body this large.
        if announced_length(request) > settings.API_MAX_BODY_BYTES:
            raise ApiError(413, *TOO_LARGE, limit=settings.API_MAX_BODY_BYTES)
        return super().__call__(request)

    def authenticate(self, request, token):
        found = api_token_find(token)
        if found is None:
            return None
        limit, window = rate(settings.API_RATE)
        if api_token_count(found, window_seconds=window) > limit:
            raise ApiError(429, *RATE_LIMITED)
        return found
