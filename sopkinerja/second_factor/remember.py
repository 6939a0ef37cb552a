""" "Remember this browser": after passing the second factor, a user may mark the browser as their
own for OTP_REMEMBER_DAYS, where their agency allows it (Agency.second_factor_remember).

The cookie is signed with the project key, names the user and the device that was passed, and
carries its own time: a forged, copied-to-another-user or expired cookie, a device that was reset,
or an agency that switched the option off, and it counts for nothing.
"""

import datetime

from django.conf import settings
from django.core import signing
from django_otp import devices_for_user

COOKIE = "sopkinerja_2fa_browser"
SALT = "sopkinerja.second_factor.remember"


def remember_offered(user) -> bool:
    """The user's agency lets its people skip the factor on a browser of their own."""
    employee = getattr(user, "employee", None)
    return employee is not None and employee.agency.second_factor_remember


def remember_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.OTP_REMEMBER_DAYS)


def remember_browser(response, *, user, device) -> None:
    """Set the cookie on the response (only where the agency offers it)."""
    if not remember_offered(user):
        return
    response.set_signed_cookie(
        COOKIE,
        f"{user.pk}:{device.persistent_id}",
        salt=SALT,
        max_age=int(remember_max_age().total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered_device(request, user):
    """The user's confirmed device this browser was remembered for, if the cookie is valid, not
    expired, theirs, and their agency still offers the option; else None."""
    if not remember_offered(user):
        return None
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT, max_age=remember_max_age())
    except (KeyError, signing.BadSignature):
        return None
    user_id, _colon, persistent_id = value.partition(":")
    if user_id != str(user.pk):
        return None
    return next((d for d in devices_for_user(user, confirmed=True) if d.persistent_id == persistent_id), None)
