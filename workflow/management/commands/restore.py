"""restore FILE: replace the database and MEDIA_ROOT with a backup's, then check them against its
manifest (make restore BACKUP=FILE). Stop the web servers and the worker first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sopkinerja.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` and check every row count and hash against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, backup: Path, yes: bool, **options):
        if not backup.is_file():
            raise CommandError(f"{backup}: no such backup file.")
        if not yes and input("This replaces the database and every upload. Type 'yes' to go on: ") != "yes":
            raise CommandError("Nothing restored.")
        try:
            comparison = restore(backup)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not comparison.identical:
            raise CommandError("Restored, but it differs from the backup:\n" + "\n".join(comparison.differences))
        self.stdout.write(f"{backup}: restored; every row count, file and signed document matches the backup.")
