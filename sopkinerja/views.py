"""Project-wide pages: the refusal shown when a form's security token is missing or stale."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def permission_denied(request, exception=None):
    """403 with the app's layout; the refusal text (our own, translated) is shown when there is one."""
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request, reason=""):
    """A stale or missing CSRF token: explain it in the visitor's language, never Django's English page."""
    message = _("This form has expired or was sent from another page. Reload the page and send it again.")
    return render(request, "403.html", {"reason": message, "expired_form": True}, status=403)
