"""The local backend: PAdES with pyHanko and ONE PKCS#12 FILE PER PERSON.

The file of a signer is `settings.SIGNING_KEY_FILE` with `{username}` replaced by the signer's
login (default `var/keys/people/{username}.p12`). It is opened with the passphrase the signer
types at the moment of signing; that passphrase is used once and never stored or logged.
Next to it, `{username}.pem` (optional, public) holds the person's certificate.
"""

import io
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from reports.documents.signing.base import SignatureRequest, SigningRefused, SigningUnavailable


def key_path(user) -> Path:
    """Where the PKCS#12 of this person (a User or an Employee) lives."""
    username = user.user.get_username() if hasattr(user, "user") else user.get_username()
    return Path(settings.SIGNING_KEY_FILE.format(username=username))


def certificate_path(user) -> Path:
    """The person's public certificate (PEM), written next to the PKCS#12 by create_demo_ca."""
    return key_path(user).with_suffix(".pem")


class LocalBackend:
    """Signs with the signer's own PKCS#12, opened with the passphrase they typed."""

    name = "local"
    secret_kind = "passphrase"

    @sensitive_variables("request", "signer")
    def sign(self, request: SignatureRequest) -> bytes:
        path = key_path(request.signer)
        if not path.is_file():
            raise SigningUnavailable()
        try:
            # Checked with cryptography first: a wrong passphrase is the signer's mistake, not ours.
            pkcs12.load_key_and_certificates(path.read_bytes(), request.secret.encode())
        except ValueError:
            raise SigningRefused(SigningRefused.WRONG_SECRET) from None
        signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), [], passphrase=request.secret.encode())
        metadata = signers.PdfSignatureMetadata(
            field_name=request.field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=request.reason,
            location=request.location,
            name=request.signer.full_name,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(request.pdf))
        return signers.sign_pdf(writer, metadata, signer=signer).getvalue()
