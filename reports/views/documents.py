from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from reports.documents import signing
from reports.documents.publication import publication_publish, publication_withdraw
from reports.documents.readiness import signing_overview
from reports.documents.selectors import request_list, request_list_stamp, signed_list, signed_list_stamp
from reports.documents.services import document_request, document_request_sign, document_request_withdraw
from reports.documents.verification import checking_slot, verify_upload
from reports.forms import (
    AgreementForm,
    MonitoringReportForm,
    PublicationWithdrawForm,
    ReportForm,
    SignForm,
    SopSheetForm,
    VerifyForm,
    agreement_years,
)
from reports.models import PUBLIC_KINDS, DocumentKind, DocumentRequest, Evidence, SignedDocument
from reports.performance.services import evidence_remove
from sopkinerja.common.client_ip import client_ip
from sopkinerja.common.periods import Period
from sopkinerja.common.rate_limit import over_limit
from sopkinerja.common.slots import Busy
from sopkinerja.common.stamped_cache import kept_html
from sopkinerja.common.uploads import download_response
from workflow import permissions
from workflow.models import Disposition
from workflow.permissions import can_sign
from workflow.views.access import agency_or_403


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _request(request, **kwargs):
    try:
        made = document_request(user=request.user, **kwargs)
    except (PermissionDenied, ValidationError) as problem:
        messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
        return redirect("reports:documents")
    return redirect("reports:request", made.pk)


def _chosen(request, parameter: str, field: str) -> dict:
    chosen = request.GET.get(parameter, "")
    return {field: chosen, "sign": True} if chosen else {}


REPORT_OVERVIEW = "reports/partials/report_overview.html"
REPORT_OVERVIEW_TEMPLATES = (REPORT_OVERVIEW, "reports/partials/readiness.html")


def _reports_html(overview, year: int) -> str:
    """The tables of this year's and last year's reports, kept under a stamp of what they show
    (SigningOverview.reports_stamp), per time zone (the signing times) and address prefix."""
    reports, previous_reports = overview.reports

    def render_rows() -> str:
        context = {"reports": reports, "previous_reports": previous_reports, "year": year}
        return render_to_string(REPORT_OVERVIEW, context)

    variant = f"{year}:{timezone.get_current_timezone_name()}:{get_script_prefix()}"
    return kept_html(overview.reports_stamp, REPORT_OVERVIEW_TEMPLATES, render_rows, variant=variant)


SIGNED_LIST = "reports/partials/signed_list.html"
REQUEST_LIST = "reports/partials/request_list.html"


def _lists_html(agency) -> tuple[str, str]:
    """The lists of signed documents and of recent requests, each kept under a stamp of its rows
    (reports.documents.selectors), per time zone (the times shown) and address prefix (the links)."""
    variant = f"{timezone.get_current_timezone_name()}:{get_script_prefix()}"
    signed = kept_html(
        signed_list_stamp(agency),
        (SIGNED_LIST,),
        lambda: render_to_string(SIGNED_LIST, {"signed": signed_list(agency)}),
        variant=variant,
    )
    requests = kept_html(
        request_list_stamp(agency),
        (REQUEST_LIST,),
        lambda: render_to_string(REQUEST_LIST, {"requests": request_list(agency)}),
        variant=variant,
    )
    return signed, requests


