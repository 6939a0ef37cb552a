"""Structured logs: every record carries the request id, the user and the agency of the request it
was written in, and each request ends with one line giving its method, path, status and duration.

The id comes from the proxy's X-Request-ID when it is a plain token (nginx: `proxy_set_header
X-Request-ID $request_id;`), else it is made here; the response carries it back, so a user's error
report and the server's log lines meet.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

logger = logging.getLogger("sopkinerja.request")

_context: ContextVar[dict | None] = ContextVar("sopkinerja_request_context", default=None)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextFilter(logging.Filter):
    """Adds request_id, user and agency to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or {}
        for field in ("request_id", "user", "agency"):
            if not hasattr(record, field):
                setattr(record, field, context.get(field) or "-")
        return True


def _request_id(request) -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if _TOKEN.match(offered) else uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        context = {"request_id": _request_id(request)}
        token = _context.set(context)
        try:
            response = self.get_response(request)
            self._who(request, context)
            response["X-Request-ID"] = context["request_id"]
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _context.reset(token)

    @staticmethod
    def _who(request, context: dict) -> None:
        """Who asked, as far as the request already knows it: no query is made for the log."""
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            context["user"] = user.get_username()
        agency = getattr(request, "agency", None)
        if agency is not None:
            context["agency"] = agency.slug


def note_user(request) -> None:
    """Called once the user and agency are known (AgencyTimeZoneMiddleware), so the view's own log
    records carry them too."""
    context = _context.get()
    if context is not None:
        RequestLogMiddleware._who(request, context)
