"""The background worker of production: django-tasks-db's `db_worker`, after `recover_documents`,
with a heartbeat that `/health/` checks. Takes every option of `db_worker`."""

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reports.heartbeat import Heartbeat


class Command(DbWorkerCommand):
    help = "Run background tasks (documents, e-mail) with a heartbeat for /health/; options as db_worker."

    def handle(self, *args, **options):
        call_command("recover_documents", verbosity=options.get("verbosity", 1))
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