@login_required
def document_list(request):
    agency = agency_or_403(request)
    signer = can_sign(request.user, agency)
    year = timezone.localdate().year
    # A link from the signature queue (?report=2026-TW1 or ?sop=12) opens the form chosen, TTE ticked.
    sop_form = SopSheetForm(
        agency=agency, can_sign=signer, prefix="sop", initial=_chosen(request, "sop", "sop_version")
    )
    report_form = ReportForm(year=year, can_sign=signer, prefix="report", initial=_chosen(request, "report", "period"))
    monev_form = MonitoringReportForm(year=year, can_sign=signer, prefix="monev")
    agreement_form = AgreementForm(year=year, can_sign=signer, prefix="pk")
    if request.method == "POST" and "pk-year" in request.POST:
        agreement_form = AgreementForm(request.POST, year=year, can_sign=signer, prefix="pk")
        if agreement_form.is_valid():
            return _request(
                request,
                agency=agency,
                kind=DocumentKind.AGREEMENT,
                period=str(agreement_form.cleaned_data["year"]),
                sign=agreement_form.cleaned_data.get("sign", False),
            )
    elif request.method == "POST" and "monev-period" in request.POST:
        monev_form = MonitoringReportForm(request.POST, year=year, can_sign=signer, prefix="monev")
        if monev_form.is_valid():
            return _request(
                request,
                agency=agency,
                kind=DocumentKind.MONITORING,
                period=monev_form.cleaned_data["period"],
                sign=monev_form.cleaned_data.get("sign", False),
            )
    elif request.method == "POST":
        if "sop-sop_version" in request.POST:
            sop_form = SopSheetForm(request.POST, agency=agency, can_sign=signer, prefix="sop")
            if sop_form.is_valid():
                return _request(
                    request,
                    agency=agency,
                    kind=DocumentKind.SOP,
                    sop_version=sop_form.cleaned_data["sop_version"],
                    paper=sop_form.cleaned_data["paper"],
                    sign=sop_form.cleaned_data.get("sign", False),
                )
        else:
            report_form = ReportForm(request.POST, year=year, can_sign=signer, prefix="report")
            if report_form.is_valid():
                return _request(
                    request,
                    agency=agency,
                    kind=DocumentKind.REPORT,
                    period=report_form.cleaned_data["period"],
                    sign=report_form.cleaned_data.get("sign", False),
                )
    overview = signing_overview(agency, report_years=(year, year - 1), agreement_years=agreement_years(year))
    signed_html, requests_html = _lists_html(agency)
    return render(
        request,
        "reports/documents.html",
        {
            "agency": agency,
            "sop_form": sop_form,
            "report_form": report_form,
            "monev_form": monev_form,
            "agreement_form": agreement_form,
            "agreements": overview.agreements,
            "reports_html": _reports_html(overview, year),
            "year": year,
            "signed_html": signed_html,
            "requests_html": requests_html,
            "can_publish": permissions.can_publish(request.user, agency, signs=signer),
        },
    )


@login_required
@require_POST
def disposition_print(request, disposition_id: int):
    agency = agency_or_403(request)
    disposition = get_object_or_404(Disposition.objects.for_agency(agency), pk=disposition_id)
    return _request(request, agency=agency, kind=DocumentKind.DISPOSITION, disposition=disposition)


def _sign_form(document: DocumentRequest, user, data=None) -> SignForm | None:
    """The passphrase form, for the requester only, while the prepared PDF waits for the signature."""
    if document.status != DocumentRequest.Status.AWAITING or document.requested_by_id != user.pk:
        return None
    label = signing.secret_label(document.agency)
    return SignForm(data, initial={"sha256": signing.sha256(bytes(document.pdf))}, secret_label=label)


def _stalled(document: DocumentRequest) -> bool:
    age = timezone.now() - document.requested_at
    return document.status == DocumentRequest.Status.PENDING and age.total_seconds() > settings.DOCUMENT_PENDING_BOUND


@login_required
def request_view(request, request_id: int):
    agency = agency_or_403(request)
    document = get_object_or_404(DocumentRequest, pk=request_id, agency=agency)
    context = {
        "agency": agency,
        "document": document,
        "stalled": _stalled(document),
        "sign_form": _sign_form(document, request.user),
        "can_withdraw": permissions.can_withdraw(document, request.user),
    }
    # While pending, the page asks again for its state alone (htmx) and swaps it in place.
    template = "reports/request.html#status" if request.htmx else "reports/request.html"
    return render(request, template, context)


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def request_sign(request, request_id: int):
    """Sign the prepared PDF with the passphrase typed now; a second POST returns the same document."""
    agency = agency_or_403(request)
    document = get_object_or_404(DocumentRequest, pk=request_id, agency=agency, sign=True)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            document_request_sign(
                request=document,
                user=request.user,
                secret=form.cleaned_data["passphrase"],
                sha256=form.cleaned_data["sha256"],
            )
        except (PermissionDenied, ValidationError, signing.SigningRefused) as problem:
            messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
        else:
            messages.success(request, _("The document is signed."))
    else:
        messages.error(request, _("Type the passphrase of your signing key."))
    return redirect("reports:request", document.pk)


