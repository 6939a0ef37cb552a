"""Production fails closed: no debug, no default key, mail configured, HTTPS on, clean deploy checks.

Each case starts `manage.py` in a fresh process with the environment an operator would give it,
so the settings module is read exactly as in production.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k7Qx2-production-test-key-9fLw8Zr3Tn6Vb1Hs4Jd0Mc5Ge7Ya2Ui8Op3",
    "ALLOWED_HOSTS": "sopkinerja.balangankab.go.id",
    "EMAIL_HOST": "smtp.balangankab.go.id",
    "DATABASE_URL": "postgres://sopkinerja@db.internal/sopkinerja",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="sopkinerja.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def a_ca_certificate(directory) -> str:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path = directory / "ca.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_the_deploy_checks_are_clean_under_production_settings(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SIGNING_TRUST_ROOTS=a_ca_certificate(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_warn_without_trust_roots_and_fail_on_a_missing_one(tmp_path):
    without = manage("check", "--deploy", **PRODUCTION)
    assert "sopkinerja.W001" in without.stderr + without.stdout
    missing = manage("check", "--deploy", SIGNING_TRUST_ROOTS=str(tmp_path / "nothing.pem"), **PRODUCTION)
    assert missing.returncode != 0 and "sopkinerja.E001" in missing.stderr


def test_debug_is_off_and_https_is_enforced_unless_configured_otherwise():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = manage("shell", "-v", "0", "-c", code, **PRODUCTION)
    assert result.stdout.split() == ["False", "True", "31536000", "True", "True"], result.stderr


def test_tls_ending_at_nginx_is_trusted_only_through_the_configured_header():
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    result = manage("shell", "-v", "0", "-c", code, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO", **PRODUCTION)
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_without_a_secret_key_production_refuses_to_start():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_without_a_mail_server_production_refuses_to_start():
    env = {**PRODUCTION}
    del env["EMAIL_HOST"]
    result = manage("check", **env)
    assert result.returncode != 0 and "Set EMAIL_HOST" in result.stderr


def test_a_missing_page_is_the_apps_own_indonesian_page(client, db):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page and "SOP Kinerja" in page and "Traceback" not in page


def test_a_refused_page_is_the_apps_own_indonesian_page_with_the_reason(client, db):
    from django.contrib.auth import get_user_model

    # A login with no employee profile and no agency to view (a superuser now gets the switcher).
    client.force_login(get_user_model().objects.create_user("tamu", password="x-password-1"))
    response = client.get(reverse("reports:figures"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Akses ditolak" in page and "Akun Anda belum terhubung ke sebuah dinas." in page
    assert 'href="/"' in page or reverse("workflow:home") in page


def test_a_form_without_its_security_token_gets_an_indonesian_refusal(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulir ini kedaluwarsa" in response.content.decode()


@pytest.mark.parametrize("path", ["/media/evidence/balangan/2026/TW1/x.pdf", "/static/../settings.py"])
def test_odd_paths_get_the_apps_not_found_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.content.decode()


def test_opening_an_action_address_directly_gets_an_indonesian_page_not_an_empty_one(login):
    response = login("balangan.kadis").get("/plh/1/end/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Tidak dapat dibuka dengan cara ini" in response.content.decode()
