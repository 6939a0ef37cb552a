"""Who a certificate names, against the signature block printed from the employee record.

The visible block (name, NIP) is printed from the employee record, which an administrator can
edit; the certificate names the person whose key signs. A signature is made only when both name
the same person: the same name (case and spacing aside) and, where the certificate carries a NIP
in its serialNumber (the demo CA's and an office CA's do), the same NIP.
"""

import re
from dataclasses import dataclass

from asn1crypto import x509
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CertifiedIdentity:
    name: str
    nip: str  # the 18 digits of the subject's serialNumber, "" when it carries none


def certified_identity(certificate_der: bytes) -> CertifiedIdentity:
    subject = x509.Certificate.load(certificate_der).subject.native
    serial = re.sub(r"\D", "", str(subject.get("serial_number", "")))
    return CertifiedIdentity(name=str(subject.get("common_name", "")), nip=serial if len(serial) == 18 else "")


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def identity_mismatch(certificate_der: bytes, *, name: str, nip: str) -> str | None:
    """None when the certificate names the person printed in the block; else why not, in Indonesian."""
    certified = certified_identity(certificate_der)
    nip_digits = re.sub(r"\D", "", nip)
    if _same_name(certified.name, name) and (not certified.nip or certified.nip == nip_digits):
        return None
    return _(
        "The signing certificate names %(certified_name)s%(certified_nip)s, but the signature block would "
        "print %(name)s (NIP %(nip)s). Nothing was signed: the employee record or the key must be corrected "
        "by the administrator."
    ) % {
        "certified_name": certified.name or "?",
        "certified_nip": f" (NIP {certified.nip})" if certified.nip else "",
        "name": name,
        "nip": nip,
    }
