"""Signing keys managed in the app: what each signer has, installing a person's PKCS#12, issuing a demo one.

The local backend reads a person's key from key_path(employee) and opens it with the passphrase the
signer types when signing. Installing puts a checked PKCS#12 exactly there, and the person's public
certificate next to it (certificate_path), from which the key's status is read without any
passphrase. The passphrase typed to check a file is used once and is never stored or logged. An
agency that signs through BSrE keeps no keys here: its signers' status is BSrE's registration status.

Only the agency's own admin (a staff login with an employee in the agency) or a superuser installs
or issues a key; each installation is logged on `reports.documents.signing.keys` with who did it.
"""

import datetime
import enum
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization.pkcs12 import load_key_and_certificates
from cryptography.x509.oid import NameOID
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from reports.documents.signing.base import SigningRefused
from reports.documents.signing.bsre import BsreBackend
from reports.documents.signing.demo_ca import create_demo_certificate, demo_ca_configured
from reports.documents.signing.identity import names_match
from reports.documents.signing.local import certificate_path, key_path
from workflow import permissions

log = logging.getLogger(__name__)

# A key that runs out within this many days is flagged on the keys page and the signer's dashboard.
EXPIRY_WARNING = datetime.timedelta(days=30)
# A BSrE status is asked again after this many seconds (the dashboard does not wait on BSrE each time).
BSRE_STATUS_SECONDS = 600
MIN_DEMO_PASSPHRASE = 8


class KeyState(enum.StrEnum):
    NONE = "none"  # no key installed
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but for less than EXPIRY_WARNING
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MISMATCH = "mismatch"  # the certificate names someone else (or the employee's name or NIP changed)
    UNREADABLE = "unreadable"  # a key file without its public certificate: its dates cannot be read
    # An agency that signs through BSrE:
    NO_IDENTITY = "no_identity"  # no NIK (or e-mail with API v2) to ask BSrE about
    REGISTERED = "registered"  # BSrE: the certificate is issued and can sign
    NOT_REGISTERED = "not_registered"
    INACTIVE = "inactive"  # BSrE knows the person, but the certificate cannot sign (expired, revoked, …)
    UNKNOWN = "unknown"  # BSrE did not answer


USABLE = {KeyState.VALID, KeyState.EXPIRING, KeyState.UNREADABLE, KeyState.REGISTERED, KeyState.UNKNOWN}


@dataclass(frozen=True)
class KeyStatus:
    """A signer's key as the app sees it; `detail` is the certificate's name or BSrE's own status."""

    state: KeyState
    valid_until: datetime.date | None = None
    detail: str = ""

    @property
    def usable(self) -> bool:
        """Signing can work (an UNKNOWN BSrE answer is not held against the signer)."""
        return self.state in USABLE

    @property
    def needs_attention(self) -> bool:
        """Worth a warning to the signer: no usable key, or one that runs out soon."""
        return not self.usable or self.state == KeyState.EXPIRING

    @property
    def tone(self) -> str:
        """The Bootstrap colour of its badge."""
        if self.state in (KeyState.VALID, KeyState.REGISTERED):
            return "success"
        return "warning" if self.usable else "danger"

    @property
    def label(self) -> str:
        until = formats.date_format(self.valid_until, "DATE_FORMAT") if self.valid_until else ""
        texts = {
            KeyState.NONE: _("No key yet"),
            KeyState.VALID: _("Valid until %(date)s") % {"date": until},
            KeyState.EXPIRING: _("Expires within 30 days (%(date)s)") % {"date": until},
            KeyState.EXPIRED: _("Expired on %(date)s") % {"date": until},
            KeyState.NOT_YET_VALID: _("Not valid yet"),
            KeyState.MISMATCH: _("Certificate in another name: %(name)s") % {"name": self.detail},
            KeyState.UNREADABLE: _("Installed (validity unknown: the public certificate is missing)"),
            KeyState.NO_IDENTITY: _("No NIK recorded: enter it on the employee"),
            KeyState.REGISTERED: _("Registered with BSrE (%(status)s)") % {"status": self.detail},
            KeyState.NOT_REGISTERED: _("Not registered with BSrE"),
            KeyState.INACTIVE: _("BSrE certificate cannot sign (%(status)s)") % {"status": self.detail},
            KeyState.UNKNOWN: _("BSrE status unknown: %(reason)s") % {"reason": self.detail},
        }
        return str(texts[self.state])


@dataclass(frozen=True)
class Signer:
    """One person who signs for the agency now or later, with their key's status."""

    employee: object
    appointment: object  # the ActingAssignment, or None for the holder of the head position
    status: KeyStatus


