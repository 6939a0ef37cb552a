"""Electronic signatures (TTE).

base.py          the request, the refusals, the backend interface and backend_for(agency)
local.py         local backend: PAdES with pyHanko and a PKCS#12 file
bsre.py          BSrE backend: the esign client service (API v1 and v2)
verification.py  checking an uploaded PDF with public material only
demo_ca.py       demo CA and certificates for development
"""

from reports.signing.base import SignatureRequest, SigningRefused, SigningUnavailable, backend_for, sha256
from reports.signing.demo_ca import create_demo_certificate
from reports.signing.local import key_path, sign_pdf
from reports.signing.verification import Validation, validate

__all__ = [
    "SignatureRequest",
    "SigningRefused",
    "SigningUnavailable",
    "Validation",
    "backend_for",
    "create_demo_certificate",
    "key_path",
    "sha256",
    "sign_pdf",
    "validate",
]
