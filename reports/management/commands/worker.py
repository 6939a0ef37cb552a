"""The background worker of production: django-tasks-db's `db_worker` with a heartbeat that
`/health/` checks, supervised.

`manage.py worker` starts `manage.py worker --no-supervise` as a child process and starts it again
when it dies (killed, out of memory, a crash), after WORKER_RESTART_DELAY seconds, doubling up to
WORKER_RESTART_DELAY_MAX while it keeps dying young. Before each start it forgets the dead child's
heartbeat and runs `recover_documents`, so a request whose task belonged to the dead child is
queued again at once. SIGTERM and SIGINT are passed on to the child, which finishes its task; a
child that exits with status 0 (`--batch`, `--max-tasks`) ends the supervisor too.

`--no-supervise` runs `recover_documents` and then the worker in this process. Takes every option
of `db_worker`.

The supervisor also runs `send_reminders` every REMINDER_INTERVAL seconds (0: never) in a thread
of its own; a failure is logged and tried again at the next interval. Each reminder is recorded
when sent, so a worker on a second server, or a systemd timer as well, sends nothing twice.
"""

import logging
import signal
import subprocess
import sys
import threading
import time
from argparse import BooleanOptionalAction
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reports.documents.heartbeat import Heartbeat, forget

log = logging.getLogger("sopkinerja.reminders")


class Command(DbWorkerCommand):
    help = "Run background tasks (documents, e-mail) with a heartbeat, restarted when they die; options as db_worker."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--supervise",
            action=BooleanOptionalAction,
            default=True,
            help="Run the worker in a child process and start it again when it dies (default); "
            "--no-supervise runs it in this process.",
        )

    def handle(self, *args, **options):
        if options["supervise"]:
            return self.supervise(options)
        call_command("recover_documents", verbosity=options.get("verbosity", 1))
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()

    def supervise(self, options) -> None:
        stopping = threading.Event()
        child = None

        def stop(signum, _frame):
            if stopping.is_set():
                return  # passed on once already (make serve's trap and a process-group signal both come)
            stopping.set()
            if child is not None and child.poll() is None:
                child.send_signal(signum)  # the child finishes its task and exits

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if settings.REMINDER_INTERVAL > 0:
            threading.Thread(
                target=send_reminders_every, args=(settings.REMINDER_INTERVAL, stopping), daemon=True
            ).start()
        delay, starts = settings.WORKER_RESTART_DELAY, 0
        while not stopping.is_set():
            call_command("recover_documents", verbosity=options["verbosity"])
            starts += 1
            worker_id = f"{options['worker_id'][:48]}-{starts}"
            # Its own session: a Ctrl-C in the terminal reaches the supervisor only, which passes it on
            # once (a second signal would make db_worker drop its task at once).
            child = subprocess.Popen(child_command(options, worker_id), cwd=settings.BASE_DIR, start_new_session=True)
            self.stdout.write(f"db_worker started: pid {child.pid}, worker id {worker_id}", ending="\n")
            self.stdout.flush()
            started = time.monotonic()
            status = child.wait()
            forget(worker_id)  # it is gone: what it was running is recovered before the next start
            if status == 0 or stopping.is_set():
                return
            if time.monotonic() - started > settings.WORKER_RESTART_DELAY_MAX:
                delay = settings.WORKER_RESTART_DELAY  # it had been running well: restart promptly
            self.stderr.write(f"db_worker pid {child.pid} stopped (status {status}); starting again in {delay:g} s")
            stopping.wait(delay)
            delay = min(delay * 2, settings.WORKER_RESTART_DELAY_MAX)


def child_command(options, worker_id: str) -> list[str]:
    """`manage.py worker --no-supervise` with the supervisor's db_worker options and a worker id of its own."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "worker", "--no-supervise", "--no-reload"]
    command += ["--worker-id", worker_id, "--queue-name", options["queue_name"], "--backend", options["backend_name"]]
    command += ["--interval", str(options["interval"]), "--verbosity", str(options["verbosity"])]
    if options["exclude_queues"]:
        command += ["--exclude-queues", options["exclude_queues"]]
    if options["batch"]:
        command.append("--batch")
    if not options["startup_delay"]:
        command.append("--no-startup-delay")
    if options["max_tasks"]:
        command += ["--max-tasks", str(options["max_tasks"])]
    return command


def send_reminders_every(seconds: float, stopping: threading.Event) -> None:
    """`send_reminders` now and then every `seconds` until the supervisor stops; never raises."""
    while not stopping.is_set():
        try:
            call_command("send_reminders", verbosity=0)
        except Exception:  # a database hiccup must not end the loop: the next interval tries again
            log.exception("send_reminders failed; trying again in %g s", seconds)
        finally:
            connection.close()
        stopping.wait(seconds)
