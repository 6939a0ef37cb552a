"""`manage.py worker` (what `make serve` and the systemd unit run) keeps a db_worker alive: a child
killed with SIGKILL is started again, with a heartbeat of its own, and what it was rendering is
queued again at once and rendered by the new child."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import DocumentRequest, WorkerHeartbeat

from .test_document_recovery import DB_BACKEND, pending_render

STARTED = re.compile(r"db_worker started: pid (\d+), worker id (\S+)")


class Supervisor:
    """`manage.py worker` on the test database; the children it announces, in order."""

    def __init__(self):
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
        env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": DB_BACKEND, "WORKER_RESTART_DELAY": "0.2"}
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1"],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.children, self.lines = queue.Queue(), []
        threading.Thread(target=self.read, daemon=True).start()  # a full pipe would block the worker

    def read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            if started := STARTED.search(line):
                self.children.put((int(started[1]), started[2]))

    def next_child(self) -> tuple[int, str]:
        try:
            return self.children.get(timeout=120)
        except queue.Empty:
            raise AssertionError("no db_worker started:\n" + "".join(self.lines[-40:])) from None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def wait_for(condition, supervisor: Supervisor, what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert supervisor.process.poll() is None, "the supervisor exited:\n" + "".join(supervisor.lines[-40:])
        assert time.monotonic() < deadline, f"{what} never happened:\n" + "".join(supervisor.lines[-40:])
        time.sleep(0.02)


@pytest.mark.skipif("DATABASE_URL" not in os.environ, reason="needs PostgreSQL (tests/with-postgres.sh)")
@pytest.mark.django_db(transaction=True)
def test_a_db_worker_killed_mid_render_is_restarted_and_its_request_is_rendered_by_the_new_one(settings):
    request = pending_render(settings)
    supervisor = Supervisor()
    try:
        first_pid, first_id = supervisor.next_child()
        wait_for(
            lambda: DBTaskResult.objects.get(pk=request.task_id).status == TaskResultStatus.RUNNING,
            supervisor,
            "the first db_worker claiming the render",
        )
        assert DBTaskResult.objects.get(pk=request.task_id).worker_ids == [first_id]
        os.kill(first_pid, signal.SIGKILL)  # mid-render: django-tasks-db leaves the task RUNNING for ever

        second_pid, second_id = supervisor.next_child()
        assert second_pid != first_pid and second_id != first_id
        wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id=second_id).exists(), supervisor, "a new heartbeat")
        assert not WorkerHeartbeat.objects.filter(worker_id=first_id).exists()
        wait_for(
            lambda: DocumentRequest.objects.get(pk=request.pk).status != DocumentRequest.Status.PENDING,
            supervisor,
            "the request leaving pending",
        )
        request.refresh_from_db()
        assert request.status == DocumentRequest.Status.AWAITING and request.attempts == 1
        rendered = DBTaskResult.objects.get(pk=request.task_id)  # the request's new task
        assert rendered.worker_ids == [second_id] and rendered.status == TaskResultStatus.SUCCESSFUL
    finally:
        supervisor.stop()
    assert supervisor.process.returncode == 0
