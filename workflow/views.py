from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from reports.selectors import latest_reported_quarter, measure
from workflow.models import SopVersion
from workflow.selectors import agency_of, sop_version_detail, sops_for_agency


def _agency_or_403(request):
    agency = agency_of(request.user)
    if agency is None:
        raise PermissionDenied(_("Your login is not linked to an agency."))
    return agency


@login_required
def home(request):
    agency = _agency_or_403(request)
    period = latest_reported_quarter(agency)
    return render(
        request,
        "workflow/home.html",
        {
            "agency": agency,
            "sops": sops_for_agency(agency),
            "period": period,
            "measurements": measure(agency, period) if period else [],
        },
    )


@login_required
def sop_detail(request, version_id: int):
    agency = _agency_or_403(request)
    try:
        version = sop_version_detail(agency, version_id)
    except SopVersion.DoesNotExist:
        raise Http404(_("No such SOP in your agency.")) from None
    return render(request, "workflow/sop_detail.html", {"agency": agency, "version": version})
