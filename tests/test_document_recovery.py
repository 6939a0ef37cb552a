"""Document requests never stick: a killed worker is recovered, and a signature is made once."""

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.documents.services import document_request, document_request_sign, document_requests_recover
from reports.documents.signing import DEMO_PASSPHRASE, sha256
from reports.models import DocumentKind, DocumentRequest, SignedDocument
from workflow.models import Agency, Sop
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, user

DB_BACKEND = "django_tasks_db.DatabaseBackend"


def seeded() -> Agency:
    if not Agency.objects.exists():  # a transactional test empties the database after itself
        load_all(password=PASSWORD, today=TODAY)
    return Agency.objects.get(slug="balangan")


def ask_to_sign(agency) -> DocumentRequest:
    return document_request(
        agency=agency,
        kind=DocumentKind.SOP,
        user=user("balangan.kadis"),
        sop_version=Sop.objects.get(agency=agency).current_version(),
        sign=True,
    )


def pending_render(settings) -> DocumentRequest:
    """A request to sign whose render waits in the database queue, no worker having it yet."""
    agency = seeded()
    settings.TASKS = {"default": {"BACKEND": DB_BACKEND}}
    request = ask_to_sign(agency)
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.PENDING and request.task_id
    return request


def sign_twice_at_once(request) -> list:
    """Two POSTs of the same request at the same moment, each on its own connection."""
    request.refresh_from_db()
    digest, barrier, outcomes = sha256(bytes(request.pdf)), threading.Barrier(2), []

    def sign():
        try:
            barrier.wait()
            document = document_request_sign(
                request=request, user=user("balangan.kadis"), secret=DEMO_PASSPHRASE, sha256=digest
            )
            outcomes.append(document.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def worker(*args: str) -> subprocess.Popen:
    """A real `manage.py db_worker` on the test database."""
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": DB_BACKEND}
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"]
    return subprocess.Popen(
        [*command, *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=tempfile.TemporaryFile(),  # a file, not a pipe: a full pipe would block the worker
    )


def log(process: subprocess.Popen) -> str:
    process.stderr.seek(0)
    return process.stderr.read().decode()[-2000:]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signatures_of_one_request_make_one_document(settings):
    request = ask_to_sign(seeded())  # rendered at once (immediate backend)
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING
    outcomes = sign_twice_at_once(request)
    assert len(outcomes) == 2 and len(set(outcomes)) == 1
    assert SignedDocument.objects.count() == 1


@pytest.mark.skipif("DATABASE_URL" not in os.environ, reason="needs PostgreSQL (tests/with-postgres.sh)")
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_recovered_and_signing_then_makes_exactly_one_document(settings):
    request = pending_render(settings)
    first = worker()
    deadline = time.monotonic() + 60
    while DBTaskResult.objects.get(pk=request.task_id).status != TaskResultStatus.RUNNING:
        assert first.poll() is None and time.monotonic() < deadline, log(first)
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)  # mid-render: django-tasks-db leaves the task RUNNING for ever
    first.wait()
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.PENDING
    assert DBTaskResult.objects.get(pk=request.task_id).status == TaskResultStatus.RUNNING

    assert document_requests_recover(stale_after=0, now=timezone.now()) == {"requeued": 1, "failed": 0}
    assert DBTaskResult.objects.get(pk=request.task_id).status == TaskResultStatus.FAILED  # the dead task
    second = worker("--batch")
    assert second.wait(timeout=120) == 0, log(second)

    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING and request.attempts == 1
    assert len(set(sign_twice_at_once(request))) == 1
    assert SignedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_worker_never_comes_back_ends_failed_with_its_reason(settings):
    agency = seeded()
    settings.TASKS = {"default": {"BACKEND": DB_BACKEND}}
    settings.DOCUMENT_RENDER_ATTEMPTS = 1
    request = ask_to_sign(agency)
    assert document_requests_recover(stale_after=0) == {"requeued": 0, "failed": 1}
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.FAILED
    assert "Proses latar belakang berhenti" in request.error


@pytest.mark.django_db(transaction=True)
def test_a_pending_page_stops_refreshing_after_the_bound_and_says_what_to_do(client, settings):
    agency = seeded()
    settings.TASKS = {"default": {"BACKEND": DB_BACKEND}}
    request = ask_to_sign(agency)
    client.force_login(user("balangan.kadis"))
    page = client.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    DocumentRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=3))
    page = client.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "minta dokumen ini lagi" in page
