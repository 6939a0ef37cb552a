from django.core.management.base import BaseCommand, CommandError

from reports.documents import head_of
from reports.signing import create_demo_certificate, key_path
from workflow.models import Agency


class Command(BaseCommand):
    help = "Create a self-signed demo CA and a signing certificate (PKCS#12) per agency. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Agency slug; all agencies when omitted.")
        parser.add_argument("--replace", action="store_true", help="Issue a new certificate even if one exists.")

    def handle(self, *args, agency=None, replace=False, **options):
        agencies = Agency.objects.filter(slug=agency) if agency else Agency.objects.all()
        if agency and not agencies.exists():
            raise CommandError(f"No agency with slug {agency!r}.")
        for item in agencies.select_related("local_government"):
            path = create_demo_certificate(item, holder_name=head_of(item).name or item.full_name, replace=replace)
            self.stdout.write(f"{item.slug}: {path}")
        self.stdout.write(f"Keys are read from {key_path(Agency(slug='{slug}'))}.")
