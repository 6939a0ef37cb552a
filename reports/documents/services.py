"""Write paths for documents: ask for a PDF (rendered in the background), and sign one.

Signing is done by the signer, with their own key (the agency's backend: a personal PKCS#12, or
BSrE), and the secret they type at that moment; the secret is never stored, so it cannot go to a
background worker. Hence, in the browser, a signing request goes in two steps:

1. the worker renders the exact PDF to be signed (the stamp carries a verification token that is
   assigned now, the visible block names the requester) and the request waits for the signature;
2. the requester, who must still hold or act for the head position, types the passphrase and the
   service signs those exact bytes (their SHA-256 checked) synchronously: document_request_sign.

A signed document is never re-rendered; signing again makes a new version. One request makes at
most one signed document (row lock on the request, and the request's token is unique).
`render_pdf --sign` renders and signs in one go (document_sign).
"""

import datetime
import io
import logging
import uuid
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.documents import notifications, readiness, signing
from reports.documents import rendering as documents
from reports.documents.heartbeat import live_workers
from reports.documents.publication import publication_on_signing
from reports.models import DocumentKind, DocumentRequest, SignedDocument
from reports.performance.services import target_lock
from sopkinerja.common.periods import Period
from workflow import permissions
from workflow.models import Agency, SopVersion
from workflow.permissions import can_sign, head_position
from workflow.sop.exchange.json_format import content_digest
from workflow.sop.services import sop_version_hold_for_signing, sop_version_make_effective, sop_version_release

logger = logging.getLogger("sopkinerja.signing")


def _require_signer(user, agency: Agency) -> None:
    if not can_sign(user, agency):
        raise PermissionDenied(_("Only the Kepala Dinas (or an acting official for that position) can sign documents."))


def _signer_for(user, agency: Agency) -> documents.Signer:
    """The signer as printed: the Kepala Dinas, or 'Plh.' before the title when an acting official signs."""
    head = head_position(agency)
    employee = user.employee
    title = agency.title_of(head.title)
    if employee.position_id != head.pk:
        title = f"Plh. {title}"
    return documents.Signer(title=title, name=employee.full_name, nip=employee.nip_display)


def _title(kind: str, *, period: str = "", sop_version: SopVersion | None = None) -> str:
    """The title a request and a signed document are listed under. An SOP's number (up to 100
    characters) and name (up to 300) can exceed the title's 300: it is cut with an ellipsis, and
    the PDF itself prints the full name."""
    if kind == DocumentKind.SOP:
        title = f"{sop_version.sop.number} {sop_version.name}"
        return Truncator(title).chars(DocumentRequest._meta.get_field("title").max_length)
    if kind == DocumentKind.MONITORING:
        return documents.monitoring_title(Period.parse(period))
    if kind == DocumentKind.AGREEMENT:
        return documents.agreement_title(Period.parse(period).year)
    return documents.report_title(Period.parse(period))


def _subject(kind: str, *, period: str = "", sop_version: SopVersion | None = None) -> str:
    if kind == DocumentKind.MONITORING:
        return f"monev:{period}"
    if kind == DocumentKind.AGREEMENT:
        return f"pk:{period}"
    return f"sop:{sop_version.pk}" if kind == DocumentKind.SOP else f"report:{period}"


def _check_signable(*, agency: Agency, kind: str, period: str, sop_version: SopVersion | None, via: str) -> None:
    if kind == DocumentKind.REPORT and via == "web":
        ready = readiness.report_readiness(agency, Period.parse(period))
        if not ready.ready:
            raise ValidationError(
                [_("The report for %(period)s cannot be signed yet.") % {"period": Period.parse(period).label}]
                + ready.messages
            )
    if kind == DocumentKind.SOP and sop_version.status == SopVersion.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn SOP version cannot be signed."))
    if kind == DocumentKind.AGREEMENT:  # by any path: signing it locks the year's targets
        year = Period.parse(period).year
        ready = readiness.agreement_readiness(agency, year)
        if not ready.ready:
            raise ValidationError(
                [_("The Perjanjian Kinerja for %(year)s cannot be signed yet.") % {"year": year}] + ready.messages
            )


