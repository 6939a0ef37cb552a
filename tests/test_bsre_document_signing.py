"""An agency that signs with BSrE: the whole signing path, from document_sign to the stored document,
runs against the fake BSrE service (tests/fake_bsre.py) with the real HTTP client."""

import io

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.documents.signing import SigningRefused
from reports.models import SignedDocument
from workflow.models import Employee

from .conftest import sign_report
from .fake_bsre import FakeBsre

PASSPHRASE = "Rahasia-Kadis#2026"
NIK = "6308011203660001"
TOTP = "482913"


@pytest.fixture
def bsre_agency(balangan, settings):
    service = FakeBsre().start()
    settings.BSRE_URL, settings.BSRE_API = service.url, "v1"
    settings.BSRE_CLIENT_ID, settings.BSRE_CLIENT_SECRET = service.client_id, service.client_secret
    settings.BSRE_TIMEOUT = 10
    balangan.signing_backend = "bsre"
    balangan.save(update_fields=["signing_backend"])
    kadis = Employee.objects.get(user__username="balangan.kadis")
    kadis.nik = NIK
    kadis.save(update_fields=["nik"])
    service.add_user(name=kadis.full_name, nik=NIK, passphrase=PASSPHRASE, totp=TOTP)
    yield service
    service.stop()


def test_a_report_signed_through_bsre_is_stored_with_the_bsre_certificate_of_the_signer(balangan, bsre_agency):
    document = sign_report(balangan, secret=PASSPHRASE)
    assert document.backend == "bsre"
    signature = PdfFileReader(io.BytesIO(bytes(document.pdf))).embedded_signatures[-1]
    assert signature.signer_cert.dump() == bytes(document.signer_certificate)
    assert signature.signer_cert.subject.native["common_name"] == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
    assert signature.signer_cert.issuer.native["common_name"] == "Fake BSrE CA (tests only)"
    # The app drew the visible block itself; BSrE signed invisibly over it.
    assert bsre_agency.calls[-1]["tampilan"] == "invisible"


def test_a_wrong_bsre_passphrase_stores_nothing_and_says_so(balangan, bsre_agency):
    with pytest.raises(SigningRefused) as refused:
        sign_report(balangan, secret="salah")
    assert refused.value.code == SigningRefused.WRONG_SECRET
    assert "salah" in refused.value.message.lower()
    assert not SignedDocument.objects.exists()


def test_an_unreachable_bsre_stores_nothing(balangan, bsre_agency, settings):
    bsre_agency.stop()
    with pytest.raises(SigningRefused) as refused:
        sign_report(balangan, secret=PASSPHRASE)
    assert refused.value.code == SigningRefused.UNREACHABLE
    assert not SignedDocument.objects.exists()


def test_a_bsre_signature_verifies_as_the_original_with_bsres_ca_as_the_only_trust_root(
    balangan, bsre_agency, settings, tmp_path
):
    from cryptography.hazmat.primitives.serialization import Encoding

    from reports.documents.verification import Outcome, verify_upload

    document = sign_report(balangan, secret=PASSPHRASE)
    root = tmp_path / "bsre-ca.pem"
    root.write_bytes(bsre_agency.ca_certificate.public_bytes(Encoding.PEM))
    settings.SIGNING_TRUST_ROOTS = [str(root)]
    assert verify_upload(bytes(document.pdf), document).outcome == Outcome.ORIGINAL
    settings.SIGNING_TRUST_ROOTS = []
    assert verify_upload(bytes(document.pdf), document).outcome != Outcome.ORIGINAL


@pytest.mark.parametrize(
    ("api", "kind", "label"), [("v1", "passphrase", "Passphrase BSrE Anda"), ("v2", "totp", "Kode TOTP BSrE Anda")]
)
def test_the_browser_signs_through_bsre_and_asks_for_what_bsre_expects(
    login, sop000, bsre_agency, settings, django_capture_on_commit_callbacks, api, kind, label
):
    from .test_personal_signing import ask_to_sign_the_sop, sign_in_the_browser

    settings.BSRE_API, settings.BSRE_SECRET_KIND = api, kind
    client = login("balangan.kadis")
    request = ask_to_sign_the_sop(client, sop000, django_capture_on_commit_callbacks)
    page = client.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert label in page
    sign_in_the_browser(client, request, passphrase=PASSPHRASE if kind == "passphrase" else TOTP)
    document = SignedDocument.objects.get()
    assert document.backend == "bsre" and document.signer_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