# Reading ------------------------------------------------------------------------------------------


def _subject(certificate: x509.Certificate, oid) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _nip_of(certificate: x509.Certificate) -> str:
    """The NIP in the certificate's serialNumber (where demo_ca puts it), digits only: some CAs prefix it."""
    return re.sub(r"\D", "", _subject(certificate, NameOID.SERIAL_NUMBER))


def _identity_problem(certificate: x509.Certificate, employee) -> str:
    """Why the certificate is not this employee's, in Indonesian; empty when it is."""
    common_name = _subject(certificate, NameOID.COMMON_NAME)
    if not names_match(common_name, employee.full_name):
        return _("The certificate is in the name of %(cn)s, not %(name)s.") % {
            "cn": common_name or "?",
            "name": employee.full_name,
        }
    nip = _nip_of(certificate)
    if not nip:
        return _("The certificate carries no NIP (serialNumber), so it cannot be matched to %(name)s.") % {
            "name": employee.full_name
        }
    if nip != employee.nip:
        return _("The certificate carries NIP %(nip)s, not the NIP of %(name)s.") % {
            "nip": nip,
            "name": employee.full_name,
        }
    return ""


def _validity(certificate: x509.Certificate, now: datetime.datetime) -> KeyState:
    if now < certificate.not_valid_before_utc:
        return KeyState.NOT_YET_VALID
    if now > certificate.not_valid_after_utc:
        return KeyState.EXPIRED
    if certificate.not_valid_after_utc - now < EXPIRY_WARNING:
        return KeyState.EXPIRING
    return KeyState.VALID


def key_status(employee, *, now: datetime.datetime | None = None) -> KeyStatus:
    """The status of the person's local key, read from the public certificate beside it."""
    if not key_path(employee).is_file():
        return KeyStatus(KeyState.NONE)
    try:
        certificate = x509.load_pem_x509_certificate(certificate_path(employee).read_bytes())
    except (OSError, ValueError):
        return KeyStatus(KeyState.UNREADABLE)
    valid_until = timezone.localtime(certificate.not_valid_after_utc, employee.agency.zone).date()
    if _identity_problem(certificate, employee):
        return KeyStatus(KeyState.MISMATCH, valid_until, _subject(certificate, NameOID.COMMON_NAME))
    return KeyStatus(_validity(certificate, now or timezone.now()), valid_until)


def bsre_status(employee, *, fresh: bool = False) -> KeyStatus:
    """BSrE's registration status of the person (asked at most every BSRE_STATUS_SECONDS unless fresh)."""
    cache_key = f"bsre-status:{employee.pk}:{employee.nik}:{employee.user.email}"
    if not fresh and (cached := cache.get(cache_key)) is not None:
        return cached
    try:
        answer = BsreBackend.from_settings().user_status(employee)
    except SigningRefused as refusal:
        if refusal.code == SigningRefused.NOT_REGISTERED:  # no NIK (nor e-mail with v2) to ask with
            return KeyStatus(KeyState.NO_IDENTITY)
        status = KeyStatus(KeyState.UNKNOWN, detail=refusal.message)
    else:
        if answer is None:
            status = KeyStatus(KeyState.UNKNOWN, detail=_("no usable answer"))
        elif answer.can_sign:
            status = KeyStatus(KeyState.REGISTERED, detail=answer.status)
        elif answer.registered:
            status = KeyStatus(KeyState.INACTIVE, detail=answer.status)
        else:
            status = KeyStatus(KeyState.NOT_REGISTERED)
    cache.set(cache_key, status, BSRE_STATUS_SECONDS)
    return status


def signer_status(employee, agency, *, fresh: bool = False) -> KeyStatus:
    """The person's key status under the agency's backend (Agency.signing_backend)."""
    if agency.signing_backend == "bsre":
        return bsre_status(employee, fresh=fresh)
    return key_status(employee)


def agency_signers(agency, *, fresh: bool = False) -> list[Signer]:
    """Everyone who signs for the agency now or later (workflow.permissions.signers), with their key."""
    today = permissions.local_today(agency)
    return [
        Signer(employee, appointment, signer_status(employee, agency, fresh=fresh))
        for employee, appointment in permissions.signers(agency, today)
    ]


def key_warning(user, agency) -> KeyStatus | None:
    """The user's key status when it needs attention and the user signs now or later; else None."""
    if agency is None or not permissions.signs_now_or_later(user, agency, permissions.local_today(agency)):
        return None
    status = signer_status(user.employee, agency)
    return status if status.needs_attention else None


