"""Checking a PDF against a signed document (the public verification page).

TRANSITIONAL (issue 7): still opens the agency's PKCS#12; to use public material only.
"""

import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.signing.local import _load


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
