"""/health/ tells a load balancer or a monitor whether the database answers and, with the database
task queue, whether a background worker has been seen lately."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.documents.heartbeat import beat
from reports.models import WorkerHeartbeat

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_health_answers_json_without_a_login_when_tasks_run_in_the_request(client, db):
    response = client.get("/health/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"] == {"ok": True}
    assert body["checks"]["worker"]["required"] is False
    assert "no-cache" in response["Cache-Control"]


def test_with_the_database_queue_health_fails_until_a_worker_has_been_seen(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"required": True, "ok": False, "last_seen": None}
    beat("worker-1")
    assert client.get("/health/").status_code == 200


def test_a_worker_silent_longer_than_the_stale_bound_fails_health(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.WORKER_HEARTBEAT_STALE = 60
    beat("worker-1", now=timezone.now() - datetime.timedelta(seconds=61))
    body = client.get("/health/").json()
    assert body["status"] == "fail" and body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_seen"] is not None


def test_the_web_scope_checks_only_the_database(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/health/", {"scope": "web"})
    assert response.status_code == 200 and set(response.json()["checks"]) == {"database"}


def test_health_refuses_anything_but_a_read(client, db):
    assert client.post("/health/").status_code == 405


def test_a_worker_forgets_heartbeats_older_than_a_day(db):
    beat("gone", now=timezone.now() - datetime.timedelta(days=2))
    beat("alive")
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_beats_while_it_runs(settings):
    settings.TASKS = DATABASE_QUEUE
    call_command("worker", batch=True, supervise=False, worker_id="test-worker", verbosity=0)
    heartbeat = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert (timezone.now() - heartbeat.seen_at).total_seconds() < 60
