"""Issue 18 in the browser at 390 px: the Kepala Dinas (who approves and signs) enrols an
authenticator app from the QR page's key and signs in with its code; and enrols a passkey with
Chromium's virtual authenticator (CDP WebAuthn) and signs in with it. Screenshots of the enrolment,
backup-code and verification pages at 390 px go to SCREENSHOTS_DIR (default var/screenshots/)."""

import os
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from workflow.models import Employee

from ..conftest import PASSWORD

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", django_settings.BASE_DIR / "var" / "screenshots"))
PHONE = {"width": 390, "height": 844}
WHO = "balangan.kadis"


@pytest.fixture
def second_factor_on(settings, live_server):
    settings.OTP_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def password_step(page, base: str):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", WHO)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def code_from(secret: str, steps_later: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_later
    return f"{totp.token():06d}"


def sign_out(page):
    page.get_by_role("button", name="Keluar").first.click()


def test_an_approver_enrols_an_authenticator_app_and_signs_in_with_its_code(
    browser, live_server, seeded, second_factor_on
):
    page = browser.new_page(viewport=PHONE)
    password_step(page, live_server.url)
    page.wait_for_url("**/akun/faktor-kedua/?next=*")
    expect(page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "second-factor-enrolment-390.png", full_page=True)
    page.get_by_label("Kode").fill(code_from(secret))
    page.get_by_role("button", name="Konfirmasi kode").click()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.screenshot(path=SHOTS / "second-factor-backup-codes-390.png", full_page=True)
    page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/")  # the navbar's menu is folded at 390 px; sign out from a form post
    page.locator("form[action='/accounts/logout/'] button").first.dispatch_event("click")
    page.wait_for_url("**/accounts/login/")
    password_step(page, live_server.url)
    page.wait_for_url("**/akun/faktor-kedua/verifikasi/**")
    page.screenshot(path=SHOTS / "second-factor-verification-390.png", full_page=True)
    page.get_by_label("Kode").fill(code_from(secret, steps_later=1))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("main")).not_to_contain_text("Faktor kedua")


def test_a_passkey_is_enrolled_and_then_signs_in_with_a_virtual_authenticator(
    browser, live_server, seeded, second_factor_on
):
    page = browser.new_page(viewport=PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    password_step(page, live_server.url)
    page.wait_for_url("**/akun/faktor-kedua/?next=*")
    page.get_by_role("button", name="Tambah passkey").click()
    user = Employee.objects.get(user__username=WHO).user
    for _tick in range(100):
        if WebAuthnCredential.objects.filter(user=user, confirmed=True).exists():
            break
        page.wait_for_timeout(100)
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(), page.locator("main").inner_text()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/")  # the registration passed the factor for this session

    page.locator("form[action='/accounts/logout/'] button").first.dispatch_event("click")
    page.wait_for_url("**/accounts/login/")
    password_step(page, live_server.url)
    page.wait_for_url("**/akun/faktor-kedua/verifikasi/**")
    page.get_by_role("button", name="Gunakan passkey").click()
    page.wait_for_url(f"{live_server.url}/")
