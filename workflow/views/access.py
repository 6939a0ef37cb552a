"""Whose page this is: every view resolves the agency of the login and the object it names here, so
that another agency's data answers 403 or 404 in one way everywhere."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from workflow.models import Agency, SopVersion
from workflow.organisation.selectors import agency_of
from workflow.sop.selectors import sop_version_detail


def agency_or_403(request) -> Agency:
    """The agency whose pages the login sees (agency_of: their own, or the one a superuser chose)."""
    agency = agency_of(request.user)
    if agency is None:
        raise PermissionDenied(_("Your login is not linked to an agency."))
    return agency


def version_or_404(agency: Agency, version_id: int, *, whole: bool = False) -> SopVersion:
    """One SOP version of the agency; `whole` loads its text too (steps, columns, exits, lists)."""
    try:
        if whole:
            return sop_version_detail(agency, version_id)
        return SopVersion.objects.for_agency(agency).select_related("sop__agency", "sop__unit").get(pk=version_id)
    except SopVersion.DoesNotExist:
        raise Http404(_("No such SOP in your agency.")) from None