def _render_to_sign(
    *, agency, kind, signer: documents.Signer, token, now, period="", sop_version=None, paper="f4"
) -> bytes:
    """The exact PDF to be signed: the stamp with the verification URL, the visible block of the signer."""
    stamp = documents.Stamp(settings.SITE_URL + reverse("reports:verify", args=[token]), now)
    if kind == DocumentKind.SOP:
        return documents.sop_sheet(sop_version, paper=paper, stamp=stamp, signer=signer).pdf()
    if kind == DocumentKind.MONITORING:
        return documents.monitoring_report(agency, Period.parse(period), stamp=stamp, signer=signer).pdf()
    if kind == DocumentKind.AGREEMENT:
        return documents.performance_agreement(agency, Period.parse(period).year, stamp=stamp, signer=signer).pdf()
    return documents.performance_report(agency, Period.parse(period), stamp=stamp, signer=signer).pdf()


@sensitive_variables("secret")
def _sign_and_store(*, agency, kind, user, secret, pdf, token, signer, now, period, sop_version, via) -> SignedDocument:
    """Sign the bytes with the signer's own key through the agency's backend and store the result.

    Runs inside the caller's transaction: a SigningRefused propagates and nothing is saved.
    """
    Agency.objects.select_for_update().get(pk=agency.pk)  # one version number at a time
    title = _title(kind, period=period, sop_version=sop_version)
    backend = signing.backend_for(agency)
    signed = backend.sign(
        signing.SignatureRequest(pdf=pdf, signer=user.employee, secret=secret, reason=title, location=agency.city)
    )
    certificate = _signer_certificate(signed)
    mismatch = signing.identity_mismatch(certificate, name=signer.name, nip=signer.nip)
    if mismatch:  # the block printed from the employee record must name the key's owner
        logger.warning("signing refused for %s: certificate and employee record disagree", user.get_username())
        raise signing.SigningRefused(signing.SigningRefused.IDENTITY, mismatch)
    subject = _subject(kind, period=period, sop_version=sop_version)
    latest = SignedDocument.objects.filter(agency=agency, subject=subject).aggregate(n=Max("version"))["n"] or 0
    document = SignedDocument.objects.create(
        agency=agency,
        kind=kind,
        subject=subject,
        sop_version=sop_version,
        period=period,
        version=latest + 1,
        title=title,
        token=token,
        signed_by=user,
        signer_title=signer.title,
        signer_name=signer.name,
        signer_nip=signer.nip,
        signed_at=now,
        via=via,
        backend=backend.name,
        signer_certificate=certificate,
        sha256=signing.sha256(signed),
        size=len(signed),
        pdf=signed,
    )
    if kind == DocumentKind.AGREEMENT:  # the signed PK freezes its targets, in this same transaction
        target_lock(agency=agency, year=Period.parse(period).year, user=user, now=now, signed_document=document)
    publication_on_signing(document)  # public by default, on the portal as it is signed
    transaction.on_commit(partial(notifications.document_signed.enqueue, document.pk))
    logger.info(
        "signed %s v%d for %s by %s via %s with %s (sha256 %s)",
        subject,
        document.version,
        agency.slug,
        user.get_username(),
        via,
        backend.name,
        document.sha256,
    )
    return document


def _signer_certificate(signed: bytes) -> bytes:
    """The DER of the certificate that actually made the last signature, read back from the PDF."""
    try:
        return PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1].signer_cert.dump()
    except Exception:  # whatever the backend returned, it is not a signed PDF we can read
        raise signing.SigningRefused(signing.SigningRefused.NOT_A_PDF) from None


@transaction.atomic
@sensitive_variables("secret")
def document_sign(
    *,
    agency: Agency,
    kind: str,
    user,
    secret: str,
    period: str = "",
    sop_version: SopVersion | None = None,
    paper: str = "f4",
    via: str = "web",
    now=None,
) -> SignedDocument:
    """Render and sign a report, an SOP version or a semester's SOP monitoring as `user` (the
    Kepala Dinas or a current Plh/Plt).

    The signature is made with the user's own key, opened with `secret` (never stored). Refuses
    anyone else (PermissionDenied); a refusal of the backend (SigningRefused) saves nothing. In the
    browser a report can be signed only once its period's run has finished. Signing a draft SOP
    version makes it the effective one. A Perjanjian Kinerja is signed only when every indicator has
    its annual and quarterly targets, and signing it locks the year's targets in the same transaction.
    """
    now = now or timezone.now()
    _require_signer(user, agency)
    _check_signable(agency=agency, kind=kind, period=period, sop_version=sop_version, via=via)
    signer = _signer_for(user, agency)
    if kind == DocumentKind.SOP and sop_version.status == SopVersion.Status.DRAFT:
        _make_effective(sop_version, signer, now.astimezone(agency.zone).date())
    token = uuid.uuid4()
    pdf = _render_to_sign(
        agency=agency,
        kind=kind,
        signer=signer,
        token=token,
        now=now,
        period=period,
        sop_version=sop_version,
        paper=paper,
    )
    return _sign_and_store(
        agency=agency,
        kind=kind,
        user=user,
        secret=secret,
        pdf=pdf,
        token=token,
        signer=signer,
        now=now,
        period=period,
        sop_version=sop_version,
        via=via,
    )