# Writing ------------------------------------------------------------------------------------------


def _require_admin(by, employee) -> None:
    if not permissions.is_agency_admin(by, employee.agency):
        raise PermissionDenied(_("Only the agency's administrator or a system administrator manages signing keys."))
    if employee.agency.signing_backend != "local":
        raise ValidationError(_("This agency signs through BSrE, which keeps its signers' keys: nothing to install."))


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Replace the file at once (never a half-written key), created with its mode (never wider first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _is_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        return pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except (ValueError, TypeError, KeyError):
        return False


@sensitive_variables("passphrase")
def _open(data: bytes, passphrase: str):
    """The private key and certificate of a PKCS#12, or ValidationError saying why not."""
    if not _is_pkcs12(data):
        raise ValidationError(_("The file is not a PKCS#12 key (.p12 or .pfx)."))
    try:
        key, certificate, _chain = load_key_and_certificates(data, passphrase.encode())
    except ValueError:
        raise ValidationError(_("The passphrase does not open this file. Nothing was installed.")) from None
    if key is None:
        raise ValidationError(_("The file holds no private key, only certificates. Nothing was installed."))
    if certificate is None:
        raise ValidationError(_("The file holds no certificate for its private key. Nothing was installed."))
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, spki) != certificate.public_key().public_bytes(
        serialization.Encoding.DER, spki
    ):
        raise ValidationError(_("The private key does not belong to the certificate. Nothing was installed."))
    return key, certificate


@sensitive_variables("passphrase")
def signing_key_install(*, employee, pkcs12: bytes, passphrase: str, by, now: datetime.datetime | None = None):
    """Install `pkcs12` as the employee's signing key for the local backend; returns its KeyStatus.

    Guarantees: only the agency's admin or a superuser installs (PermissionDenied); the file opens
    with `passphrase`, holds a private key with its certificate, the certificate names the employee
    (CN) and carries the employee's NIP (serialNumber) and is valid now; otherwise ValidationError
    with the reason in Indonesian, and nothing is stored. The file is stored as given (mode 600)
    where the local backend reads it, replacing any earlier key, with the public certificate beside
    it; the passphrase is not stored or logged. The installation is logged with who did it.
    Files, not database rows, so there is no transaction to join.
    """
    _require_admin(by, employee)
    _key, certificate = _open(pkcs12, passphrase)
    problem = _identity_problem(certificate, employee)
    if problem:
        raise ValidationError(problem + " " + _("Nothing was installed."))
    state = _validity(certificate, now or timezone.now())
    if state == KeyState.EXPIRED:
        raise ValidationError(_("The certificate has expired. Nothing was installed."))
    if state == KeyState.NOT_YET_VALID:
        raise ValidationError(_("The certificate is not valid yet. Nothing was installed."))
    _write_private(key_path(employee), pkcs12, 0o600)
    _write_private(certificate_path(employee), certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    log.info(
        "signing key installed for %s (agency %s): certificate serial %x, issuer %s, valid until %s, by %s",
        employee.user.get_username(),
        employee.agency.slug,
        certificate.serial_number,
        certificate.issuer.rfc4514_string(),
        certificate.not_valid_after_utc.date(),
        by.get_username(),
    )
    return key_status(employee)


@sensitive_variables("passphrase")
def signing_key_issue_demo(*, employee, passphrase: str, by):
    """Issue the employee a new demo key from the demo CA, opened with `passphrase`; returns its KeyStatus.

    Guarantees: only the agency's admin or a superuser issues (PermissionDenied); only on an
    installation where the demo CA is set up (create_demo_ca or load_demo made it), never creating
    one; a passphrase of at least 8 characters. Replaces any earlier key; the passphrase is not
    stored or logged; the issue is logged with who did it. Otherwise ValidationError, nothing written.
    """
    _require_admin(by, employee)
    if not demo_ca_configured():
        raise ValidationError(_("This installation has no demo CA, so it issues no demo keys. Install a real key."))
    if len(passphrase) < MIN_DEMO_PASSPHRASE:
        message = _("Choose a passphrase of at least %(count)d characters.")
        raise ValidationError(message % {"count": MIN_DEMO_PASSPHRASE})
    create_demo_certificate(employee, replace=True, passphrase=passphrase)
    log.info(
        "demo signing key issued for %s (agency %s), by %s",
        employee.user.get_username(),
        employee.agency.slug,
        by.get_username(),
    )
    return key_status(employee)
