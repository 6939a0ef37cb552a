"""SOP files in and out of the browser: download as JSON or Excel, the blank template, and the import page.
The work is done in workflow.sop.exchange; these views check the login, the agency and the permission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models import SopVersion
from workflow.sop.exchange.changes import draft_changes, draft_to_replace
from workflow.sop.exchange.excel import workbook_for
from workflow.sop.exchange.files import (
    CONTENT_TYPES,
    sop_export_file,
    sop_file_import,
    sop_file_read,
    sop_file_sealed,
    sop_file_unsealed,
)
from workflow.sop.exchange.forms import SopImportForm
from workflow.sop.exchange.json_format import content_digest
from workflow.sop.selectors import sop_version_detail
from workflow.views.access import agency_or_403


def _attachment(name: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def sop_download(request, version_id: int, kind: str):
    """Any user of the agency may take its SOPs away as a file; another agency's are a 404."""
    agency = agency_or_403(request)
    if kind not in CONTENT_TYPES:
        raise Http404
    try:
        version = sop_version_detail(agency, version_id)
    except SopVersion.DoesNotExist:
        raise Http404(_("No such SOP in your agency.")) from None
    return _attachment(*sop_export_file(version=version, kind=kind))


@login_required
def sop_template(request):
    agency = agency_or_403(request)
    return _attachment("templat-sop.xlsx", workbook_for(agency), CONTENT_TYPES["xlsx"])


@login_required
def sop_import(request):
    """Upload a file: it becomes a draft. When the SOP already has a draft, a confirmation page says
    what the file changes in it; confirming (the file travels signed in the page) replaces the draft."""
    agency = agency_or_403(request)
    if not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("You may not import SOPs into this agency."))
    form = SopImportForm(None if "sealed" in request.POST else request.POST or None, request.FILES or None)
    problems = []
    try:
        if "sealed" in request.POST:
            file, replacing = sop_file_unsealed(request.POST["sealed"])
            version = sop_file_import(agency=agency, file=file, user=request.user, replacing=replacing)
            messages.success(request, _("The draft was replaced by the file's content: check it, then have it signed."))
            return redirect("workflow:sop-detail", version.pk)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            file = sop_file_read(name=upload.name, stream=upload)
            draft = draft_to_replace(agency, file.document)
            if draft is not None:
                context = {
                    "agency": agency,
                    "draft": draft,
                    "changes": draft_changes(draft, file.document),
                    "sealed": sop_file_sealed(file, replacing=content_digest(draft)),
                    "file_name": upload.name,
                }
                return render(request, "workflow/sop/exchange/import_replace.html", context)
            version = sop_file_import(agency=agency, file=file, user=request.user)
            messages.success(request, _("The SOP was imported as a draft: check it, then have it signed."))
            return redirect("workflow:sop-detail", version.pk)
    except ValidationError as error:
        problems = error.messages
    return render(request, "workflow/sop/exchange/import.html", {"form": form, "problems": problems, "agency": agency})
