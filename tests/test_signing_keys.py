"""Signing keys managed in the app: the agency admin installs a person's PKCS#12 (checked against the
person before anything is stored) or issues a demo one; whoever may sign without a usable key is
warned on the Plh/Plt page and on the dashboard, long before the last click."""

import datetime
import io
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.documents.services import document_sign
from reports.documents.signing import key_path
from reports.documents.signing.keys import KeyState, key_status, signing_key_install, signing_key_issue_demo
from reports.models import DocumentKind
from workflow import permissions
from workflow.models import Position
from workflow.organisation.appointments import acting_appoint

from .conftest import employee, user
from .fake_bsre import FakeBsre

DAY = datetime.timedelta(days=1)
PASSPHRASE = "Kunci-Kabid#2026"
PLH = "balangan.kabid-perpustakaan"  # has no demo certificate: not a Kepala Dinas or a Sekretaris


@pytest.fixture(autouse=True)
def keys_in_a_temp_dir(settings, tmp_path):
    """Every key of these tests lives in a temp dir, so nobody has one until a test gives it."""
    settings.SIGNING_KEY_FILE = str(tmp_path / "people" / "{username}.p12")
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "demo-ca.pem")]


def a_pkcs12(
    *,
    name: str,
    nip: str | None,
    passphrase: str = PASSPHRASE,
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
    with_key: bool = True,
) -> bytes:
    """A PKCS#12 as a CA would issue it: CN = name, serialNumber = NIP (self-signed is enough here)."""
    now = datetime.datetime.now(datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if nip:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, nip))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, name[:64]))
    subject = x509.Name(attributes)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - DAY)
        .not_valid_after(valid_until or now + 365 * DAY)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    if not with_key:
        return pkcs12.serialize_key_and_certificates(b"cert", None, None, [certificate], encryption)
    return pkcs12.serialize_key_and_certificates(b"key", key, certificate, None, encryption)


def own_pkcs12(username: str, **overrides) -> bytes:
    person = employee(username)
    return a_pkcs12(**({"name": person.full_name, "nip": person.nip} | overrides))


def install(username: str, data: bytes, passphrase: str = PASSPHRASE, by: str = "balangan.kasubbag"):
    return signing_key_install(employee=employee(username), pkcs12=data, passphrase=passphrase, by=user(by))


def refusal(data: bytes, passphrase: str = PASSPHRASE, username: str = PLH) -> str:
    with pytest.raises(ValidationError) as refused:
        install(username, data, passphrase)
    assert not key_path(employee(username)).exists(), "a refused key must not be stored"
    return " ".join(refused.value.messages)


def appoint_plh(agency, username: str = PLH, starts_in: int = -1):
    today = permissions.local_today(agency)
    return acting_appoint(
        by=user("balangan.kadis"),
        position=Position.objects.get(agency=agency, rank="kepala_dinas"),
        employee=employee(username),
        kind="plh",
        starts_on=today + starts_in * DAY,
        ends_on=today + (starts_in + 5) * DAY,
    )


def signer_common_name(pdf: bytes) -> str:
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].signer_cert.subject.native["common_name"]


# Installing a key --------------------------------------------------------------------------------------


def test_a_pkcs12_with_a_wrong_passphrase_is_refused_and_nothing_is_stored(balangan):
    assert "passphrase" in refusal(own_pkcs12(PLH), passphrase="not-the-passphrase").lower()


def test_a_certificate_in_another_persons_name_is_refused_and_nothing_is_stored(balangan):
    someone_else = employee("balangan.kasi-layanan")
    reason = refusal(own_pkcs12(PLH, name=someone_else.full_name))
    assert "nama" in reason.lower() and someone_else.full_name in reason


def test_a_certificate_with_another_nip_is_refused_and_nothing_is_stored(balangan):
    reason = refusal(own_pkcs12(PLH, nip=employee("balangan.kasi-layanan").nip))
    assert "NIP" in reason


def test_a_certificate_without_a_nip_is_refused_and_nothing_is_stored(balangan):
    assert "NIP" in refusal(own_pkcs12(PLH, nip=None))


def test_an_expired_certificate_is_refused_and_nothing_is_stored(balangan):
    now = datetime.datetime.now(datetime.UTC)
    reason = refusal(own_pkcs12(PLH, valid_from=now - 400 * DAY, valid_until=now - DAY))
    assert "kedaluwarsa" in reason.lower()


def test_a_certificate_not_yet_valid_is_refused_and_nothing_is_stored(balangan):
    now = datetime.datetime.now(datetime.UTC)
    reason = refusal(own_pkcs12(PLH, valid_from=now + 2 * DAY, valid_until=now + 400 * DAY))
    assert "belum berlaku" in reason.lower()


