"""Each signature is made by the person who signs, with their own key and the passphrase they type."""

import datetime
import io
import logging
import shutil
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.documents import signing
from reports.documents.signing import DEMO_PASSPHRASE, SigningRefused
from reports.models import DocumentRequest, SignedDocument
from workflow.models import ActingAssignment, Employee, Position

from .conftest import sign_report, user

KADIS = "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
SEKRETARIS = "Hj. NOOR AINAH, S.E., M.M."


def make_plh(agency, username="balangan.sekretaris"):
    today = datetime.date.today()
    return ActingAssignment.objects.create(
        position=Position.objects.get(agency=agency, rank="kepala_dinas"),
        employee=Employee.objects.get(user__username=username),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )


def signer_certificate(pdf: bytes) -> asn1_x509.Certificate:
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].signer_cert


def common_name(pdf: bytes) -> str:
    return signer_certificate(pdf).subject.native["common_name"]


def test_the_kepala_dinas_signs_with_his_own_certificate(balangan):
    document = sign_report(balangan, "balangan.kadis")
    assert common_name(bytes(document.pdf)) == KADIS == document.signer_name
    assert bytes(document.signer_certificate) == signer_certificate(bytes(document.pdf)).dump()
    assert document.backend == "local"


def test_a_plh_signs_with_his_own_certificate(balangan):
    make_plh(balangan)
    document = sign_report(balangan, "balangan.sekretaris")
    pdf = bytes(document.pdf)
    assert common_name(pdf) == SEKRETARIS == document.signer_name
    assert signer_certificate(pdf).subject.native["serial_number"] == user("balangan.sekretaris").employee.nip
    assert document.signer_title.startswith("Plh. Kepala Dinas")
    assert bytes(document.signer_certificate) == signer_certificate(pdf).dump()


def test_a_wrong_passphrase_saves_nothing_and_says_so_in_indonesian(balangan):
    with pytest.raises(SigningRefused, match="Passphrase salah. Tidak ada yang ditandatangani."):
        sign_report(balangan, "balangan.kadis", secret="not-the-passphrase")
    assert not SignedDocument.objects.exists()


def test_a_signer_without_a_key_is_told_to_ask_the_administrator(balangan, settings, tmp_path):
    settings.SIGNING_KEY_FILE = str(tmp_path / "{username}.p12")
    with pytest.raises(SigningRefused, match="Minta administrator memasangnya"):
        sign_report(balangan, "balangan.kadis")
    assert not SignedDocument.objects.exists()


def test_someone_who_neither_holds_nor_acts_for_the_head_position_cannot_sign(balangan):
    with pytest.raises(PermissionDenied):
        sign_report(balangan, "balangan.sekretaris")
    assert not SignedDocument.objects.exists()


def test_render_pdf_sign_as_a_plh_signs_with_the_plhs_certificate(balangan, tmp_path, monkeypatch):
    make_plh(balangan)
    monkeypatch.setenv("SOPKINERJA_SIGNING_PASSPHRASE", DEMO_PASSPHRASE)
    output = tmp_path / "tw1.pdf"
    call_command(
        "render_pdf", "report", "--agency", "balangan", "--period", "2026-TW1", "--sign", "--as",
        "balangan.sekretaris", "-o", str(output),
    )  # fmt: skip
    assert common_name(output.read_bytes()) == SEKRETARIS
    assert SignedDocument.objects.get().signed_by.username == "balangan.sekretaris"


