import time

from django.core.management.base import BaseCommand

from workflow.organisation.mail import mail_deliver_due


class Command(BaseCommand):
    help = "Deliver queued e-mail whose next attempt has come (run every minute, or with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval seconds.")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args, loop=False, interval=30, **options):
        while True:
            sent, waiting = mail_deliver_due()
            if sent or waiting:
                self.stdout.write(f"sent {sent}, not sent {waiting}")
            if not loop:
                return
            time.sleep(interval)
