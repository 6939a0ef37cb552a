from django.conf import settings
from django.core.management.base import BaseCommand

from workflow.seed import DEFAULT_PASSWORD, load_all


class Command(BaseCommand):
    help = "Load the two seed offices (Balangan, Padang Panjang) with demo users. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo login.")

    def handle(self, *args, password, **options):
        logins = load_all(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Demo logins (password: {password}):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.agency:<15} {login.position} ({login.name})")
        # SITE_URL, not a fixed address: `make run HOST=…` sets it, so this is where the app really is.
        self.stdout.write(f"Open {settings.SITE_URL}/ and sign in.")
