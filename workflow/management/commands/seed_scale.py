import time

from django.core.management.base import BaseCommand, CommandError

from tests.support.scale import MAX_AGENCIES, MAX_YEARS, ScaleRefused, scale_slug, seed_scale
from workflow.seed import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = (
        "Generate scale data: N copies of the seed offices (scale-001 …), each with about 60 indicators, "
        "and Y years of targets, figures and finished SOP runs up to today. Refuses if they exist already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, required=True, help=f"How many agencies (1–{MAX_AGENCIES}).")
        parser.add_argument("--years", type=int, required=True, help=f"Years of history up to now (1–{MAX_YEARS}).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every generated login.")

    def handle(self, *args, agencies, years, password, **options):
        started = time.monotonic()

        def progress(number, counts):
            self.stdout.write(
                f"  {scale_slug(number)}: {counts.indicators} indicators, {counts.realisations} figures, "
                f"{counts.runs} runs ({time.monotonic() - started:.0f} s)"
            )

        try:
            counts = seed_scale(agencies=agencies, years=years, password=password, progress=progress)
        except ScaleRefused as refusal:
            raise CommandError(str(refusal)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Scale data: {agencies} agencies × {years} years in {seconds:.1f} s. Rows created:")
        )
        for name, count in counts.as_dict().items():
            self.stdout.write(f"  {name.replace('_', ' '):<13} {count:>9,}")
        self.stdout.write(f"Logins: {scale_slug(1)}.kadis, {scale_slug(1)}.sekretaris, … (password: {password})")