def _make_effective(version: SopVersion, signer: documents.Signer, day) -> None:
    """Signing a draft makes it effective and withdraws the previous one (the rule lives with the SOP)."""
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
    """Ask for a PDF; it renders in the background (immediately in development) after commit.

    With sign=True only a signer may ask; the worker prepares the exact PDF to sign, and the
    requester signs it on the request page (document_request_sign).
    """
    if sign:
        _require_signer(user, agency)
        _check_signable(agency=agency, kind=kind, period=period, sop_version=sop_version, via="web")
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
    transaction.on_commit(partial(_enqueue, request.pk))
    return request


def _enqueue(request_id: int) -> None:
    """Queue the render and remember the task, so recover_documents can tell a dead one."""
    result = render_document.enqueue(request_id)
    DocumentRequest.objects.filter(pk=request_id, status=DocumentRequest.Status.PENDING).update(task_id=str(result.id))


@task
def render_document(request_id: int) -> str:
    """Background rendering of a requested PDF (django-tasks-db's db_worker in production)."""
    with translation.override("id"):
        request = DocumentRequest.objects.select_related("agency").filter(pk=request_id).first()
        if request is None or request.status != DocumentRequest.Status.PENDING:
            return "skipped"  # done already, or recovered and failed meanwhile
        return document_render(request).status


def document_render(request: DocumentRequest) -> DocumentRequest:
    """Do the work of one request: render it (a signing request: the exact PDF to sign), then mark it
    ready, awaiting the signature, or failed with its reason. It never stays pending."""
    try:
        if request.sign:
            _prepare(request)
        else:
            if request.kind == DocumentKind.SOP:
                request.pdf = documents.sop_sheet(request.sop_version, paper=request.paper).pdf()
            elif request.kind == DocumentKind.REPORT:
                request.pdf = documents.performance_report(request.agency, Period.parse(request.period)).pdf()
            elif request.kind == DocumentKind.MONITORING:
                request.pdf = documents.monitoring_report(request.agency, Period.parse(request.period)).pdf()
            elif request.kind == DocumentKind.AGREEMENT:
                year = Period.parse(request.period).year
                request.pdf = documents.performance_agreement(request.agency, year).pdf()
            else:
                request.pdf = documents.disposition_sheet(request.disposition).pdf()
            request.status = DocumentRequest.Status.READY
    except (ValidationError, PermissionDenied, signing.SigningRefused) as problem:
        request.status = DocumentRequest.Status.FAILED
        request.error = " ".join(getattr(problem, "messages", [str(problem)]))
    except Exception:
        logger.exception("document request %s failed", request.pk)
        request.status = DocumentRequest.Status.FAILED
        request.error = _("An unexpected error stopped the rendering; it has been logged. Ask for the document again.")
    request.finished_at = timezone.now()
    with transaction.atomic():
        # Only a pending request is updated: a recovered (failed) one is not overwritten.
        updated = DocumentRequest.objects.filter(pk=request.pk, status=DocumentRequest.Status.PENDING).update(
            status=request.status,
            error=request.error,
            finished_at=request.finished_at,
            pdf=request.pdf,
            token=request.token,
            prepared_at=request.prepared_at,
            signer_title=request.signer_title,
            signer_name=request.signer_name,
            signer_nip=request.signer_nip,
            content_sha256=request.content_sha256,
        )
        held = request.kind == DocumentKind.SOP and request.content_sha256
        if updated and request.status == DocumentRequest.Status.AWAITING and held:
            # What waits for the head's signature must be what becomes effective: freeze the draft.
            sop_version_hold_for_signing(version=request.sop_version, since=request.prepared_at)
        if updated and request.status == DocumentRequest.Status.AWAITING:
            transaction.on_commit(partial(notifications.signing_request_prepared.enqueue, request.pk))
    return request


