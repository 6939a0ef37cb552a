from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflow.models import Agency
from workflow.sop.exchange.files import sop_import_file


class Command(BaseCommand):
    help = "Import one SOP version from a .json or .xlsx file into an agency, as a draft (see docs/sop-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency slug")
        parser.add_argument(
            "--signed-on-paper",
            action="store_true",
            help="keep the file's effective/withdrawn status (an SOP already signed on paper)",
        )
        parser.add_argument("file")

    def handle(self, *args, agency, signed_on_paper, file, **options):
        found = Agency.objects.filter(slug=agency).first()
        if found is None:
            raise CommandError(f"Tidak ada dinas dengan slug {agency}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            with path.open("rb") as stream:
                version = sop_import_file(
                    agency=found, name=path.name, stream=stream, user=None, keep_status=signed_on_paper
                )
        except ValidationError as error:
            # Printed on stderr with exit code 1 by Django.
            raise CommandError("\n".join(["Berkas ditolak, tidak ada yang disimpan:", *error.messages])) from None
        self.stdout.write(f"{version} ({version.get_status_display()})")
