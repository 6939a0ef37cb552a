"""backup [--output FILE]: the database and the uploads in one .tar with a manifest (make backup)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sopkinerja.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into one .tar with a manifest of counts and hashes."

    def add_arguments(self, parser):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        default = Path(settings.BASE_DIR) / "var" / "backups" / f"sopkinerja-{stamp}.tar"
        parser.add_argument("--output", "-o", type=Path, default=default)

    def handle(self, *args, output: Path, **options):
        try:
            contents = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(contents["tables"].values())
        self.stdout.write(
            f"{output}: {rows} rows in {len(contents['tables'])} tables, {len(contents['media'])} files, "
            f"{len(contents['signed_documents'])} signed documents"
        )
