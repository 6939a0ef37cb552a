from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflow.models import Agency
from workflow.sop.exchange.changes import draft_changes, draft_to_replace
from workflow.sop.exchange.files import sop_file_import, sop_file_read
from workflow.sop.exchange.json_format import content_digest


class Command(BaseCommand):
    help = "Import one SOP version from a .json or .xlsx file into an agency, as a draft (see docs/sop-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency slug")
        parser.add_argument(
            "--signed-on-paper",
            action="store_true",
            help="keep the file's effective/withdrawn status (an SOP already signed on paper)",
        )
        parser.add_argument(
            "--replace-draft",
            action="store_true",
            help="when the SOP already has a draft (never signed, not held for signing), replace it; "
            "what changes is printed first",
        )
        parser.add_argument("file")

    def handle(self, *args, agency, signed_on_paper, replace_draft, file, **options):
        found = Agency.objects.filter(slug=agency).first()
        if found is None:
            raise CommandError(f"Tidak ada dinas dengan slug {agency}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            with path.open("rb") as stream:
                read = sop_file_read(name=path.name, stream=stream)
            draft = draft_to_replace(found, read.document) if replace_draft else None
            if draft is not None:
                self.stdout.write("\n".join(draft_changes(draft, read.document)))
            version = sop_file_import(
                agency=found,
                file=read,
                user=None,
                keep_status=signed_on_paper,
                replacing=content_digest(draft) if draft is not None else "",
            )
        except ValidationError as error:
            # Printed on stderr with exit code 1 by Django.
            raise CommandError("\n".join(["Berkas ditolak, tidak ada yang disimpan:", *error.messages])) from None
        self.stdout.write(f"{version} ({version.get_status_display()})")
