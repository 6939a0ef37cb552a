"""Electronic signatures (TTE): PAdES with pyHanko, keys from a PKCS#12 file per agency.

In production each agency's certificate comes from its CA (e.g. BSrE) as a PKCS#12 file at the
path named by settings.SIGNING_PKCS12 (with {slug}). For development, `create_demo_ca` makes a
self-signed demo CA and one certificate per agency.
"""

import datetime
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


class SigningUnavailable(Exception):
    """The agency has no usable signing key."""


def key_path(agency) -> Path:
    return Path(settings.SIGNING_PKCS12.format(slug=agency.slug))


def _passphrase() -> bytes:
    return settings.SIGNING_PKCS12_PASSPHRASE.encode()


def _load(agency):
    path = key_path(agency)
    if not path.exists():
        raise SigningUnavailable(f"no signing key for {agency.slug} at {path}")
    return pkcs12.load_key_and_certificates(path.read_bytes(), _passphrase())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_pdf(pdf: bytes, *, agency, signer_name: str, reason: str, location: str) -> bytes:
    """Apply a PAdES signature (SHA-256) with the agency's key; returns the signed bytes."""
    path = key_path(agency)
    if not path.exists():
        raise SigningUnavailable(f"no signing key for {agency.slug} at {path}")
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=_passphrase())
    if signer is None:
        raise SigningUnavailable(f"cannot open the signing key of {agency.slug}")
    metadata = signers.PdfSignatureMetadata(
        field_name="TTE",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=signer_name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


@dataclass(frozen=True)
class Validation:
    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    agency_key: bool = False  # signed with this agency's own certificate, not just any from the same CA
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file and self.agency_key


def validate(pdf: bytes, agency) -> Validation:
    """Check the PAdES signature against the agency's CA: intact, trusted, covering the whole file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
    except Exception:
        return Validation(signed=False)
    if not signatures:
        return Validation(signed=False)
    _key, certificate, chain = _load(agency)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain or []]
    status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=roots))
    own = certificate.public_bytes(serialization.Encoding.DER)
    return Validation(
        signed=True,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        whole_file=status.coverage.name == "ENTIRE_FILE",
        agency_key=status.signing_cert is not None and status.signing_cert.dump() == own,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )


# Demo certificates --------------------------------------------------------------------------


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


def _demo_ca(directory: Path):
    key_file, cert_file = directory / "demo-ca.key", directory / "demo-ca.pem"
    if key_file.exists() and cert_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(cert_file.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name("SOP Kinerja Demo CA (BUKAN UNTUK PRODUKSI)", "SOP Kinerja Demo")
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


def create_demo_certificate(agency, *, holder_name: str, replace: bool = False) -> Path:
    """A demo certificate for the agency's Kepala Dinas, issued by the demo CA, as PKCS#12."""
    path = key_path(agency)
    if path.exists() and not replace:
        return path
    ca_key, ca_certificate = _demo_ca(path.parent)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(holder_name, agency.full_name))
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
        agency.slug.encode(), key, certificate, [ca_certificate], serialization.BestAvailableEncryption(_passphrase())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bundle)
    path.chmod(0o600)
    return path
