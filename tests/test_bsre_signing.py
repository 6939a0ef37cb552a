"""The BSrE backend, end to end against a fake BSrE service that the tests start (tests/fake_bsre.py).

No mock: the backend's own requests code talks HTTP to a real local server, which signs with a
test CA through pyHanko. The output is validated against that CA and names the signer.
"""

import io
import logging
import socket
import time
import traceback

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.documents.pdf import html_to_pdf
from reports.documents.rendering import sop_sheet
from reports.documents.signing import SignatureRequest, SigningRefused, backend_for
from reports.documents.signing.bsre import BsreBackend
from workflow.models import Employee

from .fake_bsre import FakeBsre

PASSPHRASE = "Rahasia-Kadis#2026"
TOTP = "482913"
NIK = "6308011203660001"
EMAIL = "kadis@disdik.balangankab.go.id"


@pytest.fixture
def fake_bsre():
    service = FakeBsre().start()
    yield service
    service.stop()


@pytest.fixture
def kadis(balangan) -> Employee:
    employee = Employee.objects.select_related("user").get(user__username="balangan.kadis")
    employee.nik = NIK
    employee.user.email = EMAIL
    return employee


@pytest.fixture
def enrolled(fake_bsre, kadis):
    return fake_bsre.add_user(name=kadis.full_name, nik=NIK, email=EMAIL, passphrase=PASSPHRASE, totp=TOTP)


@pytest.fixture(scope="session")
def small_pdf() -> bytes:
    return html_to_pdf("<h1>SOP</h1><p>Dokumen uji tanda tangan BSrE.</p>")


def bsre(fake: FakeBsre, api: str = "v1", **options) -> BsreBackend:
    options.setdefault("timeout", 10)
    return BsreBackend(
        base_url=fake.url, client_id=fake.client_id, client_secret=fake.client_secret, api=api, **options
    )


def request(pdf: bytes, signer: Employee, secret: str = PASSPHRASE) -> SignatureRequest:
    return SignatureRequest(pdf=pdf, signer=signer, secret=secret, reason="Penetapan SOP", location="Paringin")


def signer_of(signed: bytes, fake: FakeBsre) -> str:
    """The common name of the signer certificate, once the signature validates against the fake CA."""
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[fake.ca_root]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    return status.signing_cert.subject.native["common_name"]


def refusal(backend: BsreBackend, signature: SignatureRequest) -> SigningRefused:
    with pytest.raises(SigningRefused) as caught:
        backend.sign(signature)
    return caught.value


# -- signing -------------------------------------------------------------------------------------


def test_a_sop_sheet_signed_through_bsre_v1_validates_and_names_the_kepala_dinas(sop000, fake_bsre, kadis, enrolled):
    pdf = sop_sheet(sop000).pdf()
    signed = bsre(fake_bsre).sign(request(pdf, kadis))
    assert signer_of(signed, fake_bsre) == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub" == kadis.full_name
    assert signed.startswith(pdf)  # BSrE appended its signature to exactly the bytes we rendered
    sign_call = [call for call in fake_bsre.calls if call["path"] == "/api/sign/pdf"]
    assert [call["tampilan"] for call in sign_call] == ["invisible"]
    field = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1].sig_field
    assert [float(v) for v in field["/Rect"]] == [0, 0, 0, 0]  # the app's own block is the only visible one


def test_bsre_v2_signs_with_the_nik_and_the_result_names_the_signer(fake_bsre, kadis, enrolled, small_pdf):
    signed = bsre(fake_bsre, "v2").sign(request(small_pdf, kadis))
    assert signer_of(signed, fake_bsre) == kadis.full_name
    sign_call = [call for call in fake_bsre.calls if call["path"] == "/api/v2/sign/pdf"]
    assert [(call["nik"], call["tampilan"]) for call in sign_call] == [(NIK, ["INVISIBLE"])]


