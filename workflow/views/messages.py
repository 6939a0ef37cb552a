"""Pesan pemberitahuan: what each event sends, as its templates are written, for the agency's admins
(issue 18: "an agency admin can read the templates")."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.organisation.events import EVENTS, TEMPLATES
from workflow.views.access import agency_or_403


@login_required
def message_templates(request):
    agency = agency_or_403(request)
    if not permissions.is_agency_admin(request.user, agency):
        raise PermissionDenied(_("Only the agency's admins read the message templates."))
    events = [
        {
            "name": name,
            "label": label,
            "templates": [(template, get_template(template).template.source) for template in TEMPLATES[name]],
        }
        for name, label in EVENTS.items()
    ]
    return render(request, "workflow/message_templates.html", {"agency": agency, "events": events})
