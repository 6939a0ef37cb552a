"""Render any document to a file, for operators and checks.

render_pdf sop --agency SLUG [--number NOMOR] [--paper a4] -o FILE
render_pdf report --agency SLUG --period PERIOD [--sign [--as USERNAME]] -o FILE
render_pdf pk --agency SLUG --period YEAR [--sign [--as USERNAME]] -o FILE   (the Perjanjian Kinerja)
render_pdf monev --agency SLUG --period 2026-S1 [--sign [--as USERNAME]] -o FILE   (SOP monitoring)

--sign signs as the Kepala Dinas, or as USERNAME (the Kepala Dinas or a current Plh/Plt of that
position), with that person's own key. The passphrase comes from SOPKINERJA_SIGNING_PASSPHRASE,
else from a prompt when interactive; otherwise the command refuses. It is never logged.
"""

import getpass
import logging
import os
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.documents import rendering as documents
from reports.documents.services import document_sign
from reports.documents.signing import SigningRefused
from reports.models import DocumentKind
from sopkinerja.common.periods import Period, PeriodKind
from workflow.models import Agency, Employee, Sop
from workflow.permissions import can_sign, head_position

PASSPHRASE_ENV = "SOPKINERJA_SIGNING_PASSPHRASE"

KINDS = {
    "sop": DocumentKind.SOP,
    "report": DocumentKind.REPORT,
    "pk": DocumentKind.AGREEMENT,
    "monev": DocumentKind.MONITORING,
}
PERIOD_EXAMPLES = {"report": "2026-TW1", "pk": "2026", "monev": "2026-S1"}

logger = logging.getLogger("sopkinerja.signing")


class Command(BaseCommand):
    help = (
        "Render an SOP sheet, a performance report, the Perjanjian Kinerja or the SOP monitoring to a PDF "
        "file (optionally signed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("document", choices=list(KINDS))
        parser.add_argument("--agency", required=True, help="Agency slug, e.g. balangan.")
        parser.add_argument("--number", help="Nomor SOP; the agency's only or first SOP when omitted.")
        parser.add_argument("--paper", choices=["f4", "a4"], default="f4")
        parser.add_argument(
            "--period", help="2026-TW1 … 2026-TW4, 2026-S1, 2026-S2 or 2026; the year for pk, a semester for monev."
        )
        parser.add_argument("--sign", action="store_true", help="Sign (as the Kepala Dinas unless --as).")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Sign as this user: the Kepala Dinas or a current Plh/Plt of that position.",
        )
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")

    def handle(self, *args, document, agency, number, paper, period, sign, output, as_user=None, **options):
        agency_obj = Agency.objects.select_related("local_government").filter(slug=agency).first()
        if agency_obj is None:
            raise CommandError(f"No agency with slug {agency!r}.")
        try:
            data = self._render(document, agency_obj, number, paper, period, sign, as_user)
        except (ValidationError, PermissionDenied, SigningRefused, ValueError) as problem:
            raise CommandError(" ".join(getattr(problem, "messages", [str(problem)]))) from problem
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes")

    def _render(self, document, agency, number, paper, period, sign, as_user) -> bytes:
        version = None
        if document == "sop":
            sops = Sop.objects.filter(agency=agency).order_by("number")
            sop = sops.filter(number=number).first() if number else sops.first()
            if sop is None:
                raise CommandError(f"No SOP {number!r} in {agency.slug}." if number else f"{agency.slug} has no SOP.")
            version = sop.current_version()
        elif not period:
            raise CommandError(f"{document} needs --period, e.g. {PERIOD_EXAMPLES[document]}.")
        else:
            parsed = Period.parse(period)
            if (
                document == "pk"
                and parsed.kind != PeriodKind.YEAR
                or document == "monev"
                and parsed.kind != PeriodKind.SEMESTER
            ):
                raise CommandError(f"{document} needs --period like {PERIOD_EXAMPLES[document]}.")
        if not sign:
            if version is not None:
                return documents.sop_sheet(version, paper=paper).pdf()
            if document == "pk":
                return documents.performance_agreement(agency, Period.parse(period).year).pdf()
            if document == "monev":
                return documents.monitoring_report(agency, Period.parse(period)).pdf()
            return documents.performance_report(agency, Period.parse(period)).pdf()
        signer = self._signer(agency, as_user)
        secret = self._passphrase()
        logger.warning(
            "operator %s signs %s %s of %s as %s",
            getpass.getuser(),
            document,
            period or version,
            agency.slug,
            signer.get_username(),
        )
        signed = document_sign(
            agency=agency,
            kind=KINDS[document],
            user=signer,
            secret=secret,
            period=period or "",
            sop_version=version,
            paper=paper,
            via="command",
        )
        self.stdout.write(f"signed as {signed.signer_name}, version {signed.version}, sha256 {signed.sha256}")
        return bytes(signed.pdf)

    def _signer(self, agency, as_user):
        """The user to sign as: --as, else the Kepala Dinas; refused unless they may sign today."""
        if as_user:
            employee = Employee.objects.select_related("user").filter(user__username=as_user).first()
            if employee is None:
                raise CommandError(f"No employee with username {as_user!r}.")
        else:
            employee = Employee.objects.filter(position=head_position(agency)).select_related("user").first()
            if employee is None:
                raise CommandError(f"{agency.slug} has no Kepala Dinas to sign as.")
        if not can_sign(employee.user, agency):
            raise CommandError(
                f"{employee.user.get_username()} may not sign for {agency.slug}: only the Kepala Dinas "
                "or a current Plh/Plt of that position signs."
            )
        return employee.user

    def _passphrase(self) -> str:
        """From SOPKINERJA_SIGNING_PASSPHRASE, else a prompt when interactive; never logged."""
        secret = os.environ.get(PASSPHRASE_ENV)
        if secret:
            return secret
        if sys.stdin is not None and sys.stdin.isatty():
            return getpass.getpass("Passphrase of the signing key: ")
        raise CommandError(f"No passphrase: set {PASSPHRASE_ENV} or run the command in a terminal.")
