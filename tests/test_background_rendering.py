"""In production PDFs render in django-tasks-db's worker: pending until the worker has run."""

import pytest
from django.core.management import call_command

from reports.documents.services import document_request
from reports.models import DocumentKind, DocumentRequest
from workflow.models import Agency
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, user


@pytest.mark.django_db(transaction=True)
def test_a_request_stays_pending_until_the_db_worker_renders_it(settings):
    # The worker closes connections between tasks, so this test commits for real.
    if not Agency.objects.exists():
        load_all(password=PASSWORD, today=TODAY)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request = document_request(
        agency=Agency.objects.get(slug="balangan"),
        kind=DocumentKind.REPORT,
        user=user("balangan.staf"),
        period="2026-TW3",
    )
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.PENDING

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.READY
    assert bytes(request.pdf).startswith(b"%PDF-")
