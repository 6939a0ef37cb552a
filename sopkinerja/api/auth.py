"""Who calls: the token in `Authorization: Bearer <prefix.secret>`, found in the database on every
request (a revoked token is refused at once). Cookies never authenticate the API, so it needs no
CSRF token. Before the token is looked at, a body over API_MAX_BODY_BYTES is refused unread (413);
after it, each token has its own rate limit (429)."""

from django.conf import settings
from ninja.security import HttpBearer

from sopkinerja.api.errors import RATE_LIMITED, TOO_LARGE, ApiError
from sopkinerja.common.rate_limit import over_limit
from workflow.organisation.tokens import api_token_find


def announced_length(request) -> int:
    """The body length the client announced (0 when none or unreadable as a number: then Django reads
    nothing either)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def by_token(_group, request) -> str:
    return f"api-token:{request.api_token.pk}"


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
        request.api_token = found
        if over_limit(request, group="api", rate=settings.API_RATE, key=by_token):
            raise ApiError(429, *RATE_LIMITED)
        return found
