"""The public page behind the QR code says, in plain Indonesian, whether a PDF is the signed original.

It never answers a 500 or a debug page, whatever is uploaded; it refuses oversize uploads before
reading them and visitors who check too often; it needs public material only.
"""

import io
import re
import shutil
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.documents.verification import Outcome, verify_upload
from reports.models import DocumentKind, SignedDocument

from .conftest import user

_signed_rows: dict[tuple, dict] = {}


def signed(agency, who="balangan.kadis", period="2026-TW1"):
    """A genuine signed report: the one place that knows how documents get signed.

    Rendering and signing take seconds, so each distinct document is signed once per session and
    later tests store the same signed row again (every test's database changes are rolled back).
    """
    key = (agency.slug, who, period)
    if key in _signed_rows:
        return SignedDocument.objects.create(**_signed_rows[key])
    document = document_sign(
        agency=agency, kind=DocumentKind.REPORT, user=user(who), secret=DEMO_PASSPHRASE, period=period, via="command"
    )
    _signed_rows[key] = {
        field.attname: getattr(document, field.attname) for field in SignedDocument._meta.concrete_fields
    }
    return document


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()  # the rate limit counts in the cache; each test starts with none
    yield
    cache.clear()


def url(document):
    return reverse("reports:verify", args=[document.token])


