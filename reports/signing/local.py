"""The local backend: PAdES with pyHanko and a PKCS#12 file.

TRANSITIONAL (issue 7): still one key per agency at settings.SIGNING_PKCS12; to become one
PKCS#12 per person, opened with the passphrase the signer types.
"""

import io
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from reports.signing.base import SigningUnavailable


def key_path(agency) -> Path:
    return Path(settings.SIGNING_PKCS12.format(slug=agency.slug))


def _passphrase() -> bytes:
    return settings.SIGNING_PKCS12_PASSPHRASE.encode()


def _load(agency):
    path = key_path(agency)
    if not path.exists():
        raise SigningUnavailable(f"no signing key for {agency.slug} at {path}")
    return pkcs12.load_key_and_certificates(path.read_bytes(), _passphrase())


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