def test_a_file_without_a_private_key_is_refused_and_nothing_is_stored(balangan):
    assert "kunci privat" in refusal(own_pkcs12(PLH, with_key=False)).lower()


def test_a_file_that_is_not_a_pkcs12_is_refused_and_nothing_is_stored(balangan):
    assert "PKCS#12" in refusal(b"%PDF-1.7 not a key at all")


def test_a_good_key_is_installed_and_a_plh_appointed_after_the_demo_was_loaded_signs_with_it(balangan):
    appoint_plh(balangan)
    status = install(PLH, own_pkcs12(PLH))
    assert status.state == KeyState.VALID and status.usable
    stored = key_path(employee(PLH))
    assert stored.stat().st_mode & 0o777 == 0o600
    assert PASSPHRASE.encode() not in stored.read_bytes()  # the passphrase opens the file; it is not kept
    document = document_sign(
        agency=balangan, kind=DocumentKind.REPORT, user=user(PLH), secret=PASSPHRASE, period="2026-TW1", via="command"
    )
    assert signer_common_name(bytes(document.pdf)) == employee(PLH).full_name
    assert document.signer_title.startswith("Plh. Kepala Dinas")


def test_installing_a_key_is_logged_with_who_installed_it_and_never_the_passphrase(balangan, caplog):
    with caplog.at_level(logging.INFO, logger="reports.documents.signing.keys"):
        install(PLH, own_pkcs12(PLH))
    assert f"{PLH}" in caplog.text and "by balangan.kasubbag" in caplog.text
    assert PASSPHRASE not in caplog.text


@pytest.mark.parametrize("who", ["balangan.staf", "padangpanjang.kasubbag", "balangan.kadis"])
def test_only_an_agency_admin_of_the_same_agency_or_a_superuser_installs_a_key(balangan, who):
    with pytest.raises(PermissionDenied):
        install(PLH, own_pkcs12(PLH), by=who)
    assert not key_path(employee(PLH)).exists()
    assert install(PLH, own_pkcs12(PLH), by="admin").usable


def test_a_demo_key_is_issued_only_where_the_demo_ca_is_set_up(balangan):
    with pytest.raises(ValidationError, match="CA demo"):
        signing_key_issue_demo(employee=employee(PLH), passphrase=PASSPHRASE, by=user("balangan.kasubbag"))
    call_command("create_demo_ca", "--user", "balangan.kadis")  # what load_demo does on a demo installation
    status = signing_key_issue_demo(employee=employee(PLH), passphrase=PASSPHRASE, by=user("balangan.kasubbag"))
    assert status.state == KeyState.VALID
    appoint_plh(balangan)
    document = document_sign(
        agency=balangan, kind=DocumentKind.REPORT, user=user(PLH), secret=PASSPHRASE, period="2026-TW1", via="command"
    )
    assert signer_common_name(bytes(document.pdf)) == employee(PLH).full_name


# The key status --------------------------------------------------------------------------------------


def test_a_key_whose_certificate_names_someone_else_shows_as_mismatched(balangan):
    install(PLH, own_pkcs12(PLH))
    person = employee(PLH)
    person.full_name = "Dr. Nama Baru, M.Si."
    person.save(update_fields=["full_name"])
    assert key_status(person).state == KeyState.MISMATCH and not key_status(person).usable


def test_a_key_expiring_within_30_days_is_usable_but_flagged(balangan):
    install(PLH, own_pkcs12(PLH, valid_until=datetime.datetime.now(datetime.UTC) + 10 * DAY))
    status = key_status(employee(PLH))
    assert status.state == KeyState.EXPIRING and status.usable and status.needs_attention


# The keys page ---------------------------------------------------------------------------------------


def test_the_keys_page_lists_the_head_and_current_and_future_plh_with_their_key_status(balangan, login):
    install("balangan.kadis", own_pkcs12("balangan.kadis"))
    appoint_plh(balangan, starts_in=3)  # a future Plh, no key yet
    page = login("balangan.kasubbag").get(reverse("reports:signing-keys")).content.decode()
    assert employee("balangan.kadis").full_name in page and "Berlaku sampai" in page
    assert employee(PLH).full_name in page and "Belum ada kunci" in page
    assert employee("balangan.kasi-layanan").full_name not in page  # may not sign


def test_the_agency_admin_installs_a_key_through_the_page(balangan, login):
    appoint_plh(balangan)
    client = login("balangan.kasubbag")
    upload = io.BytesIO(own_pkcs12(PLH))
    upload.name = "kabid.p12"
    url = reverse("reports:signing-key-install", args=[employee(PLH).pk])
    page = client.post(url, {"pkcs12": upload, "passphrase": PASSPHRASE}, follow=True).content.decode()
    assert "Kunci tanda tangan dipasang" in page
    assert key_status(employee(PLH)).usable


