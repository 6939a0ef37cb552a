from django.conf import settings
from django.core.management.base import BaseCommand

from workflow.seed import DEFAULT_PASSWORD, demo_public_year, demo_sop_sheets_sign, load_all


class Command(BaseCommand):
    help = "Load the two seed offices (Balangan, Padang Panjang) with demo users. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo login.")
        parser.add_argument(
            "--no-signing",
            action="store_true",
            help="Do not sign the SOP sheets in force (they are what the public portal shows of the demo).",
        )
        parser.add_argument(
            "--no-public-year",
            action="store_true",
            help="Do not lock this year's targets nor finish the data runs of its quarters that are over "
            "(they are what the public portal shows of the demo's performance).",
        )

    def handle(self, *args, password, no_signing=False, no_public_year=False, **options):
        logins = load_all(password=password)
        if not no_signing:
            for document in demo_sop_sheets_sign():
                self.stdout.write(f"Signed and published on the public portal (/publik/): {document.title}")
        if not no_public_year:
            for line in demo_public_year():
                self.stdout.write(f"For the public portal's current year: {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Demo logins (password: {password}):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.agency:<15} {login.position} ({login.name})")
        # SITE_URL, not a fixed address: `make run HOST=…` sets it, so this is where the app really is.
        self.stdout.write(f"Open {settings.SITE_URL}/ and sign in.")
