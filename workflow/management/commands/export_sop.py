from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflow.models import Agency, Sop
from workflow.sop.exchange.files import sop_export_file


class Command(BaseCommand):
    help = "Write an SOP (its effective version, else its newest) as JSON or Excel; without --number the first SOP."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency slug")
        parser.add_argument("--number", help="Nomor SOP")
        parser.add_argument("--format", choices=["json", "xlsx"], help="default: from the file name, else json")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, agency, number, format, output, **options):
        found = Agency.objects.filter(slug=agency).first()
        if found is None:
            raise CommandError(f"Tidak ada dinas dengan slug {agency}.")
        kind = format or ("xlsx" if output.lower().endswith(".xlsx") else "json")
        sops = Sop.objects.filter(agency=found).order_by("number")
        sop = sops.filter(number=number).first() if number else sops.first()
        version = sop.current_version() if sop else None
        if version is None:
            raise CommandError(f"Dinas {agency} tidak punya SOP {number or ''}.".replace("  ", " "))
        _name, content, _type = sop_export_file(version=version, kind=kind)
        Path(output).write_bytes(content)
        self.stdout.write(f"{version} -> {output}")