def test_render_pdf_sign_as_anyone_else_exits_non_zero_with_a_clear_message(balangan, tmp_path, monkeypatch):
    monkeypatch.setenv("SOPKINERJA_SIGNING_PASSPHRASE", DEMO_PASSPHRASE)
    with pytest.raises(CommandError, match="balangan.sekretaris may not sign for balangan") as refused:
        call_command(
            "render_pdf", "report", "--agency", "balangan", "--period", "2026-TW1", "--sign",
            "--as", "balangan.sekretaris", "-o", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    assert refused.value.returncode != 0  # manage.py exits with it
    assert not SignedDocument.objects.exists() and not (tmp_path / "x.pdf").exists()


def test_render_pdf_sign_without_a_passphrase_and_without_a_terminal_refuses(balangan, tmp_path, monkeypatch):
    monkeypatch.delenv("SOPKINERJA_SIGNING_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="SOPKINERJA_SIGNING_PASSPHRASE"):
        call_command(
            "render_pdf", "report", "--agency", "balangan", "--period", "2026-TW1", "--sign", "-o",
            str(tmp_path / "x.pdf"),
        )  # fmt: skip
    assert not SignedDocument.objects.exists()


def ask_to_sign_the_sop(client, sop, capture):
    with capture(execute=True):
        client.post(reverse("reports:documents"), {"sop-sop_version": sop.pk, "sop-paper": "f4", "sop-sign": "on"})
    return DocumentRequest.objects.get(sign=True)


def sign_in_the_browser(client, request, passphrase=DEMO_PASSPHRASE):
    request.refresh_from_db()
    data = {"passphrase": passphrase, "sha256": signing.sha256(bytes(request.pdf or b""))}
    return client.post(reverse("reports:request-sign", args=[request.pk]), data, follow=True)


def test_a_signing_request_waits_for_the_passphrase_of_its_requester(login, sop000, django_capture_on_commit_callbacks):
    client = login("balangan.kadis")
    request = ask_to_sign_the_sop(client, sop000, django_capture_on_commit_callbacks)
    assert request.status == DocumentRequest.Status.AWAITING and not SignedDocument.objects.exists()
    page = client.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert 'type="password"' in page and 'autocomplete="off"' in page and signing.sha256(bytes(request.pdf)) in page
    preview = client.get(reverse("reports:request-download", args=[request.pk]))
    assert preview.content == bytes(request.pdf)
    other = login("balangan.sekretaris").get(reverse("reports:request", args=[request.pk])).content.decode()
    assert 'type="password"' not in other


def test_a_wrong_passphrase_in_the_browser_says_so_and_saves_nothing(login, sop000, django_capture_on_commit_callbacks):
    client = login("balangan.kadis")
    request = ask_to_sign_the_sop(client, sop000, django_capture_on_commit_callbacks)
    page = sign_in_the_browser(client, request, passphrase="wrong").content.decode()
    assert "Passphrase salah. Tidak ada yang ditandatangani." in page
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING and not SignedDocument.objects.exists()


def test_signing_a_request_twice_gives_one_signed_document_with_the_prepared_token(
    login, sop000, django_capture_on_commit_callbacks
):
    client = login("balangan.kadis")
    request = ask_to_sign_the_sop(client, sop000, django_capture_on_commit_callbacks)
    prepared = bytes(request.pdf)
    assert "Dokumen sudah ditandatangani." in sign_in_the_browser(client, request).content.decode()
    sign_in_the_browser(client, request)  # a double click, or a retried POST
    document = SignedDocument.objects.get()
    request.refresh_from_db()
    assert request.signed_document == document and document.token == request.token
    assert bytes(document.pdf).startswith(prepared)  # exactly the bytes shown, with the signature appended
    assert common_name(bytes(document.pdf)) == KADIS


def test_only_the_requester_may_sign_the_prepared_pdf(login, balangan, sop000, django_capture_on_commit_callbacks):
    request = ask_to_sign_the_sop(login("balangan.kadis"), sop000, django_capture_on_commit_callbacks)
    make_plh(balangan)
    page = sign_in_the_browser(login("balangan.sekretaris"), request).content.decode()
    assert "Hanya orang yang meminta dokumen ini yang dapat menandatanganinya." in page
    assert not SignedDocument.objects.exists()


def test_the_passphrase_never_reaches_the_database_or_the_log(
    login, balangan, sop000, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    client = login("balangan.kadis")
    request = ask_to_sign_the_sop(client, sop000, django_capture_on_commit_callbacks)
    sign_in_the_browser(client, request, passphrase="wrong-secret-typed")
    sign_in_the_browser(client, request)
    monkeypatch.setenv("SOPKINERJA_SIGNING_PASSPHRASE", DEMO_PASSPHRASE)
    call_command(
        "render_pdf", "report", "--agency", "balangan", "--period", "2026-TW1", "--sign", "-o",
        str(tmp_path / "r.pdf"),
    )  # fmt: skip
    assert SignedDocument.objects.count() == 2
    assert "operator" in caplog.text and "signed" in caplog.text  # the log was captured
    for secret in (DEMO_PASSPHRASE, "wrong-secret-typed"):
        assert secret not in caplog.text
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{secret}%"])
                assert cursor.fetchone()[0] == 0, f"{secret} found in {table}"


@pytest.mark.skipif(not (shutil.which("pdfsig") and shutil.which("certutil")), reason="pdfsig/certutil not installed")
def test_pdfsig_finds_the_kepala_dinas_and_the_plh_signatures_valid_and_names_each_signer(balangan, settings, tmp_path):
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
    ca = settings.SIGNING_TRUST_ROOTS[0]
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "demo-ca", "-t", "C,C,C", "-i", ca], check=True)
    kadis = sign_report(balangan, "balangan.kadis")
    make_plh(balangan)
    plh = sign_report(balangan, "balangan.sekretaris")
    for document, name in ((kadis, KADIS), (plh, SEKRETARIS)):
        pdf = tmp_path / f"{document.pk}.pdf"
        pdf.write_bytes(bytes(document.pdf))
        report = subprocess.run(
            ["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True, check=False
        ).stdout
        assert f"Signer Certificate Common Name: {name}" in report
        assert "Signature Validation: Signature is Valid." in report
        assert "Certificate Validation: Certificate is Trusted." in report
        assert "Total document signed" in report


def test_create_demo_ca_issues_a_certificate_for_everyone_who_may_sign_and_for_a_named_user(
    balangan, settings, tmp_path
):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    settings.SIGNING_KEY_FILE = str(tmp_path / "people" / "{username}.p12")
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "demo-ca.pem")]
    make_plh(balangan, "balangan.staf")
    call_command("create_demo_ca", "--agency", "balangan")
    issued = {path.stem for path in (tmp_path / "people").glob("*.p12")}
    assert issued == {"balangan.kadis", "balangan.sekretaris", "balangan.staf"}
    call_command("create_demo_ca", "--user", "padangpanjang.perencana")
    bundle = (tmp_path / "people" / "padangpanjang.perencana.p12").read_bytes()
    _key, certificate, chain = pkcs12.load_key_and_certificates(bundle, DEMO_PASSPHRASE.encode())
    name = user("padangpanjang.perencana").employee.full_name
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == name
    ca = x509.load_pem_x509_certificate((tmp_path / "demo-ca.pem").read_bytes())
    assert certificate.issuer == ca.subject and chain == [ca]
    assert b"PRIVATE KEY" not in (tmp_path / "demo-ca.pem").read_bytes()  # the trust root is public only
