"""Evidence and step attachments are private: served only through views that check login and agency."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse

from reports.models import Indicator, Realisation
from reports.performance.services import evidence_add
from workflow.runs.services import run_step_submit

from .conftest import user
from .genuine_files import pdf_bytes, upload


@pytest.fixture
def attachment(run):
    first = run.steps.get(step__number=1)
    run_step_submit(
        run_step_id=first.pk,
        user=user("balangan.sekretaris"),
        output_note="Disposisi terkirim",
        files=[upload("disposisi ke-1.pdf", pdf_bytes())],
    )
    return first.attachments.get()


def evidence_url(evidence):
    return reverse("reports:evidence-download", args=[evidence.pk])


def attachment_url(attachment):
    return reverse("workflow:attachment-download", args=[attachment.pk])


@pytest.mark.parametrize(("fixture", "url"), [("evidence", evidence_url), ("attachment", attachment_url)])
def test_an_anonymous_visitor_is_sent_to_the_login_page(db, client, request, fixture, url):
    target = url(request.getfixturevalue(fixture))
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("fixture", "url"), [("evidence", evidence_url), ("attachment", attachment_url)])
def test_another_agency_gets_a_404_for_the_file(login, request, fixture, url):
    target = url(request.getfixturevalue(fixture))
    assert login("padangpanjang.kadis").get(target).status_code == 404


@pytest.mark.parametrize(
    ("fixture", "url", "name"),
    [("evidence", evidence_url, "buku-tamu TW3.pdf"), ("attachment", attachment_url, "disposisi ke-1.pdf")],
)
def test_the_same_agency_downloads_the_file_under_its_original_name(login, request, fixture, url, name):
    stored = request.getfixturevalue(fixture)
    response = login("balangan.kadis").get(url(stored))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response) == pdf_bytes()


def test_stored_names_cannot_be_guessed_from_the_original(evidence, attachment):
    for stored in (evidence, attachment):
        assert stored.original_name not in stored.file.name
        assert len(stored.file.name.rsplit("/", 1)[-1]) == len("0123456789abcdef0123456789abcdef.pdf")


def test_a_non_ascii_name_is_sent_as_rfc_6266_filename_star(login, balangan):
    indicator = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=3)
    stored = evidence_add(
        realisation=realisation, file=upload("Daftar hadir – Désa.pdf", pdf_bytes()), user=user("balangan.kasi-layanan")
    )
    disposition = login("balangan.kasi-layanan").get(evidence_url(stored))["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''Daftar%20hadir%20%E2%80%93%20D%C3%A9sa.pdf" in disposition


def test_the_nginx_backend_hands_the_transfer_to_the_web_server(login, evidence, settings):
    from django_sendfile.utils import _get_sendfile

    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected"
    _get_sendfile.cache_clear()
    try:
        response = login("balangan.kadis").get(evidence_url(evidence))
    finally:
        _get_sendfile.cache_clear()
    assert response["X-Accel-Redirect"] == f"/protected/{evidence.file.name}"
    assert response["Content-Disposition"] == 'attachment; filename="buku-tamu TW3.pdf"'
    assert response.content == b""


@pytest.mark.parametrize("debug", [True, False])
def test_nothing_under_media_is_served_with_debug_on_or_off(login, evidence, settings, debug):
    settings.DEBUG = debug
    import sopkinerja.urls

    importlib.reload(sopkinerja.urls)  # the URLconf is built as under this DEBUG
    clear_url_caches()
    client = login("balangan.kadis")
    assert (settings.MEDIA_ROOT / evidence.file.name).exists()
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
    assert client.get(evidence.file.url).status_code == 404


def test_the_figures_page_links_the_download_view_not_the_file(login, evidence):
    html = login("balangan.kasi-layanan").get(reverse("reports:figures-period", args=["2026-TW3"]), follow=True)
    html = html.content.decode()
    assert evidence_url(evidence) in html and "/media/" not in html


def test_the_run_page_links_the_download_view_not_the_file(login, attachment):
    run = attachment.run_step.run
    html = login("balangan.kadis").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert attachment_url(attachment) in html and "disposisi ke-1.pdf" in html and "/media/" not in html


def test_the_admin_links_evidence_through_the_download_view(client, evidence, balangan):
    client.force_login(user("admin"))
    url = reverse("admin:reports_realisation_change", args=[evidence.realisation_id])
    html = client.get(url).content.decode()
    assert evidence_url(evidence) in html and "/media/" not in html


@pytest.mark.parametrize(("fixture", "url"), [("evidence", evidence_url), ("attachment", attachment_url)])
def test_a_superuser_opens_the_file_linked_from_the_admin(login, request, fixture, url):
    response = login("admin").get(url(request.getfixturevalue(fixture)))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("who", ["admin", "balangan.kadis"])
@pytest.mark.parametrize("url", ["/bukti/99999999999999999999/", "/lampiran/99999999999999999999/"])
def test_an_id_beyond_the_database_range_is_simply_not_found(login, who, url):
    assert login(who).get(url).status_code == 404
