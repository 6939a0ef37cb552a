"""Every refusal of the API as JSON: {"code": a stable code, "message": an Indonesian sentence, ...}."""

from django.utils.translation import gettext_lazy as _


class ApiError(Exception):
    """A refusal with its HTTP status, stable code and message; `extra` adds fields (e.g. the rows)."""

    def __init__(self, status: int, code: str, message, **extra):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"code": self.code, "message": str(self.message), **self.extra}


def not_found(message=None) -> ApiError:
    return ApiError(404, "not_found", message or _("Not found, or not reachable with this token."))


def missing_scope(scope: str) -> ApiError:
    return ApiError(403, "missing_scope", _("This token lacks the scope %(scope)s.") % {"scope": scope}, scope=scope)


def forbidden(message) -> ApiError:
    return ApiError(403, "forbidden", message)


UNAUTHORIZED = ("unauthorized", _("A valid API token is needed: send it as Authorization: Bearer <token>."))
RATE_LIMITED = ("rate_limited", _("Too many requests with this token: wait a minute and try again."))
TOO_LARGE = ("body_too_large", _("The request body is larger than the API accepts."))
INVALID = ("invalid_request", _("The request is not valid."))
REFUSED = ("refused", _("Nothing was saved."))
