"""Send the reminders that are due (docs/reminders.md): Plh/Plt appointments that began or ended,
steps due soon, overdue and escalated, figures due, reports ready for the signature.

Idempotent: each reminder is recorded when it is sent (workflow.models.reminder.SentReminder), so
running it again, or on two servers at once, sends nothing twice. `manage.py worker` runs it every
REMINDER_INTERVAL seconds; without the worker, run it from a systemd timer (docs/deployment.md).
`--now` replays a moment (ISO 8601 with its offset), for tests and to catch up.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.documents.notifications import reports_remind
from workflow.organisation.notifications import appointments_remind
from workflow.runs.reminders import figures_remind, steps_remind

# In order: who acts for whom first, then the work, then the figures, then what waits for a signature.
CHECKS = [
    ("appointments", appointments_remind),
    ("steps", steps_remind),
    ("figures", figures_remind),
    ("reports", reports_remind),
]


def moment(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 moment such as 2026-06-17T09:00+08:00, not {text!r}.") from None
    if timezone.is_naive(value):
        raise CommandError("--now needs its UTC offset (…+07:00 for WIB, +08:00 WITA, +09:00 WIT).")
    return value


class Command(BaseCommand):
    help = "Send the reminders that are due (each once): appointments, steps, figures, reports to sign."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=moment, default=None, help="Act as if it were this moment (ISO 8601).")

    def handle(self, *args, now=None, **options):
        now = now or timezone.now()
        counts = {name: check(now=now) for name, check in CHECKS}
        if options["verbosity"] > 0:
            self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
