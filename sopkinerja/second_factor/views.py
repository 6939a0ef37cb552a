"""The pages of the second factor: enrolment (authenticator app with a test code, passkeys, backup
codes shown once) and verification after the password (a code, a backup code or a passkey)."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout, user_login_failed
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from sopkinerja.lockout import lockout_response, second_factor_passed
from sopkinerja.second_factor.devices import (
    backup_codes_issue,
    backup_codes_left,
    has_device,
    second_factor_check,
    totp_device_confirm,
    totp_device_start,
)
from sopkinerja.second_factor.forms import CodeForm, VerifyForm
from sopkinerja.second_factor.remember import remember_browser, remember_offered
from workflow import permissions


def next_page(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse(settings.LOGIN_REDIRECT_URL)


def backup_codes_page(request, codes: list[str]):
    """The only time the codes are shown."""
    return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": next_page(request)})


@never_cache  # the QR key and the backup codes must not stay in a cache
@login_required
@sensitive_post_parameters("code")
def second_factor_setup(request):
    """Enrol: scan the QR code (or type the secret), confirm with a test code, keep the backup codes.
    Once a device exists, only a session that passed the factor may add or renew anything."""
    user = request.user
    if has_device(user) and not user.is_verified():
        return redirect(f"{reverse('second-factor-verify')}?{urlencode({REDIRECT_FIELD_NAME: next_page(request)})}")
    if request.method == "POST" and request.POST.get("action") == "backup-codes" and user.is_verified():
        return backup_codes_page(request, backup_codes_issue(user=user))
    totp_enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device = None if totp_enrolled else totp_device_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" and device is not None else None)
    if form.is_bound and form.is_valid():
        codes = totp_device_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return backup_codes_page(request, codes)
        form.add_error("code", _("That code is not right. Check the time on your phone and type the newest code."))
    context = {
        "form": form,
        "device": device,
        "next": next_page(request),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"),
        "backup_codes_left": backup_codes_left(user),
        "enrolled": has_device(user),
        # Reached from the user menu by someone whose role does not require it: say it is their choice.
        "required": settings.OTP_REQUIRED and permissions.owes_second_factor(user),
    }
    if device is not None:
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
    return render(request, "registration/second_factor_setup.html", context)


@never_cache
@login_required
@sensitive_post_parameters("code")
def second_factor_verify(request):
    """After the password: a code from the authenticator app, a backup code, or a passkey. A wrong
    code is a failed sign-in for django-axes, so wrong codes lock the account as wrong passwords do."""
    user = request.user
    if user.is_verified():
        return redirect(next_page(request))
    if not has_device(user):
        return redirect(f"{reverse('second-factor-setup')}?{urlencode({REDIRECT_FIELD_NAME: next_page(request)})}")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return lockout_response(request, credentials=credentials)
    offered = remember_offered(user)
    form = VerifyForm(request.POST or None, remember_offered=offered)
    if form.is_bound and form.is_valid():
        device = second_factor_check(user=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            second_factor_passed(request, user)
            response = redirect(next_page(request))
            if form.cleaned_data.get("remember"):
                remember_browser(response, user=user, device=device)
            return response
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)  # AxesMiddleware answers with the lockout page; the password is asked again later
            return lockout_response(request, credentials=credentials)
        form.add_error("code", _("That code is not right."))
    context = {
        "form": form,
        "next": next_page(request),
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "registration/second_factor_verify.html", context, status=400 if form.errors else 200)
