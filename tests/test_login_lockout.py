"""Brute force: after AXES_FAILURE_LIMIT wrong passwords a username is locked out from that address,
after LOGIN_ADDRESS_FAILURE_LIMIT an address is locked out for every account, and after
LOGIN_USERNAME_FAILURE_LIMIT from any addresses an account is locked out, even with the right
password, until the cool-off passes or a superuser unlocks it in the admin."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from sopkinerja.common.client_ip import client_ip

from .conftest import PASSWORD

LOCKED = "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini dari alamat Anda."
ADDRESS_LOCKED = "Terlalu banyak percobaan masuk yang gagal dari alamat Anda, untuk akun apa pun."
ACCOUNT_LOCKED = "Akun ini dikunci setelah terlalu banyak percobaan masuk yang gagal dari berbagai alamat."


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
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    # Every request arrives from the proxy (one REMOTE_ADDR); the header says who the client is.
    fail(client, 3, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7")
    assert AccessAttempt.objects.get(username="balangan.staf").ip_address == "203.0.113.7"
    assert sign_in(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    response = sign_in(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.8")
    assert response.status_code == 302 and signed_in(client)


def test_spraying_wrong_passwords_over_many_accounts_from_one_address_locks_that_address(client, settings, db):
    # 20 failures over 15 names: never 3 for one name (the per-name limit of this file), yet locked.
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for attempt in range(20):
        sign_in(client, "salah-sandi", username=f"pegawai{attempt % 15}", REMOTE_ADDR="198.51.100.5")
    response = sign_in(client, PASSWORD, username="balangan.kadis", REMOTE_ADDR="198.51.100.5")
    page = response.content.decode()
    assert response.status_code == 429 and ADDRESS_LOCKED in page and 'name="username"' in page
    assert not signed_in(client)
    assert sign_in(client, PASSWORD, username="balangan.kadis", REMOTE_ADDR="198.51.100.6").status_code == 302


def test_failures_against_one_account_from_many_addresses_lock_the_account(client, settings, db):
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 10
    for attempt in range(10):
        sign_in(client, "salah-sandi", REMOTE_ADDR=f"198.51.100.{10 + attempt}")
    response = sign_in(client, PASSWORD, REMOTE_ADDR="203.0.113.50")
    page = response.content.decode()
    assert response.status_code == 429 and ACCOUNT_LOCKED in page and "administrator" in page
    assert not signed_in(client)
    # Another account from the same addresses is not affected.
    assert sign_in(client, PASSWORD, username="balangan.kadis", REMOTE_ADDR="198.51.100.10").status_code == 302


def test_a_superuser_unlocks_an_account_locked_from_many_addresses_by_deleting_its_attempts(client, db):
    for attempt in range(10):
        sign_in(client, "salah-sandi", REMOTE_ADDR=f"198.51.100.{10 + attempt}")
    assert sign_in(client, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 429
    AccessAttempt.objects.filter(username="balangan.staf").delete()  # the admin's "delete selected"
    assert sign_in(client, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 302 and signed_in(client)


def test_rotating_the_proxy_header_from_an_address_that_is_not_a_proxy_does_not_spread_failures(client, settings, db):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"  # gunicorn reached directly, not through nginx
    for attempt in range(3):
        sign_in(client, "salah-sandi", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP=f"203.0.113.{attempt}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    response = sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.99")
    assert response.status_code == 429 and LOCKED in response.content.decode() and not signed_in(client)


def test_the_proxy_header_is_honoured_from_a_configured_proxy_network_and_a_unix_socket(rf, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "unix"]
    assert client_ip(rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="203.0.113.7")) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.8")) == "203.0.113.8"
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_REAL_IP="203.0.113.9")) == "192.0.2.1"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(rf.get("/", REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.8")) == ""


def test_by_default_only_a_proxy_on_the_same_host_is_trusted(settings):
    assert settings.TRUSTED_PROXIES == ["127.0.0.1", "::1", "unix"]


@pytest.mark.parametrize("length", [256, 10_000])
def test_an_overlong_username_is_a_plain_failed_login(client, db, length):
    response = sign_in(client, "salah-sandi", username="a" * length)
    page = response.content.decode()
    assert response.status_code == 200 and "Nama pengguna atau sandi salah" in page
    assert AccessAttempt.objects.get().username == "a" * 255  # what fits django-axes' column


@pytest.mark.parametrize("length", [256, 10_000])
def test_an_overlong_username_on_the_admin_login_is_a_plain_failed_login(client, db, length):
    response = client.post(reverse("admin:login"), {"username": "a" * length, "password": "x", "next": "/admin/"})
    assert response.status_code == 200 and not signed_in(client)
