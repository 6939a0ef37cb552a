"""Recover document requests whose background worker died.

django-tasks-db never picks up again a task left RUNNING by a killed `db_worker`. Run this before
starting the worker and every few minutes beside it (cron or a systemd timer): a request pending
longer than DOCUMENT_RENDER_TIMEOUT seconds is queued again, or failed with its reason.
"""

from django.core.management.base import BaseCommand

from reports.documents.services import document_requests_recover


class Command(BaseCommand):
    help = "Queue again (or fail) document requests whose render has been pending too long (a dead worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after", type=int, default=None, help="Seconds; default settings.DOCUMENT_RENDER_TIMEOUT."
        )

    def handle(self, *args, stale_after=None, **options):
        outcome = document_requests_recover(stale_after=stale_after)
        self.stdout.write(f"requeued {outcome['requeued']}, failed {outcome['failed']}")
