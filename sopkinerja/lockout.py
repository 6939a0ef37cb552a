"""What a locked-out login sees: the login page again, with a plain Indonesian message (429)."""

from axes.helpers import get_cool_off
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import render
from django.utils.translation import gettext as _

from sopkinerja.forms import LoginForm


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: render the sign-in page with the lockout message, status 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    message = _(
        "Too many failed sign-in attempts for this username from your address. Sign-in is locked for "
        "%(minutes)d minutes; try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "lockout_message": message,
        "next": request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, "")),
    }
    return render(request, "registration/login.html", context, status=429)
