from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import signing
from reports.document_services import can_sign, document_request
from reports.forms import RealisationForm, ReportForm, SopSheetForm, VerifyForm
from reports.models import DocumentKind, DocumentRequest, Evidence, SignedDocument
from reports.periods import Period
from reports.selectors import figure_entries
from reports.services import evidence_add, evidence_remove, realisation_submit
from reports.templatetags.report_tags import angka
from sopkinerja.uploads import download_response
from workflow import permissions
from workflow.models import Disposition
from workflow.selectors import figures_locked
from workflow.views import _agency_or_403


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


@login_required
def document_list(request):
    agency = _agency_or_403(request)
    signer = can_sign(request.user, agency)
    year = timezone.localdate().year
    sop_form = SopSheetForm(agency=agency, can_sign=signer, prefix="sop")
    report_form = ReportForm(year=year, can_sign=signer, prefix="report")
    if request.method == "POST":
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
    return render(
        request,
        "reports/documents.html",
        {
            "agency": agency,
            "sop_form": sop_form,
            "report_form": report_form,
            "requests": DocumentRequest.objects.filter(agency=agency).select_related("signed_document")[:20],
            "signed": SignedDocument.objects.filter(agency=agency).defer("pdf")[:50],
        },
    )


@login_required
@require_POST
def disposition_print(request, disposition_id: int):
    agency = _agency_or_403(request)
    disposition = get_object_or_404(Disposition, pk=disposition_id, run_step__run__sop__agency=agency)
    return _request(request, agency=agency, kind=DocumentKind.DISPOSITION, disposition=disposition)


@login_required
def request_view(request, request_id: int):
    agency = _agency_or_403(request)
    document = get_object_or_404(DocumentRequest.objects.defer("pdf"), pk=request_id, agency=agency)
    return render(request, "reports/request.html", {"agency": agency, "document": document})


@login_required
def request_download(request, request_id: int):
    agency = _agency_or_403(request)
    document = get_object_or_404(DocumentRequest, pk=request_id, agency=agency, status=DocumentRequest.Status.READY)
    if document.signed_document_id:
        return redirect("reports:signed-download", document.signed_document_id)
    return _pdf_response(document.pdf, document.filename)


@login_required
def signed_download(request, document_id: int):
    """The stored bytes, exactly as signed: a signed document is never rendered again."""
    agency = _agency_or_403(request)
    document = get_object_or_404(SignedDocument, pk=document_id, agency=agency)
    return _pdf_response(document.pdf, document.filename)


def verify(request, token):
    """Public page behind the QR code: what was signed, by whom, and whether a PDF is that original."""
    document = (
        SignedDocument.objects.select_related("agency__local_government").defer("pdf").filter(token=token).first()
    )
    if document is None:
        raise Http404(_("No signed document has this verification code."))
    verdict = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"].read()
        try:
            validation = signing.validate(uploaded, document.agency)
        except signing.SigningUnavailable:
            validation = signing.Validation(signed=False)
        verdict = {
            "same_bytes": signing.sha256(uploaded) == document.sha256,
            "validation": validation,
            "sha256": signing.sha256(uploaded),
        }
    return render(request, "reports/verify.html", {"document": document, "form": form, "verdict": verdict})


def _quarters(today) -> list[Period]:
    current = (today.month - 1) // 3 + 1
    this_year = [Period.quarter(today.year, q) for q in range(current, 0, -1)]
    return this_year + [Period.quarter(today.year - 1, q) for q in (4, 3, 2, 1)]


@login_required
def figures(request, period: str | None = None):
    """Staff enter their unit's quarterly figures: realisasi, kendala, solusi and bukti dukung."""
    agency = _agency_or_403(request)
    choices = _quarters(timezone.localdate())
    try:
        selected = Period.parse(period) if period else choices[0]
    except ValueError as problem:
        raise Http404(str(problem)) from None
    if selected.kind != "triwulan":
        raise Http404(_("Figures are entered per quarter."))
    entries = figure_entries(agency, selected, request.user)
    forms_by_indicator = {}
    for entry in entries:
        initial = {}
        if entry.realisation:
            initial = {
                "value": angka(entry.realisation.value),
                "obstacles": entry.realisation.obstacles,
                "solutions": entry.realisation.solutions,
            }
        forms_by_indicator[entry.indicator.pk] = RealisationForm(initial=initial, prefix=f"i{entry.indicator.pk}")
    if request.method == "POST":
        entry = next((e for e in entries if str(e.indicator.pk) == request.POST.get("indicator")), None)
        if entry is None:
            raise Http404(_("You do not enter figures for this indicator."))
        form = RealisationForm(request.POST, request.FILES, prefix=f"i{entry.indicator.pk}")
        forms_by_indicator[entry.indicator.pk] = form
        if form.is_valid() and _save_figure(request, entry, selected, form):
            return redirect("reports:figures-period", str(selected))
    locked = figures_locked(agency, selected.year, selected.number)
    removable = set()
    if not locked:
        removable = {
            evidence.pk
            for entry in entries
            if entry.realisation
            for evidence in entry.realisation.evidence.all()
            if permissions.can_remove_evidence(request.user, evidence)
        }
    return render(
        request,
        "reports/figures.html",
        {
            "agency": agency,
            "period": selected,
            "choices": choices,
            "rows": [(entry, forms_by_indicator[entry.indicator.pk]) for entry in entries],
            "locked": locked,
            "removable": removable,
        },
    )


@transaction.atomic
def _save_figure(request, entry, period, form) -> bool:
    try:
        realisation = realisation_submit(
            indicator=entry.indicator,
            year=period.year,
            quarter=period.number,
            value=form.cleaned_data["value"],
            obstacles=form.cleaned_data["obstacles"],
            solutions=form.cleaned_data["solutions"],
            user=request.user,
        )
        if form.cleaned_data.get("evidence"):
            evidence_add(realisation=realisation, file=form.cleaned_data["evidence"], user=request.user)
    except (ValidationError, PermissionDenied) as problem:
        transaction.set_rollback(True)
        messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
        return False
    messages.success(
        request, _("Saved: %(indicator)s, %(period)s.") % {"indicator": entry.indicator.name, "period": period.label}
    )
    return True


def _evidence_or_404(agency, evidence_id: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("realisation__indicator__objective"),
        pk=evidence_id,
        realisation__indicator__objective__agency=agency,
    )


@login_required
def evidence_download(request, evidence_id: int):
    """A bukti dukung file, for logins of its agency only: another agency's is a 404."""
    evidence = _evidence_or_404(_agency_or_403(request), evidence_id)
    return download_response(request, evidence.file, evidence.original_name or str(evidence))


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    """Remove a wrong bukti dukung file (the uploader or the unit head, while the quarter is open)."""
    evidence = _evidence_or_404(_agency_or_403(request), evidence_id)
    realisation = evidence.realisation
    period = Period.quarter(realisation.year, realisation.quarter)
    try:
        removal = evidence_remove(evidence=evidence, user=request.user)
    except (PermissionDenied, ValidationError) as problem:
        messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
    else:
        messages.success(request, _("Removed: %(name)s.") % {"name": removal.original_name})
    return redirect("reports:figures-period", str(period))
