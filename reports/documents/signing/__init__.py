"""Electronic signatures (TTE).

base.py          the request, the refusals and the backend interface
backends.py      backend_for(agency): the agency's backend, and the words of its form
local.py         local backend: PAdES with pyHanko and one PKCS#12 per person
bsre.py          BSrE backend: the esign client service (API v1 and v2)
verification.py  checking an uploaded PDF with public material only
demo_ca.py       demo CA and certificates for development
"""

from reports.documents.signing.backends import backend_for, secret_label
from reports.documents.signing.base import (
    SignatureRequest,
    SigningRefused,
    SigningUnavailable,
    sha256,
)
from reports.documents.signing.demo_ca import (
    DEMO_PASSPHRASE,
    create_demo_certificate,
    create_demo_certificates,
    demo_signers,
)
from reports.documents.signing.identity import identity_mismatch
from reports.documents.signing.local import LocalBackend, certificate_path, key_path

__all__ = [
    "DEMO_PASSPHRASE",
    "LocalBackend",
    "SignatureRequest",
    "SigningRefused",
    "SigningUnavailable",
    "backend_for",
    "secret_label",
    "certificate_path",
    "create_demo_certificate",
    "create_demo_certificates",
    "demo_signers",
    "identity_mismatch",
    "key_path",
    "sha256",
]
