import time

import requests
from django.core.management.base import BaseCommand

from workflow.organisation.contacts import telegram_updates_poll


class Command(BaseCommand):
    help = "Read the Telegram bot's updates (getUpdates) and link the chats that opened a deep link."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep polling (long polling, --wait seconds).")
        parser.add_argument("--wait", type=int, default=25)

    def handle(self, *args, loop=False, wait=25, **options):
        offset = None
        while True:
            try:
                next_offset = telegram_updates_poll(offset=offset, wait=wait if loop else 0)
            except (requests.RequestException, ValueError) as problem:
                self.stderr.write(f"telegram: {problem}")
                next_offset = offset
                time.sleep(5)
            else:
                if next_offset is None:
                    self.stderr.write("TELEGRAM_BOT_TOKEN is not set.")
                    return
            offset = next_offset
            if not loop:
                return