def post(client, document, data: bytes, name="laporan.pdf"):
    return client.post(url(document), {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def upload(client, document, data: bytes) -> str:
    response = post(client, document, data)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def unsigned_pdf() -> bytes:
    writer = PdfFileWriter()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    writer.encrypt("pemilik", "pengguna")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_incremental_update(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = pdf_string("id-ID")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_byte_range_offset(pdf: bytes, value: int) -> bytes:
    """Replace the second /ByteRange number, keeping the file's length (and so its xref) intact."""

    def edit(match):
        width = len(match.group(2))
        return match.group(1) + str(value).ljust(width).encode()[:width]

    return re.sub(rb"(/ByteRange\s*\[\s*0\s+)(\d+)", edit, pdf, count=1)


# --- what the page says ---


def test_the_page_is_public_and_names_document_signer_time_and_hash(client, balangan):
    document = signed(balangan)
    page = client.get(url(document)).content.decode()
    assert "Laporan Kinerja Triwulan I 2026" in page
    assert "H. RODY RAHMADY NOOR, S.Sos, MM.Pub" in page and "NIP. 19660313 198903 1 011" in page
    assert document.sha256 in page


def test_the_unchanged_original_is_confirmed(client, balangan):
    document = signed(balangan)
    page = upload(client, document, bytes(document.pdf))
    assert "Asli." in page and "sama persis dengan dokumen asli" in page
    assert document.sha256 in page


def test_a_copy_with_an_incremental_update_appended_is_called_changed(client, balangan):
    document = signed(balangan)
    changed = with_incremental_update(bytes(document.pdf))
    assert verify_upload(changed, document).outcome == Outcome.CHANGED
    page = upload(client, document, changed)
    assert "Bukan dokumen asli." in page and "diubah setelah ditandatangani" in page


def test_a_copy_edited_inside_the_signed_bytes_is_called_changed(client, balangan):
    document = signed(balangan)
    page = upload(client, document, bytes(document.pdf).replace(b"/Producer", b"/Producex", 1))
    assert "Bukan dokumen asli." in page and "diubah setelah ditandatangani" in page


def test_an_edited_byte_range_of_minus_five_is_called_changed_not_a_crash(client, balangan):
    document = signed(balangan)
    edited = with_byte_range_offset(bytes(document.pdf), -5)
    assert edited != bytes(document.pdf) and b"-5" in edited
    assert "diubah setelah ditandatangani" in upload(client, document, edited)


def test_an_unknown_subfilter_is_called_changed_not_a_crash(client, balangan):
    document = signed(balangan)
    original = bytes(document.pdf)
    subfilter = re.search(rb"/SubFilter\s*/([A-Za-z.]+)", original).group(1)
    edited = original.replace(subfilter, b"X" * len(subfilter), 1)
    assert "diubah setelah ditandatangani" in upload(client, document, edited)


def test_a_document_signed_by_another_agency_is_called_another_document(client, balangan, padang_panjang):
    document = signed(balangan)
    theirs = signed(padang_panjang, who="padangpanjang.kadis")
    page = upload(client, document, bytes(theirs.pdf))
    assert "bukan tanda tangan dokumen ini" in page
    assert verify_upload(bytes(theirs.pdf), document).outcome == Outcome.OTHER


def test_another_document_signed_by_the_same_official_is_called_another_document(client, balangan):
    document = signed(balangan)
    other = signed(balangan, period="2026-TW2")
    assert verify_upload(bytes(other.pdf), document).outcome == Outcome.OTHER
    assert "bukan tanda tangan dokumen ini" in upload(client, document, bytes(other.pdf))


def test_an_unsigned_pdf_is_called_unsigned(client, balangan):
    document = signed(balangan)
    assert verify_upload(unsigned_pdf(), document).outcome == Outcome.UNSIGNED
    assert "tidak memiliki tanda tangan elektronik" in upload(client, document, unsigned_pdf())


def test_a_minimal_pdf_without_signature_is_not_a_crash(client, balangan):
    page = upload(client, signed(balangan), b"%PDF-1.7\n%%EOF")
    assert "Bukan dokumen asli." in page or "Tidak dapat diperiksa." in page


def test_a_malformed_pdf_is_called_unreadable(client, balangan):
    document = signed(balangan)
    page = upload(client, document, b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref\nrubbish")
    assert "tidak dapat dibaca sebagai PDF" in page


def test_a_truncated_pdf_is_not_the_original_and_not_a_crash(client, balangan):
    document = signed(balangan)
    original = bytes(document.pdf)
    for cut in (len(original) // 3, len(original) // 2, len(original) - 10):
        verdict = verify_upload(original[:cut], document)
        assert verdict.outcome in {Outcome.UNREADABLE, Outcome.CHANGED}, (cut, verdict)
        assert "Bukan dokumen asli." in upload(client, document, original[:cut]) or verdict.outcome == "unreadable"


def test_an_encrypted_pdf_is_called_unreadable(client, balangan):
    document = signed(balangan)
    assert verify_upload(encrypted_pdf(), document).outcome == Outcome.UNREADABLE
    assert "terenkripsi" in upload(client, document, encrypted_pdf())


def test_a_file_that_is_not_a_pdf_is_called_unreadable(client, balangan):
    document = signed(balangan)
    page = upload(client, document, b"MZ\x90\x00 this is a Windows program, renamed .pdf")
    assert "tidak dapat dibaca sebagai PDF" in page


def test_an_empty_file_is_refused_with_a_message(client, balangan):
    document = signed(balangan)
    assert verify_upload(b"", document).outcome == Outcome.UNREADABLE
    response = post(client, document, b"")
    assert response.status_code == 400 and "kosong" in response.content.decode()  # Django's "file is empty"


def test_an_unknown_code_is_not_found(client, db):
    assert client.get(reverse("reports:verify", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- limits and error paths ---


class UnreadableBody:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body of an oversize upload was read")

    readline = read


def test_an_oversize_upload_is_refused_from_its_content_length_alone(client, balangan):
    document = signed(balangan)
    response = client.generic(
        "POST",
        url(document),
        b"",
        content_type="multipart/form-data; boundary=batas",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "Berkas terlalu besar untuk diperiksa: paling besar 20 MB." in response.content.decode()


def test_an_upload_that_grows_past_the_limit_while_read_is_cut_off(client, balangan, settings):
    settings.VERIFY_MAX_BYTES = 1024 * 1024  # 1 MB, so a 2 MB file fits under the announced-length check
    document = signed(balangan)
    response = post(client, document, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "paling besar 1 MB" in response.content.decode()


def test_checking_too_often_from_one_address_answers_429(client, balangan, settings):
    settings.VERIFY_RATE = "3/m"
    document = signed(balangan)
    statuses = [post(client, document, bytes(document.pdf)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = post(client, document, bytes(document.pdf))
    assert refused.status_code == 429 and "Terlalu banyak pemeriksaan dari alamat Anda" in refused.content.decode()
    assert client.get(url(document)).status_code == 200  # reading the page is not limited


def test_the_rate_limit_counts_the_address_the_proxy_reports(client, balangan, settings):
    settings.VERIFY_RATE = "1/m"
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    document = signed(balangan)
    first = client.post(url(document), {"file": SimpleUploadedFile("a.pdf", b"x")}, HTTP_X_REAL_IP="203.0.113.1")
    second = client.post(url(document), {"file": SimpleUploadedFile("a.pdf", b"x")}, HTTP_X_REAL_IP="203.0.113.2")
    third = client.post(url(document), {"file": SimpleUploadedFile("a.pdf", b"x")}, HTTP_X_REAL_IP="203.0.113.1")
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)


def test_a_broken_upload_gets_our_page_and_never_the_debug_page(client, balangan, settings):
    settings.DEBUG = True
    document = signed(balangan)
    response = client.generic(
        "POST", url(document), b"--batas\r\nrusak", content_type="multipart/form-data; boundary=batas"
    )
    assert response.status_code in {200, 400}
    body = response.content.decode()
    assert "Traceback" not in body and 'name="csrfmiddlewaretoken"' in body  # our own page, with its form
    response = client.generic("POST", url(document), b"x", content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400 and "Unggahan tidak dapat dibaca" in response.content.decode()


def test_an_upload_without_the_csrf_token_is_refused(balangan):
    document = signed(balangan)
    response = Client(enforce_csrf_checks=True).post(url(document), {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert response.status_code == 403


def test_verification_works_when_the_private_key_files_are_absent(client, balangan, settings, tmp_path):
    document = signed(balangan)
    keys = django_settings.BASE_DIR / "var" / "keys"
    public_root = tmp_path / "trust" / "demo-ca.pem"
    public_root.parent.mkdir()
    shutil.copy(keys / "demo-ca.pem", public_root)
    settings.SIGNING_TRUST_ROOTS = [str(public_root)]
    moved = tmp_path / "keys-moved-away"
    shutil.move(keys, moved)  # every private key and the CA's key leave the machine for this test
    try:
        assert not keys.exists()
        page = upload(client, document, bytes(document.pdf))
        assert "Asli." in page and "sama persis dengan dokumen asli" in page
    finally:
        shutil.move(moved, keys)


def test_a_file_that_keeps_the_parser_busy_is_cut_off_at_the_time_limit(balangan, settings):
    settings.VERIFY_TIMEOUT = 2
    document = signed(balangan)
    # pyHanko reads a long number at the cross-reference offset in quadratic time: minutes for this.
    slow = (
        b"%PDF-1.7\n"
        + b"0" * 2_000_000
        + b"\nxref\n0 1\n0000000000 65535 f \ntrailer<</Root 1 0 R>>\nstartxref\n9\n%%EOF"
    )
    started = time.monotonic()
    assert verify_upload(slow, document).outcome == Outcome.UNREADABLE
    assert time.monotonic() - started < 10
    assert verify_upload(unsigned_pdf(), document).outcome == Outcome.UNSIGNED  # new workers take over


def certificate_in(pdf: bytes) -> bytes:
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].signer_cert.dump()


def test_the_signer_certificate_stored_with_the_document_decides_whose_signature_it_is(balangan, padang_panjang):
    document = signed(balangan)
    document.signer_certificate = certificate_in(bytes(document.pdf))
    assert verify_upload(bytes(document.pdf), document).outcome == Outcome.ORIGINAL
    # Same bytes, but the document names another official's certificate: not confirmed as original.
    document.signer_certificate = certificate_in(bytes(signed(padang_panjang, who="padangpanjang.kadis").pdf))
    assert verify_upload(bytes(document.pdf), document).outcome == Outcome.OTHER


def test_without_trust_roots_even_the_original_is_not_confirmed(client, balangan, settings, tmp_path):
    document = signed(balangan)
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "missing.pem")]
    assert verify_upload(bytes(document.pdf), document).outcome == Outcome.OTHER
