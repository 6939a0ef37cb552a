"""Issue 18: a second factor for those who sign, approve and administer (django-otp).

The suite runs with OTP_REQUIRED off (tests sign in with force_login); every test here switches it
on, and signs in through the login page so that django-axes sees what it sees in production."""

import datetime
import time
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sopkinerja.second_factor.devices import backup_codes_issue
from sopkinerja.second_factor.remember import COOKIE

from .conftest import PASSWORD, employee, user

SETUP = "/akun/faktor-kedua/"
VERIFY = "/akun/faktor-kedua/verifikasi/"
PAGES = ["/", "/sop/", "/dokumen/", "/runs/"]


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.OTP_REQUIRED = True


def code(device: TOTPDevice, steps_later: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_later * device.step
    return f"{totp.token():0{device.digits}d}"


def after_the_throttle_pause():
    """django-otp pauses a device after a wrong code (1 s, then doubling): a person waits that long."""
    later = timezone.now() + datetime.timedelta(seconds=5)
    return mock.patch("django_otp.models.timezone.now", return_value=later)


def sign_in(client, username: str):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def enrolled(username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user(username), name="Aplikasi autentikator", confirmed=True)


def test_a_signer_without_a_device_is_sent_to_enrolment_for_every_page(client, db):
    sign_in(client, "balangan.kadis")
    for page in [*PAGES, "/admin/"]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(SETUP + "?next="), page
    assert client.get("/health/").status_code in {200, 503}
    assert client.get(SETUP).status_code == 200


def test_after_enrolling_totp_with_a_test_code_and_verifying_pages_open(client, db):
    sign_in(client, "balangan.kadis")
    page = client.get(SETUP + "?next=/sop/")
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=user("balangan.kadis"), confirmed=False)
    assert page.context["secret"]

    wrong = client.post(SETUP, {"code": "000000", "next": "/sop/"})
    assert "tidak benar" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    with after_the_throttle_pause():
        shown = client.post(SETUP, {"code": code(device), "next": "/sop/"})
    device.refresh_from_db()
    assert device.confirmed
    codes = shown.context["codes"]
    assert len(codes) == 10 and all(len(c) == 8 for c in codes)
    for page in PAGES:
        assert client.get(page).status_code == 200, page

    # Next sign-in: the password, then the code.
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    assert client.get("/sop/")["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY), "no new device without passing the old one"
    response = client.post(VERIFY, {"code": code(device, steps_later=1), "next": "/sop/"})
    assert response["Location"] == "/sop/"
    assert client.get("/sop/").status_code == 200


def test_five_wrong_codes_lock_the_account_as_wrong_passwords_do(client, db, settings):
    device = enrolled("balangan.kadis")
    sign_in(client, "balangan.kadis")
    statuses = [client.post(VERIFY, {"code": "123456"}).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    assert AccessAttempt.objects.get(username="balangan.kadis").failures_since_start == settings.AXES_FAILURE_LIMIT
    # Signed out and locked: neither the right password nor, after it, the right code gets in.
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/accounts/login/")
    locked = client.post("/accounts/login/", {"username": "balangan.kadis", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.post(VERIFY, {"code": code(device)}).status_code == 302  # to the login page: not signed in
    assert not client.get("/").status_code == 200


def test_a_fresh_password_does_not_wipe_the_count_of_wrong_codes(client, db, settings):
    enrolled("balangan.kadis")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        if client.get("/").status_code == 302 and not client.session.get("_auth_user_id"):
            sign_in(client, "balangan.kadis")
        client.post(VERIFY, {"code": "123456"})
        client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": "balangan.kadis", "password": PASSWORD}).status_code == 429


def test_a_backup_code_works_once(client, db):
    enrolled("balangan.kadis")
    codes = backup_codes_issue(user=user("balangan.kadis"))
    sign_in(client, "balangan.kadis")
    assert client.post(VERIFY, {"code": codes[0], "next": "/sop/"})["Location"] == "/sop/"
    assert StaticToken.objects.filter(device__user=user("balangan.kadis")).count() == len(codes) - 1
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    again = client.post(VERIFY, {"code": codes[0], "next": "/sop/"})
    assert again.status_code == 400
    with after_the_throttle_pause():
        assert client.post(VERIFY, {"code": codes[1], "next": "/sop/"})["Location"] == "/sop/"


def test_an_agency_admin_resets_a_members_device_and_the_log_names_them(client, db, caplog):
    device = enrolled("balangan.kadis")
    backup_codes_issue(user=user("balangan.kadis"))
    admin_device = enrolled("balangan.kasubbag")
    sign_in(client, "balangan.kasubbag")
    client.post(VERIFY, {"code": code(admin_device)})
    kadis = employee("balangan.kadis")
    with caplog.at_level("WARNING", logger="sopkinerja.second_factor"):
        response = client.post(
            "/admin/workflow/employee/",
            {"action": "reset_second_factor", "_selected_action": [kadis.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticToken.objects.filter(device__user=kadis.user).exists()
    entry = LogEntry.objects.get(object_id=str(kadis.pk), change_message__startswith="Second factor reset")
    assert entry.user.username == "balangan.kasubbag"
    assert "balangan.kasubbag reset the second factor of balangan.kadis" in caplog.text
    # The member enrols again at the next sign-in.
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    assert client.get("/")["Location"].startswith(SETUP)


def test_an_agency_admin_cannot_reset_another_agencys_member(client, db):
    device = enrolled("padangpanjang.kadis")
    admin_device = enrolled("balangan.kasubbag")
    sign_in(client, "balangan.kasubbag")
    client.post(VERIFY, {"code": code(admin_device)})
    other = employee("padangpanjang.kadis")
    client.post("/admin/workflow/employee/", {"action": "reset_second_factor", "_selected_action": [other.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_remember_this_browser_skips_the_factor_for_30_days(client, db):
    device = enrolled("balangan.kadis")
    sign_in(client, "balangan.kadis")
    response = client.post(VERIFY, {"code": code(device), "remember": "on", "next": "/"})
    assert COOKIE in response.cookies
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    assert client.get("/sop/").status_code == 200, "a remembered browser skips the code"

    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    in_31_days = time.time() + 31 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=in_31_days):
        assert client.get("/sop/")["Location"].startswith(VERIFY), "after 30 days the code is asked again"


def test_remember_this_browser_is_not_offered_or_honoured_when_the_agency_switched_it_off(client, db, balangan):
    device = enrolled("balangan.kadis")
    sign_in(client, "balangan.kadis")
    client.post(VERIFY, {"code": code(device), "remember": "on", "next": "/"})
    assert client.cookies.get(COOKIE)
    balangan.second_factor_remember = False
    balangan.save(update_fields=["second_factor_remember"])
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kadis")
    page = client.get("/sop/")
    assert page["Location"].startswith(VERIFY), "the old cookie counts for nothing"
    form = client.get(VERIFY)
    assert "remember" not in form.context["form"].fields
    response = client.post(VERIFY, {"code": code(device, steps_later=1), "remember": "on", "next": "/"})
    assert COOKIE not in response.cookies


def test_a_cookie_of_another_user_counts_for_nothing(client, db):
    device = enrolled("balangan.kadis")
    enrolled("balangan.kasubbag")
    sign_in(client, "balangan.kadis")
    client.post(VERIFY, {"code": code(device), "remember": "on", "next": "/"})
    client.post("/accounts/logout/")
    sign_in(client, "balangan.kasubbag")
    assert client.get("/sop/")["Location"].startswith(VERIFY)


def test_an_approver_without_a_device_is_sent_to_enrolment(client, db):
    sign_in(client, "balangan.kabid-perpustakaan")  # approves the steps and figures of the Seksi below
    response = client.get("/sop/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_an_ordinary_user_is_not_asked_until_the_agency_requires_it_for_all(client, db, balangan):
    sign_in(client, "balangan.staf")
    assert client.get("/sop/").status_code == 200
    balangan.second_factor_for_all = True
    balangan.save(update_fields=["second_factor_for_all"])
    assert client.get("/sop/")["Location"].startswith(SETUP)
    # Another agency's ordinary user is still not asked.
    client.post("/accounts/logout/")
    sign_in(client, "padangpanjang.perencana")
    assert client.get("/").status_code == 200


def test_an_ordinary_user_who_enrolled_a_device_is_asked_for_it(client, db):
    device = enrolled("balangan.staf")
    sign_in(client, "balangan.staf")
    assert client.get("/sop/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code(device), "next": "/sop/"})["Location"] == "/sop/"


def test_the_django_admin_requires_the_second_factor(client, db):
    sign_in(client, "admin")
    response = client.get("/admin/")
    assert response["Location"].startswith(SETUP)
    device = enrolled("admin")
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_also_leads_to_the_second_factor(client, db):
    enrolled("balangan.kasubbag")
    response = client.post("/admin/login/", {"username": "balangan.kasubbag", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_the_public_verification_page_and_static_files_stay_open(client, db):
    sign_in(client, "balangan.kadis")
    assert client.get("/verifikasi/00000000-0000-0000-0000-000000000000/").status_code in {200, 404}
    assert client.get("/health/").status_code in {200, 503}


def test_a_signer_with_the_requirement_off_is_never_asked(client, db, settings):
    settings.OTP_REQUIRED = False
    sign_in(client, "balangan.kadis")
    assert client.get("/sop/").status_code == 200
