"""Render any document to a file, for operators and checks.

render_pdf sop --agency SLUG [--number NOMOR] [--paper a4] -o FILE
render_pdf report --agency SLUG --period PERIOD [--sign] -o FILE
"""

import getpass
import logging
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports import documents
from reports.document_services import document_sign, head_position
from reports.models import DocumentKind
from reports.periods import Period
from reports.signing import SigningUnavailable
from workflow.models import Agency, Employee, Sop

logger = logging.getLogger("sopkinerja.signing")


class Command(BaseCommand):
    help = "Render an SOP sheet or a performance report to a PDF file (optionally signed)."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=["sop", "report"])
        parser.add_argument("--agency", required=True, help="Agency slug, e.g. balangan.")
        parser.add_argument("--number", help="Nomor SOP; the agency's only or first SOP when omitted.")
        parser.add_argument("--paper", choices=["f4", "a4"], default="f4")
        parser.add_argument("--period", help="2026-TW1 … 2026-TW4, 2026-S1, 2026-S2 or 2026.")
        parser.add_argument("--sign", action="store_true", help="Sign as the agency's Kepala Dinas.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")

    def handle(self, *args, document, agency, number, paper, period, sign, output, **options):
        agency_obj = Agency.objects.select_related("local_government").filter(slug=agency).first()
        if agency_obj is None:
            raise CommandError(f"No agency with slug {agency!r}.")
        try:
            data = self._render(document, agency_obj, number, paper, period, sign)
        except (ValidationError, PermissionDenied, SigningUnavailable, ValueError) as problem:
            raise CommandError(" ".join(getattr(problem, "messages", [str(problem)]))) from problem
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes")

    def _render(self, document, agency, number, paper, period, sign) -> bytes:
        version = None
        if document == "sop":
            sops = Sop.objects.filter(agency=agency).order_by("number")
            sop = sops.filter(number=number).first() if number else sops.first()
            if sop is None:
                raise CommandError(f"No SOP {number!r} in {agency.slug}." if number else f"{agency.slug} has no SOP.")
            version = sop.current_version()
        elif not period:
            raise CommandError("A report needs --period, e.g. 2026-TW1.")
        else:
            Period.parse(period)
        if not sign:
            if version is not None:
                return documents.sop_sheet(version, paper=paper).pdf()
            return documents.performance_report(agency, Period.parse(period)).pdf()
        head = Employee.objects.filter(position=head_position(agency)).select_related("user").first()
        if head is None:
            raise CommandError(f"{agency.slug} has no Kepala Dinas to sign as.")
        logger.warning(
            "operator %s signs %s %s of %s as %s",
            getpass.getuser(),
            document,
            period or version,
            agency.slug,
            head.user.get_username(),
        )
        signed = document_sign(
            agency=agency,
            kind=DocumentKind.SOP if version else DocumentKind.REPORT,
            user=head.user,
            period=period or "",
            sop_version=version,
            paper=paper,
            via="command",
        )
        self.stdout.write(f"signed as {signed.signer_name}, version {signed.version}, sha256 {signed.sha256}")
        return bytes(signed.pdf)