def _prepare(request: DocumentRequest) -> None:
    """Render the exact PDF that the requester will sign, with a verification token assigned now."""
    user, agency = request.requested_by, request.agency
    _require_signer(user, agency)
    _check_signable(agency=agency, kind=request.kind, period=request.period, sop_version=request.sop_version, via="web")
    signer = _signer_for(user, agency)
    now = timezone.now()
    token = request.token or uuid.uuid4()
    if request.kind == DocumentKind.SOP and request.sop_version.status == SopVersion.Status.DRAFT:
        request.content_sha256 = content_digest(request.sop_version)
    if request.kind == DocumentKind.AGREEMENT:
        request.content_sha256 = readiness.agreement_digest(agency, Period.parse(request.period).year)
    with transaction.atomic():
        # A draft SOP is printed as it will read once signed (effective date, approver); undone here.
        if request.kind == DocumentKind.SOP and request.sop_version.status == SopVersion.Status.DRAFT:
            _make_effective(request.sop_version, signer, now.astimezone(agency.zone).date())
        pdf = _render_to_sign(
            agency=agency,
            kind=request.kind,
            signer=signer,
            token=token,
            now=now,
            period=request.period,
            sop_version=request.sop_version,
            paper=request.paper,
        )
        transaction.set_rollback(True)
    if request.sop_version_id:
        request.sop_version.refresh_from_db()
    request.pdf, request.token, request.prepared_at = pdf, token, now
    request.signer_title, request.signer_name, request.signer_nip = signer.title, signer.name, signer.nip
    request.status = DocumentRequest.Status.AWAITING


@transaction.atomic
@sensitive_variables("secret")
def document_request_sign(*, request: DocumentRequest, user, secret: str, sha256: str) -> SignedDocument:
    """Sign the prepared PDF of a signing request, exactly those bytes, as its requester.

    Idempotent: the request row is locked, and a request already signed returns its document, so a
    double click or a retried POST never makes a second one. Refuses (nothing saved) anyone but
    the requester, a requester who no longer holds or acts for the head position, bytes whose
    SHA-256 is not the one shown, a preparation from an earlier day, a PK whose targets changed
    since it was prepared; SigningRefused from the backend (e.g. a wrong passphrase) saves nothing
    either. A signed PK locks its year's targets in the same transaction.
    """
    request = DocumentRequest.objects.select_for_update().select_related("agency__local_government").get(pk=request.pk)
    if request.signed_document_id:
        return request.signed_document
    agency = request.agency
    if not request.sign or request.status != DocumentRequest.Status.AWAITING:
        raise ValidationError(_("This request is not waiting for a signature."))
    if request.requested_by_id != user.pk:
        raise PermissionDenied(_("Only the person who asked for this document can sign it."))
    _require_signer(user, agency)
    signer = _signer_for(user, agency)
    if (signer.title, signer.name, signer.nip) != (request.signer_title, request.signer_name, request.signer_nip):
        raise ValidationError(_("The signature block no longer matches your position. Ask for the document again."))
    now = timezone.now()
    if request.prepared_at.astimezone(agency.zone).date() != now.astimezone(agency.zone).date():
        raise ValidationError(_("This PDF was prepared on an earlier day. Ask for the document again."))
    pdf = bytes(request.pdf)
    if signing.sha256(pdf) != sha256:
        raise ValidationError(_("The PDF is not the one you were shown. Open the request again and sign."))
    _check_signable(agency=agency, kind=request.kind, period=request.period, sop_version=request.sop_version, via="web")
    if request.kind == DocumentKind.AGREEMENT:
        _refuse_changed_agreement(request)
    elif request.content_sha256:
        version = SopVersion.objects.select_for_update().get(pk=request.sop_version_id)
        if version.status != SopVersion.Status.DRAFT or content_digest(version) != request.content_sha256:
            raise ValidationError(
                _("The SOP draft was changed after this PDF was prepared. Ask for the document again.")
            )
    if request.kind == DocumentKind.SOP and request.sop_version.status == SopVersion.Status.DRAFT:
        _make_effective(request.sop_version, signer, request.prepared_at.astimezone(agency.zone).date())
    document = _sign_and_store(
        agency=agency,
        kind=request.kind,
        user=user,
        secret=secret,
        pdf=pdf,
        token=request.token,
        signer=signer,
        now=now,
        period=request.period,
        sop_version=request.sop_version,
        via="web",
    )
    request.signed_document = document
    request.status = DocumentRequest.Status.READY
    request.finished_at = now
    request.pdf = None  # the signed bytes live in the SignedDocument
    request.save(update_fields=["signed_document", "status", "finished_at", "pdf"])
    return document


def _refuse_changed_agreement(request: DocumentRequest) -> None:
    """A PK is signed only as it was shown: its targets (or its parties) unchanged since it was prepared."""
    year = Period.parse(request.period).year
    if readiness.agreement_digest(request.agency, year) != request.content_sha256:
        raise ValidationError(
            _("The targets or the parties of the PK were changed after this PDF was prepared. Ask for it again.")
        )


