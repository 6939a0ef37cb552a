"""Demo certificates for development: a self-signed demo CA and certificates it issues. Never for production."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone

from reports.documents.signing.local import certificate_path, key_path
from workflow.models import ActingAssignment, Employee, Position


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(**allowed) -> x509.KeyUsage:
    flags = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    return x509.KeyUsage(**{**flags, **allowed})


DEMO_CA_NAME = "SOP Kinerja Demo CA (BUKAN UNTUK PRODUKSI)"


def _demo_ca(cert_file: Path):
    directory = cert_file.parent
    key_file = cert_file.with_suffix(".key")
    if key_file.exists() and cert_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(cert_file.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(DEMO_CA_NAME, "SOP Kinerja Demo")
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


DEMO_PASSPHRASE = "demo-passphrase"


def ca_file() -> Path:
    """The demo CA's certificate: where verification finds it (the first SIGNING_TRUST_ROOTS entry)."""
    roots = settings.SIGNING_TRUST_ROOTS or [str(Path(settings.BASE_DIR) / "var" / "keys" / "demo-ca.pem")]
    return Path(roots[0])


def demo_ca_configured() -> bool:
    """This installation has the demo CA (made by create_demo_ca or load_demo): its key and its
    certificate, the first trust root, naming itself the demo CA. Otherwise no demo key is issued
    from the app: that would make a CA, or issue from (or overwrite) an office's real CA."""
    path = ca_file()
    if not (path.is_file() and path.with_suffix(".key").is_file()):
        return False
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except ValueError:
        return False
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return bool(names) and names[0].value == DEMO_CA_NAME


def demo_signers(agency) -> list:
    """Everyone in the agency who may sign: the Kepala Dinas, every Sekretaris (the usual Plh), and
    whoever holds a current or future Plh/Plt appointment on the head position."""

    today = timezone.localdate()
    people = Employee.objects.filter(agency=agency, position__rank__in=[Position.Rank.HEAD, "sekretaris"])
    acting = ActingAssignment.objects.filter(
        position__agency=agency, position__rank=Position.Rank.HEAD, ends_on__gte=today
    ).values("employee")
    return list((people | Employee.objects.filter(pk__in=acting)).distinct().select_related("user", "agency"))


def create_demo_certificate(employee, *, replace: bool = False, passphrase: str = DEMO_PASSPHRASE) -> Path:
    """A demo certificate for one person, issued by the demo CA, as PKCS#12 at key_path(employee).

    Subject: CN = full name, O = agency, serialNumber = NIP. The public certificate is written
    next to it as PEM. Kept when it exists, unless replace.
    """
    path = key_path(employee)
    if path.exists() and not replace:
        return path
    ca_key, ca_certificate = _demo_ca(ca_file())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    subject = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    subject.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, employee.agency.full_name[:64]))
    if employee.nip:
        subject.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, employee.nip))
    subject.append(x509.NameAttribute(NameOID.COMMON_NAME, employee.full_name[:64]))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        employee.user.get_username().encode(),
        key,
        certificate,
        [ca_certificate],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bundle)
    path.chmod(0o600)
    certificate_path(employee).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def create_demo_certificates(agency, *, replace: bool = False) -> list[Path]:
    """A demo certificate for every demo official of the agency who may sign (demo_signers)."""
    return [create_demo_certificate(employee, replace=replace) for employee in demo_signers(agency)]
