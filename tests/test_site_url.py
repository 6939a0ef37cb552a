"""Links in e-mail and QR codes use SITE_URL, whose default comes from HOST/PORT, never a request."""

from io import StringIO

import pytest
from django.core.management import call_command

from sopkinerja.settings import default_site_url
from workflow.models import OutgoingMail


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "https://127.0.0.1:8000"),
        ({"DEBUG": "1"}, "http://127.0.0.1:8000"),
        ({"HOST": "127.0.0.1:8000", "HTTPS": "0"}, "http://127.0.0.1:8000"),
        ({"HOST": "192.168.1.20:8080", "HTTPS": "0"}, "http://192.168.1.20:8080"),
        ({"HOST": "0.0.0.0:9000", "HTTPS": "0"}, "http://127.0.0.1:9000"),
        ({"HOST": "sop.balangankab.go.id", "PORT": "443", "HTTPS": "1"}, "https://sop.balangankab.go.id"),
        ({"HOST": "sop.example.go.id", "PORT": "8443", "HTTPS": "1"}, "https://sop.example.go.id:8443"),
        ({"HOST": "[::1]:8001", "HTTPS": "0"}, "http://[::1]:8001"),
        ({"HOST": "localhost:8000", "PORT": "8002", "HTTPS": "0"}, "http://localhost:8002"),
    ],
)
def test_the_default_site_url_follows_host_and_port(environ, expected):
    assert default_site_url(environ) == expected


def test_load_demo_prints_the_configured_address(db, settings):
    settings.SITE_URL = "http://192.168.1.20:8080"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Open http://192.168.1.20:8080/ and sign in." in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue()


def test_a_notification_links_to_the_site_url_whatever_the_request_host(
    settings, login, sop000, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://sop.balangankab.go.id"
    settings.ALLOWED_HOSTS = ["*"]
    client = login("balangan.kadis")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/runs/", {"version": sop000.pk, "period": "2025-TW2"}, HTTP_HOST="intranet.local:8123")
    bodies = list(OutgoingMail.objects.values_list("body", flat=True))
    assert bodies, "starting a run mails the first disposisi"
    assert all("intranet.local" not in body and "127.0.0.1" not in body for body in bodies)
    assert all("https://sop.balangankab.go.id/" in body for body in bodies)
