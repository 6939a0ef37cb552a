"""The second factor's rules and writes: who owes it, enrolling an authenticator app (TOTP) with a
test code, backup codes shown once, checking a typed code, and an agency admin's reset.

The signing passphrase is not replaced: the second factor guards the sign-in, the passphrase each
signature.
"""

import logging
import secrets

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from workflow import permissions
from workflow.models.organisation import Employee

log = logging.getLogger("sopkinerja.second_factor")

ADMIN_PATH = "/admin/"
TOTP_NAME = "Aplikasi autentikator"
BACKUP_NAME = "Kode cadangan"


def second_factor_owed(user, path: str = "") -> bool:
    """The user must pass a second factor before any page: the role requires it
    (workflow.permissions.owes_second_factor), the page is the Django admin, or the user enrolled a
    device of their own. Nothing is owed while OTP_REQUIRED is off."""
    if not settings.OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return path.startswith(ADMIN_PATH) or permissions.owes_second_factor(user) or user_has_device(user)


def has_device(user) -> bool:
    """A confirmed way to pass the factor: an authenticator app or a passkey (backup codes alone are
    only the way back in, not an enrolment)."""
    return any(not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True))


def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator of this user (a new secret unless one waits for its test code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator when the test code is right; return the new backup codes (shown
    once), or None when the code is wrong and nothing changed. Older authenticators of the user go."""
    if device.confirmed or not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.info("second factor: %s enrolled an authenticator app", device.user.get_username())
    return backup_codes_issue(user=device.user)


@transaction.atomic
def backup_codes_issue(*, user) -> list[str]:
    """A fresh set of OTP_BACKUP_CODES single-use codes; the old ones stop working. Only their
    holder sees them, once: they are stored as django-otp keeps them, and never logged."""
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": BACKUP_NAME})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(settings.OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_check(*, user, token: str):
    """The confirmed device that accepts the code (an authenticator's current code, or a backup
    code, which is used up), else None."""
    token = "".join(token.split())
    if not token.isdigit():
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, (TOTPDevice, StaticDevice)) and device.verify_token(token):
            return device
    return None


@transaction.atomic
def second_factor_reset(*, member: Employee, by) -> int:
    """Remove every device of the member (authenticator, backup codes, passkeys) so they enrol
    again at their next sign-in. Only the member's agency admin (or a superuser) may; the reset is
    logged and recorded in the admin's history with who did it. Returns how many devices went."""
    if not permissions.is_agency_admin(by, member.agency):
        raise PermissionDenied(_("Only an administrator of the member's agency may reset their second factor."))
    user = member.user
    removed = sum(
        model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        for model in (TOTPDevice, StaticDevice, WebAuthnCredential)
    )
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[member],
        action_flag=CHANGE,
        change_message=f"Second factor reset ({removed} devices removed)",
        single_object=True,
    )
    log.warning(
        "second factor: %s reset the second factor of %s (%d devices removed)",
        by.get_username(),
        user.get_username(),
        removed,
    )
    return removed