def test_bsre_v2_signs_with_a_totp_code_and_the_email_when_no_nik_is_recorded(fake_bsre, kadis, enrolled, small_pdf):
    kadis.nik = ""
    signed = bsre(fake_bsre, "v2", secret_kind="totp").sign(request(small_pdf, kadis, secret=TOTP))
    assert signer_of(signed, fake_bsre) == kadis.full_name
    assert [call["email"] for call in fake_bsre.calls if call["path"] == "/api/v2/sign/pdf"] == [EMAIL]


def test_the_secret_is_sent_once_per_signature_and_never_retried(fake_bsre, kadis, enrolled, small_pdf):
    bsre(fake_bsre).sign(request(small_pdf, kadis))
    assert fake_bsre.secrets_received == 1
    fake_bsre.misbehave = "error500"
    refusal(bsre(fake_bsre), request(small_pdf, kadis))
    assert fake_bsre.secrets_received == 2


# -- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_wrong_passphrase_is_refused_with_an_indonesian_message(api, fake_bsre, kadis, enrolled, small_pdf):
    refused = refusal(bsre(fake_bsre, api), request(small_pdf, kadis, secret="bukan-passphrase"))
    assert refused.code == SigningRefused.WRONG_SECRET
    assert refused.message == "Passphrase BSrE salah. Tidak ada dokumen yang ditandatangani."


