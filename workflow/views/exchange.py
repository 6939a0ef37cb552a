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
from workflow.sop.exchange.excel import workbook_for
from workflow.sop.exchange.files import CONTENT_TYPES, sop_export_file, sop_import_file
from workflow.sop.exchange.forms import SopImportForm
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
    agency = agency_or_403(request)
    if not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("You may not import SOPs into this agency."))
    form = SopImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = sop_import_file(agency=agency, name=upload.name, stream=upload, user=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _("The SOP was imported as a draft: check it, then have it signed."))
            return redirect("workflow:sop-detail", version.pk)
    return render(request, "workflow/sop/exchange/import.html", {"form": form, "problems": problems, "agency": agency})
