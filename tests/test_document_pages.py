"""Documents are asked for in the browser, rendered in the background, and downloaded when ready."""

import subprocess

from django.urls import reverse

from reports.documents import signing
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, DocumentRequest, SignedDocument
from workflow.sop.services import sop_version_revise

from .conftest import user


def test_asking_for_a_report_renders_it_and_offers_the_download(login, balangan, django_capture_on_commit_callbacks):
    client = login("balangan.staf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:documents"), {"report-period": "2026-TW3"})
    request = DocumentRequest.objects.get(agency=balangan)
    assert response["Location"] == reverse("reports:request", args=[request.pk])
    assert request.status == DocumentRequest.Status.READY
    page = client.get(response["Location"]).content.decode()
    assert "PDF sudah siap." in page
    download = client.get(reverse("reports:request-download", args=[request.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF-")


def test_a_pending_document_shows_its_state_and_refreshes(login, balangan):
    from workflow.models import Employee

    request = DocumentRequest.objects.create(
        agency=balangan,
        kind=DocumentKind.REPORT,
        period="2026-TW1",
        title="Laporan Kinerja Triwulan I 2026",
        requested_by=Employee.objects.get(user__username="balangan.staf").user,
    )
    client = login("balangan.staf")
    page = client.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert "sedang disiapkan" in page and 'hx-trigger="every 3s"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # without JavaScript
    state = client.get(reverse("reports:request", args=[request.pk]), headers={"HX-Request": "true"})
    fragment = state.content.decode()
    assert fragment.lstrip().startswith('<div id="request-status"') and "<html" not in fragment
    request.status = DocumentRequest.Status.READY
    request.save(update_fields=["status"])
    fragment = client.get(reverse("reports:request", args=[request.pk]), headers={"HX-Request": "true"}).content
    assert b"hx-trigger" not in fragment and b"Unduh PDF" in fragment


def test_staff_are_not_offered_signing_and_cannot_force_it(login, balangan, django_capture_on_commit_callbacks):
    client = login("balangan.staf")
    assert "Tandatangani secara elektronik" not in client.get(reverse("reports:documents")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:documents"), {"report-period": "2026-TW1", "report-sign": "on"})
    assert not DocumentRequest.objects.filter(sign=True).exists()


def test_a_signing_request_for_an_unfinished_period_is_refused_with_the_reason(
    login, balangan, django_capture_on_commit_callbacks
):
    client = login("balangan.kadis")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:documents"), {"report-period": "2026-TW1", "report-sign": "on"}, follow=True
        )
    assert not DocumentRequest.objects.filter(sign=True).exists()
    assert "Pelaksanaan pengumpulan data Triwulan I 2026 belum selesai." in response.content.decode()


def test_another_agency_cannot_open_or_download_a_document(login, balangan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login("balangan.staf").post(reverse("reports:documents"), {"report-period": "2026-TW3"})
    request = DocumentRequest.objects.get(agency=balangan)
    other = login("padangpanjang.perencana")
    assert other.get(reverse("reports:request", args=[request.pk])).status_code == 404
    assert other.get(reverse("reports:request-download", args=[request.pk])).status_code == 404


def test_the_documents_page_reads_no_pdf_bytes_of_what_it_lists(login, balangan, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("balangan.staf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:documents"), {"report-period": "2026-TW3"})
    assert DocumentRequest.objects.filter(agency=balangan, status=DocumentRequest.Status.READY).exists()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:documents"))
    assert page.status_code == 200 and "Laporan Kinerja Triwulan III 2026" in page.content.decode()
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in selects if '"pdf"' in sql.split(" FROM ")[0]]


def test_the_sop_sheet_form_offers_the_version_in_force_first_and_marks_the_draft(login, sop000):
    draft = sop_version_revise(version=sop000, user=user("balangan.kasubbag"))
    form = login("balangan.kadis").get(reverse("reports:documents")).context["sop_form"]
    (first_value, first_label), (second_value, second_label) = list(form.fields["sop_version"].widget.choices)[:2]
    assert first_value.value == sop000.pk and first_label.endswith("— berlaku")
    assert second_value.value == draft.pk and second_label.endswith("(rev. 1) — konsep")


LONG_NAME = ("Pelayanan Penerbitan Surat Keterangan Penelitian dan Praktik Kerja Lapangan " * 4)[:292] + " PENUTUP"


def long_named_draft(sop000):
    """A draft whose number and name together exceed the 300 characters a document's title holds."""
    draft = sop_version_revise(version=sop000, user=user("balangan.kasubbag"))
    draft.name = LONG_NAME
    draft.full_clean()
    draft.save()
    assert len(f"{draft.sop.number} {draft.name}") > 300
    return draft


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def test_an_sop_whose_number_and_name_exceed_the_title_column_prints_with_its_full_name(
    login, sop000, django_capture_on_commit_callbacks
):
    draft = long_named_draft(sop000)
    client = login("balangan.kadis")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:documents"), {"sop-sop_version": draft.pk, "sop-paper": "f4"})
    request = DocumentRequest.objects.get(sop_version=draft)
    assert response.status_code == 302 and request.status == DocumentRequest.Status.READY
    assert len(request.title) <= 300 and request.title.endswith("…")
    download = client.get(reverse("reports:request-download", args=[request.pk]))
    assert download.status_code == 200 and "PENUTUP" in pdf_text(download.content)


def test_an_sop_whose_number_and_name_exceed_the_title_column_is_signed(
    login, sop000, django_capture_on_commit_callbacks
):
    draft = long_named_draft(sop000)
    client = login("balangan.kadis")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:documents"), {"sop-sop_version": draft.pk, "sop-paper": "f4", "sop-sign": "on"})
    request = DocumentRequest.objects.get(sop_version=draft, sign=True)
    assert request.status == DocumentRequest.Status.AWAITING
    data = {"passphrase": DEMO_PASSPHRASE, "sha256": signing.sha256(bytes(request.pdf))}
    client.post(reverse("reports:request-sign", args=[request.pk]), data, follow=True)
    document = SignedDocument.objects.get(sop_version=draft)
    assert len(document.title) <= 300 and document.title.endswith("…")
    assert "PENUTUP" in pdf_text(bytes(document.pdf))
    draft.refresh_from_db()
    assert draft.status == draft.Status.EFFECTIVE
