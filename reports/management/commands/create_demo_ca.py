from django.core.management.base import BaseCommand, CommandError

from reports.documents.signing import DEMO_PASSPHRASE, create_demo_certificate, create_demo_certificates
from reports.documents.signing.demo_ca import ca_file
from workflow.models import Agency, Employee


class Command(BaseCommand):
    help = (
        "Create a self-signed demo CA and a signing certificate (PKCS#12, passphrase "
        f"{DEMO_PASSPHRASE!r}) for every official who may sign: each Kepala Dinas, each Sekretaris and "
        "every current Plh/Plt of a head position; --user for anyone else. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Agency slug; all agencies when omitted.")
        parser.add_argument("--user", action="append", default=[], help="Also issue for this username (repeatable).")
        parser.add_argument("--replace", action="store_true", help="Issue a new certificate even if one exists.")

    def handle(self, *args, agency=None, user=(), replace=False, **options):
        agencies = Agency.objects.filter(slug=agency) if agency else Agency.objects.all()
        if agency and not agencies.exists():
            raise CommandError(f"No agency with slug {agency!r}.")
        paths = []
        if user:
            for username in user:
                employee = Employee.objects.select_related("user", "agency").filter(user__username=username).first()
                if employee is None:
                    raise CommandError(f"No employee with username {username!r}.")
                paths.append(create_demo_certificate(employee, replace=replace))
        else:
            for item in agencies.select_related("local_government"):
                paths += create_demo_certificates(item, replace=replace)
        for path in paths:
            self.stdout.write(str(path))
        self.stdout.write(f"Demo CA certificate (trust root for verification): {ca_file()}")
        self.stdout.write(f"Every demo key opens with the passphrase {DEMO_PASSPHRASE!r}.")
