"""Write paths for documents: ask for a PDF (rendered in the background), and sign one.

Signing renders the document once, with the visible TTE block whose QR code carries the
verification URL, applies the PAdES signature, and stores the bytes with their SHA-256. A signed
document is never re-rendered; signing again makes a new version.
"""

import logging
import uuid
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import documents, signing
from reports.models import DocumentKind, DocumentRequest, SignedDocument
from reports.periods import Period
from workflow import permissions
from workflow.models import Agency, Position, Run, SopVersion

logger = logging.getLogger("sopkinerja.signing")


def head_position(agency: Agency) -> Position | None:
    return Position.objects.filter(agency=agency, rank=Position.Rank.HEAD).first()


def can_sign(user, agency: Agency) -> bool:
    return permissions.holds(user, head_position(agency))


def _require_signer(user, agency: Agency) -> None:
    if not can_sign(user, agency):
        raise PermissionDenied(_("Only the Kepala Dinas (or an acting official for that position) can sign documents."))


def _signer_for(user, agency: Agency) -> documents.Signer:
    """The signer as printed: the Kepala Dinas, or 'Plh.' before the title when an acting official signs."""
    head = head_position(agency)
    employee = user.employee
    title = f"{head.title} {agency.local_government.name}"
    if employee.position_id != head.pk:
        title = f"Plh. {title}"
    return documents.Signer(title=title, name=employee.full_name, nip=employee.nip_display)


def _title(kind: str, *, period: str = "", sop_version: SopVersion | None = None) -> str:
    if kind == DocumentKind.SOP:
        return f"{sop_version.sop.number} {sop_version.name}"
    return documents.report_title(Period.parse(period))


def _subject(kind: str, *, period: str = "", sop_version: SopVersion | None = None) -> str:
    return f"sop:{sop_version.pk}" if kind == DocumentKind.SOP else f"report:{period}"


def report_is_finished(agency: Agency, period: Period) -> bool:
    """A report can be signed once the period's SOP run has finished."""
    return Run.objects.filter(sop__agency=agency, period=str(period), state=Run.State.FINISHED).exists()


@transaction.atomic
def document_sign(
    *,
    agency: Agency,
    kind: str,
    user,
    period: str = "",
    sop_version: SopVersion | None = None,
    paper: str = "f4",
    via: str = "web",
    now=None,
) -> SignedDocument:
    """Sign a report or an SOP version as the Kepala Dinas (or Plh) and store the signed bytes.

    Refuses anyone else. In the browser a report can be signed only when its period's run has
    finished; an operator's `render_pdf --sign` is logged instead. Signing a draft SOP version
    makes it the effective one.
    """
    now = now or timezone.now()
    _require_signer(user, agency)
    if kind == DocumentKind.REPORT and via == "web" and not report_is_finished(agency, Period.parse(period)):
        raise ValidationError(
            _("The report for %(period)s can be signed once the SOP run for that period has finished.")
            % {"period": Period.parse(period).label}
        )
    if kind == DocumentKind.SOP and sop_version.status == SopVersion.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn SOP version cannot be signed."))
    Agency.objects.select_for_update().get(pk=agency.pk)  # one version number at a time
    signer = _signer_for(user, agency)
    if kind == DocumentKind.SOP and sop_version.status == SopVersion.Status.DRAFT:
        _make_effective(sop_version, signer, now.astimezone(agency.zone).date())
    subject = _subject(kind, period=period, sop_version=sop_version)
    latest = SignedDocument.objects.filter(agency=agency, subject=subject).aggregate(n=Max("version"))["n"] or 0
    token = uuid.uuid4()
    stamp = documents.Stamp(settings.SITE_URL + reverse("reports:verify", args=[token]), now)
    if kind == DocumentKind.SOP:
        pdf = documents.sop_sheet(sop_version, paper=paper, stamp=stamp, signer=signer).pdf()
    else:
        pdf = documents.performance_report(agency, Period.parse(period), stamp=stamp, signer=signer).pdf()
    signed = signing.sign_pdf(
        pdf,
        agency=agency,
        signer_name=signer.name,
        reason=_title(kind, period=period, sop_version=sop_version),
        location=agency.city,
    )
    document = SignedDocument.objects.create(
        agency=agency,
        kind=kind,
        subject=subject,
        sop_version=sop_version,
        period=period,
        version=latest + 1,
        title=_title(kind, period=period, sop_version=sop_version),
        token=token,
        signed_by=user,
        signer_title=signer.title,
        signer_name=signer.name,
        signer_nip=signer.nip,
        signed_at=now,
        via=via,
        sha256=signing.sha256(signed),
        size=len(signed),
        pdf=signed,
    )
    logger.info(
        "signed %s v%d for %s by %s via %s (sha256 %s)",
        subject,
        document.version,
        agency.slug,
        user.get_username(),
        via,
        document.sha256,
    )
    return document


def _make_effective(version: SopVersion, signer: documents.Signer, day) -> None:
    """Signing a draft makes it effective and withdraws the previous one (the rule lives with the SOP)."""
    from workflow.services.sop import sop_version_make_effective  # imported here: this body is all part D owns

    sop_version_make_effective(
        version=version,
        effective_on=day,
        approver_title=signer.title,
        approver_name=signer.name,
        approver_nip=signer.nip,
    )


@transaction.atomic
def document_request(
    *,
    agency: Agency,
    kind: str,
    user,
    period: str = "",
    sop_version: SopVersion | None = None,
    disposition=None,
    paper: str = "f4",
    sign: bool = False,
) -> DocumentRequest:
    """Ask for a PDF; it renders in the background (immediately in development) after commit."""
    if sign:
        _require_signer(user, agency)
    if kind == DocumentKind.DISPOSITION:
        title = f"Lembar disposisi {disposition.number}"
    else:
        title = _title(kind, period=period, sop_version=sop_version)
    request = DocumentRequest.objects.create(
        agency=agency,
        kind=kind,
        period=period,
        sop_version=sop_version,
        disposition=disposition,
        paper=paper,
        sign=sign,
        title=title,
        requested_by=user,
    )
    from reports.tasks import render_document

    transaction.on_commit(partial(render_document.enqueue, request.pk))
    return request


def document_render(request: DocumentRequest) -> DocumentRequest:
    """Do the work of one request: render (and sign) it, then mark it ready or failed."""
    try:
        if request.sign:
            request.signed_document = document_sign(
                agency=request.agency,
                kind=request.kind,
                user=request.requested_by,
                period=request.period,
                sop_version=request.sop_version,
                paper=request.paper,
            )
        elif request.kind == DocumentKind.SOP:
            request.pdf = documents.sop_sheet(request.sop_version, paper=request.paper).pdf()
        elif request.kind == DocumentKind.REPORT:
            request.pdf = documents.performance_report(request.agency, Period.parse(request.period)).pdf()
        else:
            request.pdf = documents.disposition_sheet(request.disposition).pdf()
        request.status = DocumentRequest.Status.READY
    except (ValidationError, PermissionDenied, signing.SigningUnavailable) as problem:
        request.status = DocumentRequest.Status.FAILED
        request.error = " ".join(getattr(problem, "messages", [str(problem)]))
    request.finished_at = timezone.now()
    request.save()
    return request
