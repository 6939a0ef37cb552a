"""Brute force: after AXES_FAILURE_LIMIT wrong passwords a username is locked out from that address,
even with the right password, until the cool-off passes or a superuser unlocks it in the admin."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from .conftest import PASSWORD

LOCKED = "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini dari alamat Anda."


@pytest.fixture(autouse=True)
def three_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client, password, username="balangan.staf", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times, **headers):
    for _ in range(times):
        sign_in(client, "salah-sandi", **headers)


def test_the_right_password_is_refused_after_too_many_failures_with_an_indonesian_message(client, db):
    fail(client, 2)
    response = sign_in(client, "salah-sandi")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response = sign_in(client, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429 and LOCKED in page and "30 menit" in page
    assert 'name="username"' in page  # the sign-in page itself, with its navigation, not a bare error
    assert not signed_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, db):
    fail(client, 2)
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)


def test_the_lockout_is_per_username_and_address(client, db):
    fail(client, 3, REMOTE_ADDR="198.51.100.1")
    assert sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert sign_in(client, PASSWORD, username="balangan.kadis", REMOTE_ADDR="198.51.100.1").status_code == 302
    client.logout()
    assert sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_the_admin_login_is_locked_out_too(client, db):
    fail(client, 3, username="balangan.kasubbag")
    response = client.post(
        reverse("admin:login"), {"username": "balangan.kasubbag", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 429 and not signed_in(client)


def test_a_superuser_unlocks_the_login_in_the_admin(client, login, db):
    fail(client, 3)
    assert sign_in(client, PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="balangan.staf")
    admin_client = login("admin")
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    response = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    client.logout()
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)


def test_an_agency_admin_does_not_see_or_delete_login_attempts(client, login, db):
    fail(client, 3, username="padangpanjang.kadis")
    attempt = AccessAttempt.objects.get(username="padangpanjang.kadis")
    agency_admin = login("balangan.kasubbag")
    assert agency_admin.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    response = agency_admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 403 and AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert "axes" not in agency_admin.get(reverse("admin:index")).content.decode().lower()


def test_behind_a_proxy_the_client_address_comes_from_the_configured_header(client, settings, db):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    # Every request arrives from the proxy (one REMOTE_ADDR); the header says who the client is.
    fail(client, 3, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7")
    assert AccessAttempt.objects.get(username="balangan.staf").ip_address == "203.0.113.7"
    assert sign_in(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    response = sign_in(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.8")
    assert response.status_code == 302 and signed_in(client)
