"""`/health/` for a load balancer or a monitor: JSON, 200 when healthy, 503 when not.

It checks that the database answers and, where tasks go through the database queue, that a
background worker has been seen within WORKER_HEARTBEAT_STALE seconds, and names the outbox's
backlog: queued messages more than OUTBOX_BACKLOG_MINUTES late (the sender is not running, or a
gateway keeps refusing: unhealthy) and the messages that failed for good in the last day
(reported). `?scope=web` checks only the database, for a load balancer that should keep a web
server in rotation while the worker is down.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports.documents.heartbeat import last_seen, worker_required
from workflow.organisation.mail import outbox_backlog


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _worker(now) -> dict:

    if not worker_required():
        return {"required": False, "ok": True, "last_seen": None}
    try:
        seen = last_seen()
    except DatabaseError:
        seen = None
    fresh = seen is not None and (now - seen).total_seconds() <= settings.WORKER_HEARTBEAT_STALE
    return {"required": True, "ok": fresh, "last_seen": seen.isoformat() if seen else None}


def _outbox(now) -> dict:
    try:
        backlog = outbox_backlog(now=now)
    except DatabaseError:
        return {"ok": False}
    return {"ok": backlog["late"] == 0, **backlog}


@never_cache
@require_safe
def health(request):
    now = timezone.now()
    database = _database()
    checks = {"database": {"ok": database}}
    if request.GET.get("scope") != "web":
        checks["worker"] = _worker(now) if database else {"ok": False, "last_seen": None}
        checks["outbox"] = _outbox(now) if database else {"ok": False}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "fail", "checks": checks, "time": now.isoformat()}
    return JsonResponse(body, status=200 if healthy else 503)
