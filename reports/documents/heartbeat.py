"""A background worker says it is alive: a thread beside the task loop writes the time every few
seconds, so `/health/` can tell a live worker from a dead one even while a long render runs."""

import datetime
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from reports.models import WorkerHeartbeat


def beat(worker_id: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
    # Workers come and go (each start has a new id): forget those gone for a day.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()


def forget(worker_id: str) -> None:
    """The worker is known to be gone (its supervisor saw it exit): no longer count it as alive."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_workers(now: datetime.datetime | None = None) -> set[str]:
    """The ids of the workers that beat within WORKER_HEARTBEAT_STALE seconds."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE)
    return set(WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True))


def last_seen() -> datetime.datetime | None:
    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return latest


def worker_required() -> bool:
    """Only a queue in the database needs a worker; the immediate backend runs tasks in the request."""
    return any("django_tasks_db" in backend["BACKEND"] for backend in settings.TASKS.values())


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.WORKER_HEARTBEAT_INTERVAL
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:  # beat at once, then every interval until stopped
                close_old_connections()
                beat(self.worker_id)
                if self.stopped.wait(self.interval):
                    break
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 5)
