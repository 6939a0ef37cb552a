"""The public page behind the QR code says, in plain Indonesian, whether a PDF is the signed original."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.document_services import document_sign
from reports.models import DocumentKind
from reports.signing import DEMO_PASSPHRASE

from .conftest import user


def signed(agency):
    return document_sign(
        agency=agency,
        kind=DocumentKind.REPORT,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        period="2026-TW1",
        via="command",
    )


def upload(client, document, data: bytes):
    return client.post(
        reverse("reports:verify", args=[document.token]),
        {"file": SimpleUploadedFile("laporan.pdf", data, content_type="application/pdf")},
    ).content.decode()


def test_the_page_is_public_and_names_document_signer_time_and_hash(client, balangan):
    document = signed(balangan)
    page = client.get(reverse("reports:verify", args=[document.token])).content.decode()
    assert "Laporan Kinerja Triwulan I 2026" in page
    assert "H. RODY RAHMADY NOOR, S.Sos, MM.Pub" in page and "NIP. 19660313 198903 1 011" in page
    assert document.sha256 in page


def test_the_unchanged_original_is_confirmed(client, balangan):
    document = signed(balangan)
    page = upload(client, document, bytes(document.pdf))
    assert "Asli." in page and "sama persis dengan dokumen asli" in page


def test_a_changed_copy_is_called_changed(client, balangan):
    document = signed(balangan)
    page = upload(client, document, bytes(document.pdf).replace(b"/Producer", b"/Producex", 1))
    assert "Bukan dokumen asli." in page and "diubah setelah ditandatangani" in page


def test_an_unsigned_file_is_called_unsigned(client, balangan):
    page = upload(client, signed(balangan), b"%PDF-1.7\n%%EOF")
    assert "tidak memiliki tanda tangan elektronik" in page


def test_an_unknown_code_is_not_found(client, db):
    assert client.get(reverse("reports:verify", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