@login_required
@require_POST
def request_withdraw(request, request_id: int):
    """Withdraw a signing request that has not been signed (frees a held SOP draft for editing)."""
    agency = agency_or_403(request)
    document = get_object_or_404(DocumentRequest, pk=request_id, agency=agency, sign=True)
    try:
        document_request_withdraw(request=document, user=request.user)
    except (PermissionDenied, ValidationError) as problem:
        messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
    else:
        messages.success(request, _("The signing request is withdrawn."))
    return redirect("reports:request", document.pk)


@login_required
def request_download(request, request_id: int):
    agency = agency_or_403(request)
    document = get_object_or_404(
        DocumentRequest,
        pk=request_id,
        agency=agency,
        status__in=[DocumentRequest.Status.READY, DocumentRequest.Status.AWAITING],
    )
    if document.signed_document_id:
        return redirect("reports:signed-download", document.signed_document_id)
    if document.status == DocumentRequest.Status.AWAITING:
        if document.requested_by_id != request.user.pk:  # an unsigned draft, for its signer to check
            raise Http404
        return _pdf_response(document.pdf, document.filename.replace(".pdf", "-belum-ditandatangani.pdf"))
    return _pdf_response(document.pdf, document.filename)


@login_required
def signed_download(request, document_id: int):
    """The stored bytes, exactly as signed: a signed document is never rendered again."""
    agency = agency_or_403(request)
    document = get_object_or_404(SignedDocument, pk=document_id, agency=agency)
    return _pdf_response(document.pdf, document.filename)


@csrf_exempt  # the CSRF check reads the body; it runs below, once the upload limits are in place
def verify(request, token):
    """Public page behind the QR code: what was signed, by whom, and whether a PDF is that original.

    An upload is refused before its body is read when the visitor posts too often (429) or
    announces a body over VERIFY_MAX_BYTES (413), or while the server's or the address's checks
    are all running (429, see checking_slot); a body that grows past the limit while it is read is
    cut off. Every error path answers a page of ours, never a debug page.
    """
    document = (
        SignedDocument.objects.select_related("agency__local_government").defer("pdf").filter(token=token).first()
    )
    if document is None:
        raise Http404(_("No signed document has this verification code."))
    if request.method != "POST":
        return _verify_page(request, document, VerifyForm())
    if over_limit(request, group="reports:verify", rate=settings.VERIFY_RATE):
        return _verify_page(
            request,
            document,
            VerifyForm(),
            refusal=_("Too many checks from your address. Wait a minute and try again."),
            status=429,
        )
    if _content_length(request) > settings.VERIFY_MAX_BYTES + VERIFY_FORM_OVERHEAD:
        return _verify_page(request, document, VerifyForm(), refusal=_too_big(), status=413)
    try:
        with checking_slot(client_ip(request)):
            return _verify_upload(request, document)
    except Busy:  # other checks hold the server's or this address's slots: refused before the body is read
        return _verify_page(
            request,
            document,
            VerifyForm(),
            refusal=_("Too many checks are running; try again in a moment."),
            status=429,
        )


def _verify_upload(request, document):
    limit = VerifyUploadLimit(settings.VERIFY_MAX_BYTES)
    request.upload_handlers.insert(0, limit)
    try:
        request.POST, request.FILES  # noqa: B018 - parse now, under the limit, so errors are ours to answer
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError, OSError):
        return _verify_page(
            request, document, VerifyForm(), refusal=_("The upload could not be read. Try again."), status=400
        )
    if limit.exceeded:
        return _verify_page(request, document, VerifyForm(), refusal=_too_big(), status=413)
    return _verify_checked(request, document)