@transaction.atomic
def document_request_withdraw(*, request: DocumentRequest, user) -> DocumentRequest:
    """Withdraw a signing request that has not been signed: its prepared PDF is dropped and, when it
    held an SOP draft, the draft may be edited again (unless another request still waits for it).
    A request already signed or ended is refused; nothing is changed then."""
    request = DocumentRequest.objects.select_for_update().get(pk=request.pk)
    if not permissions.can_withdraw(request, user):
        if request.requested_by_id != user.pk and not permissions.can_author(user, request.agency):
            raise PermissionDenied(_("Only the person who asked for this document can withdraw it."))
        raise ValidationError(_("This request is not waiting for a signature."))
    request.status = DocumentRequest.Status.WITHDRAWN
    request.withdrawn_by = user
    request.finished_at = timezone.now()
    request.pdf = None
    request.save(update_fields=["status", "withdrawn_by", "finished_at", "pdf"])
    if request.sop_version_id:
        still_waiting = DocumentRequest.objects.filter(
            sop_version_id=request.sop_version_id, sign=True, status=DocumentRequest.Status.AWAITING
        ).exists()
        if not still_waiting:
            sop_version_release(version=request.sop_version)
    logger.info("signing request %s withdrawn by %s", request.pk, user.get_username())
    return request


@transaction.atomic
def document_requests_recover(*, stale_after: int | None = None, now=None) -> dict[str, int]:
    """Pending requests whose worker died are queued again, at most DOCUMENT_RENDER_ATTEMPTS times in
    all, then failed with the reason; their dead task is marked failed. A request counts as its
    worker's loss at once when its task runs on a worker with no heartbeat within
    WORKER_HEARTBEAT_STALE (the supervisor forgets a dead child's heartbeat at once), and otherwise
    when it has been queued or running for `stale_after` seconds (django-tasks-db leaves a killed
    worker's task RUNNING forever). Rendering makes no signed document, so running it twice is harmless.
    """
    stale_after = settings.DOCUMENT_RENDER_TIMEOUT if stale_after is None else stale_after
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=stale_after)
    live = live_workers(now)
    requeued = failed = 0
    pending = DocumentRequest.objects.select_for_update(skip_locked=True).filter(status=DocumentRequest.Status.PENDING)
    for request in pending:
        result = _task_result(request.task_id)
        if not _worker_lost(result, live) and (request.requested_at > cutoff or _task_is_alive(result, cutoff)):
            continue
        _abandon_task(request.task_id)
        if request.attempts + 1 < settings.DOCUMENT_RENDER_ATTEMPTS:
            request.attempts += 1
            request.requested_at = now  # the bound counts again from now
            request.save(update_fields=["attempts", "requested_at"])
            transaction.on_commit(partial(_enqueue, request.pk))
            requeued += 1
        else:
            request.status = DocumentRequest.Status.FAILED
            request.error = _("The background worker stopped while preparing this document. Ask for it again.")
            request.finished_at = now
            request.save(update_fields=["status", "error", "finished_at"])
            failed += 1
        logger.warning("document request %s recovered: %s", request.pk, request.status)
    return {"requeued": requeued, "failed": failed}


def _task_result(task_id: str):
    """The task's row in the database queue, or None (no task, another tasks backend)."""
    if not task_id:
        return None
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend: nothing to inspect
        return None
    return DBTaskResult.objects.filter(pk=task_id).first()


def _worker_lost(result, live: set[str]) -> bool:
    """The task is running on a worker that no longer beats (its last claimant)."""
    return (
        result is not None
        and result.status == TaskResultStatus.RUNNING
        and bool(result.worker_ids)
        and result.worker_ids[-1] not in live
    )


def _task_is_alive(result, cutoff) -> bool:
    """A task still queued, or started after the cutoff, may yet finish."""
    if result is None:
        return False
    if result.status == TaskResultStatus.READY:
        return result.enqueued_at > cutoff
    return result.status == TaskResultStatus.RUNNING and result.started_at and result.started_at > cutoff


def _abandon_task(task_id: str) -> None:
    """Mark a dead worker's task failed, so it does not stay RUNNING for ever."""
    if not task_id:
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return

    DBTaskResult.objects.filter(pk=task_id, status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY]).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="reports.documents.services.WorkerLost",
        traceback="The worker running this task stopped; recovered by recover_documents.",
    )