def test_a_refused_upload_through_the_page_says_why_and_stores_nothing(balangan, login):
    client = login("balangan.kasubbag")
    upload = io.BytesIO(own_pkcs12(PLH))
    upload.name = "kabid.p12"
    url = reverse("reports:signing-key-install", args=[employee(PLH).pk])
    page = client.post(url, {"pkcs12": upload, "passphrase": "salah-ketik"}, follow=True).content.decode()
    assert "Passphrase" in page and not key_path(employee(PLH)).exists()


def test_another_agencys_admin_gets_404(balangan, login):
    client = login("padangpanjang.kasubbag")
    upload = io.BytesIO(own_pkcs12(PLH))
    upload.name = "kabid.p12"
    install_url = reverse("reports:signing-key-install", args=[employee(PLH).pk])
    assert client.post(install_url, {"pkcs12": upload, "passphrase": PASSPHRASE}).status_code == 404
    demo_url = reverse("reports:signing-key-demo", args=[employee(PLH).pk])
    assert client.post(demo_url, {"passphrase": PASSPHRASE}).status_code == 404
    assert not key_path(employee(PLH)).exists()


def test_someone_who_is_not_an_agency_admin_cannot_open_the_keys_page(balangan, login):
    assert login("balangan.staf").get(reverse("reports:signing-keys")).status_code == 403


def test_a_bsre_agency_shows_each_signers_registration_status(balangan, login, settings):
    service = FakeBsre().start()
    try:
        settings.BSRE_URL, settings.BSRE_API = service.url, "v1"
        settings.BSRE_CLIENT_ID, settings.BSRE_CLIENT_SECRET = service.client_id, service.client_secret
        settings.BSRE_TIMEOUT = 10
        balangan.signing_backend = "bsre"
        balangan.save(update_fields=["signing_backend"])
        kadis = employee("balangan.kadis")
        kadis.nik = "6308011203660001"
        kadis.save(update_fields=["nik"])
        service.add_user(name=kadis.full_name, nik=kadis.nik, passphrase=PASSPHRASE, status="ISSUE")
        appoint_plh(balangan)  # no NIK recorded
        page = login("balangan.kasubbag").get(reverse("reports:signing-keys")).content.decode()
    finally:
        service.stop()
    assert "Terdaftar di BSrE" in page and "Belum ada NIK" in page
    assert 'type="file"' not in page  # BSrE keeps the keys: nothing to upload


# Warnings --------------------------------------------------------------------------------------------


def test_the_plh_page_warns_after_appointing_someone_without_a_usable_key(balangan, login):
    client = login("balangan.kadis")
    today = permissions.local_today(balangan)
    data = {
        "position": Position.objects.get(agency=balangan, rank="kepala_dinas").pk,
        "employee": employee(PLH).pk,
        "kind": "plh",
        "starts_on": today.isoformat(),
        "ends_on": (today + 3 * DAY).isoformat(),
    }
    page = client.post(reverse("workflow:appointments"), data, follow=True).content.decode()
    assert "Penunjukan telah dicatat" in page  # appointed all the same: a warning, not a refusal
    assert "belum memiliki kunci tanda tangan" in page and employee(PLH).full_name in page


def test_the_dashboard_warns_a_plh_without_a_key_and_the_warning_disappears_once_a_key_is_installed(balangan, login):
    appoint_plh(balangan)
    client = login(PLH)
    assert "belum memiliki kunci tanda tangan" in client.get(reverse("workflow:home")).content.decode()
    install(PLH, own_pkcs12(PLH))
    assert "belum memiliki kunci tanda tangan" not in client.get(reverse("workflow:home")).content.decode()


def test_the_dashboard_warns_when_the_key_expires_within_30_days(balangan, login):
    install("balangan.kadis", own_pkcs12("balangan.kadis", valid_until=datetime.datetime.now(datetime.UTC) + 9 * DAY))
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert "akan kedaluwarsa" in page


def test_the_dashboard_of_someone_who_may_not_sign_shows_no_key_warning(balangan, login):
    page = login("balangan.kasi-layanan").get(reverse("workflow:home")).content.decode()
    assert "kunci tanda tangan" not in page


def test_the_agency_admin_form_offers_the_signing_backend(balangan, login):
    page = login("balangan.kasubbag").get(reverse("admin:workflow_agency_change", args=[balangan.pk]))
    assert 'name="signing_backend"' in page.content.decode()