@csrf_protect
def _verify_checked(request, document):
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _verify_page(request, document, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(settings.VERIFY_MAX_BYTES + 1)
    if len(data) > settings.VERIFY_MAX_BYTES:
        return _verify_page(request, document, VerifyForm(), refusal=_too_big(), status=413)
    verdict = verify_upload(data, document)
    return _verify_page(request, document, VerifyForm(), verdict=verdict)


# Room for the multipart boundaries, headers and the CSRF token around the file itself.
VERIFY_FORM_OVERHEAD = 64 * 1024


def _verify_page(request, document, form, *, verdict=None, refusal="", status=200):
    context = {"document": document, "form": form, "verdict": verdict, "refusal": refusal}
    return render(request, "reports/verify.html", context, status=status)


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _too_big() -> str:
    return _("The file is too large to check: at most %(size)s MB.") % {
        "size": settings.VERIFY_MAX_BYTES // (1024 * 1024)
    }


class VerifyUploadLimit(FileUploadHandler):
    """Stops reading the request body as soon as the uploaded file passes `limit` bytes.

    Catches bodies that announce a small or no Content-Length and then keep coming; the rest of
    the body is left unread (connection_reset) rather than consumed.
    """

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data  # pass the chunk on to the next handler (memory or temporary file)

    def file_complete(self, file_size):
        return None


def _evidence_or_404(agency, evidence_id: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("realisation__indicator__objective"),
        pk=evidence_id,
        realisation__indicator__objective__agency=agency,
    )


@login_required
def evidence_download(request, evidence_id: int):
    """A bukti dukung file, for logins of its agency only (and superusers, who see every agency in
    the admin): another agency's is a 404."""
    if request.user.is_superuser:
        evidence = get_object_or_404(Evidence, pk=evidence_id)
    else:
        evidence = _evidence_or_404(agency_or_403(request), evidence_id)
    return download_response(request, evidence.file, evidence.original_name or str(evidence))


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    """Remove a wrong bukti dukung file (the uploader or the unit head, while the quarter is open)."""
    evidence = _evidence_or_404(agency_or_403(request), evidence_id)
    realisation = evidence.realisation
    period = Period.quarter(realisation.year, realisation.quarter)
    try:
        removal = evidence_remove(evidence=evidence, user=request.user)
    except (PermissionDenied, ValidationError) as problem:
        messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
    else:
        messages.success(request, _("Removed: %(name)s.") % {"name": removal.original_name})
    return redirect("reports:figures-unit", str(period), realisation.indicator.responsible_unit_id)


PUBLICATIONS_PER_PAGE = 50


def _publisher_agency(request):
    agency = agency_or_403(request)
    if not permissions.can_publish(request.user, agency):
        raise PermissionDenied(_("Only the agency's administrator or its Kepala Dinas chooses what the public sees."))
    return agency


@login_required
def publications(request):
    """The agency's signed documents of a public kind, newest first, each published, withdrawn or not
    published, with the buttons to publish or withdraw it and its page as the public sees it."""
    agency = _publisher_agency(request)
    documents = (
        SignedDocument.objects.filter(agency=agency, kind__in=PUBLIC_KINDS)
        .select_related("publication", "sop_version")
        .defer("pdf", "signer_certificate")
        .order_by("-signed_at", "-pk")
    )
    context = {
        "agency": agency,
        "page": Paginator(documents, PUBLICATIONS_PER_PAGE).get_page(request.GET.get("page")),
        "withdraw_form": PublicationWithdrawForm(),
    }
    return render(request, "reports/publications.html", context)


def _signed_of(agency, document_id: int) -> SignedDocument:
    return get_object_or_404(
        SignedDocument.objects.defer("pdf").select_related("agency"), pk=document_id, agency=agency
    )


@login_required
@require_POST
def publication_publish_view(request, document_id: int):
    agency = _publisher_agency(request)
    document = _signed_of(agency, document_id)
    try:
        publication_publish(document=document, user=request.user)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, _("Published: %(title)s.") % {"title": document.title})
    return redirect("reports:publications")


@login_required
@require_POST
def publication_withdraw_view(request, document_id: int):
    agency = _publisher_agency(request)
    document = _signed_of(agency, document_id)
    form = PublicationWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the document is withdrawn: the public page shows it."))
        return redirect("reports:publications")
    try:
        publication_withdraw(document=document, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, _("Withdrawn from the public portal: %(title)s.") % {"title": document.title})
    return redirect("reports:publications")