def test_a_wrong_totp_code_is_refused_as_a_wrong_secret(fake_bsre, kadis, enrolled, small_pdf):
    refused = refusal(bsre(fake_bsre, "v2", secret_kind="totp"), request(small_pdf, kadis, secret="000000"))
    assert refused.code == SigningRefused.WRONG_SECRET
    assert refused.message == "Kode TOTP salah atau sudah kedaluwarsa. Tidak ada dokumen yang ditandatangani."


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_an_unregistered_nik_is_refused_before_the_passphrase_is_sent(api, fake_bsre, kadis, small_pdf):
    refused = refusal(bsre(fake_bsre, api), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NOT_REGISTERED
    assert refused.message.startswith(f"{kadis.full_name} belum terdaftar di BSrE.")
    assert fake_bsre.secrets_received == 0


def test_an_expired_certificate_is_refused_with_its_status(fake_bsre, kadis, small_pdf):
    fake_bsre.add_user(name=kadis.full_name, nik=NIK, passphrase=PASSPHRASE, status="EXPIRED")
    refused = refusal(bsre(fake_bsre), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NOT_REGISTERED
    assert "(status: EXPIRED)" in refused.message and refused.message.startswith("Sertifikat elektronik BSrE")


def test_an_unknown_signer_reported_by_the_signing_endpoint_is_not_registered(fake_bsre, kadis, small_pdf):
    """Status endpoint says nothing usable (404), the signing endpoint answers 2011."""
    fake_bsre.status_endpoint = False  # an installation without the status endpoint
    refused = refusal(bsre(fake_bsre), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NOT_REGISTERED


def test_an_employee_without_a_nik_is_refused_before_anything_is_sent(fake_bsre, kadis, enrolled, small_pdf):
    kadis.nik = ""
    refused = refusal(bsre(fake_bsre), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NOT_REGISTERED
    assert "belum tercatat" in refused.message
    assert fake_bsre.calls == []


def test_a_service_that_does_not_answer_in_time_is_unreachable(fake_bsre, kadis, enrolled, small_pdf):
    fake_bsre.misbehave, fake_bsre.delay = "slow", 2.0
    started = time.monotonic()
    refused = refusal(bsre(fake_bsre, timeout=0.5), request(small_pdf, kadis))
    assert time.monotonic() - started < 1.9
    assert refused.code == SigningRefused.UNREACHABLE
    assert refused.message.startswith("Layanan BSrE tidak dapat dihubungi atau tidak menjawab tepat waktu.")


def test_a_refused_connection_is_unreachable(kadis, small_pdf):
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = BsreBackend(base_url=f"http://127.0.0.1:{port}", client_id="x", client_secret="y", timeout=2)
    assert refusal(backend, request(small_pdf, kadis)).code == SigningRefused.UNREACHABLE


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_server_error_is_a_service_error(api, fake_bsre, kadis, enrolled, small_pdf):
    fake_bsre.misbehave = "error500"
    refused = refusal(bsre(fake_bsre, api), request(small_pdf, kadis))
    assert refused.code == SigningRefused.SERVICE_ERROR
    assert refused.message.startswith("Layanan BSrE melaporkan kesalahan")


@pytest.mark.parametrize("api", ["v1", "v2"])
@pytest.mark.parametrize("mode", ["not_pdf", "unsigned", "tampered"])
def test_a_200_without_a_signed_pdf_is_refused_as_not_a_pdf(api, mode, fake_bsre, kadis, enrolled, small_pdf):
    fake_bsre.misbehave = mode
    refused = refusal(bsre(fake_bsre, api), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NOT_A_PDF
    assert refused.message == "Layanan BSrE tidak mengembalikan PDF yang ditandatangani. Tidak ada yang disimpan."


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_wrong_client_credentials_get_a_clear_message(api, fake_bsre, kadis, enrolled, small_pdf):
    backend = BsreBackend(base_url=fake_bsre.url, client_id=fake_bsre.client_id, client_secret="wrong", api=api)
    refused = refusal(backend, request(small_pdf, kadis))
    assert refused.code == SigningRefused.SERVICE_ERROR
    assert "menolak kredensial klien" in refused.message and "BSRE_CLIENT_SECRET" in refused.message
    assert fake_bsre.secrets_received == 0


def test_the_passphrase_and_client_secret_never_appear_in_logs_or_exception_text(
    fake_bsre, kadis, enrolled, small_pdf, caplog
):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    backend = bsre(fake_bsre, timeout=0.5)
    wrong = "Salah-Passphrase#99"
    failures = []
    bsre(fake_bsre).sign(request(small_pdf, kadis))
    failures.append(refusal(backend, request(small_pdf, kadis, secret=wrong)))
    for mode in ("error500", "not_pdf", "slow"):
        fake_bsre.misbehave, fake_bsre.delay = mode, 1.0
        failures.append(refusal(backend, request(small_pdf, kadis)))
    assert "BSrE" in caplog.text  # the backend did log its failures
    texts = [caplog.text, repr(backend), repr(request(small_pdf, kadis))]
    for failure in failures:
        texts += [str(failure), repr(failure), "".join(traceback.format_exception(failure))]
    for text in texts:
        assert PASSPHRASE not in text and wrong not in text and fake_bsre.client_secret not in text


# -- status and choosing the backend -------------------------------------------------------------


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_the_user_status_is_read_in_both_generations(api, fake_bsre, kadis, small_pdf):
    backend = bsre(fake_bsre, api)
    assert backend.user_status(kadis).status == "NOT_REGISTERED"
    fake_bsre.add_user(name=kadis.full_name, nik=NIK, passphrase=PASSPHRASE)
    status = backend.user_status(kadis)
    assert status.can_sign and status.registered and status.status == "ISSUE"


def test_an_agency_that_signs_with_bsre_gets_the_bsre_backend_from_the_settings(balangan, settings):
    settings.BSRE_URL = "https://esign.example.go.id"
    settings.BSRE_CLIENT_ID, settings.BSRE_CLIENT_SECRET = "disdik-balangan", "s3cret-client"
    settings.BSRE_API, settings.BSRE_TIMEOUT = "v2", 12.5
    balangan.signing_backend = "bsre"
    backend = backend_for(balangan)
    assert isinstance(backend, BsreBackend) and backend.name == "bsre"
    assert (backend.base_url, backend.api, backend.timeout) == ("https://esign.example.go.id", "v2", 12.5)
    assert "s3cret-client" not in repr(backend)


def test_signing_with_bsre_when_it_is_not_configured_is_refused_plainly(balangan, kadis, settings, small_pdf):
    settings.BSRE_URL = ""
    balangan.signing_backend = "bsre"
    refused = refusal(backend_for(balangan), request(small_pdf, kadis))
    assert refused.code == SigningRefused.NO_KEY
    assert refused.message.startswith("Tanda tangan melalui BSrE belum dikonfigurasi")
