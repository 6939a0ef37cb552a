"""Who a certificate names, against the signature block printed from the employee record.

The visible block (name, NIP) is printed from the employee record, which an administrator can
edit; the certificate names the person whose key signs. A signature is made only when both name
the same person: the same name (case and spacing aside) and, where the certificate carries a NIP
in its serialNumber (the demo CA's and an office CA's do), the same NIP. Installing a key checks the
same (reports.documents.signing.keys).
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


def _normalised(name: str) -> str:
    return "".join(character for character in name.casefold() if character.isalnum())


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[^\w]+", name.casefold()) if word]


def names_match(certified_name: str, printed_name: str) -> bool:
    """The certificate's CN names the person printed: the same name with case, spacing and
    punctuation aside; the printed name cut at 64 characters (the CN's limit); or, as a national CA
    registers the name from the population register without titles ("RODY RAHMADY NOOR" for
    "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"), every word of at least two of the CN's words found in
    the printed name in the same order."""
    wanted = _normalised(certified_name)
    if not wanted:
        return False
    if wanted in (_normalised(printed_name), _normalised(printed_name[:64])):
        return True
    certified, printed = _words(certified_name), iter(_words(printed_name))
    return len(certified) >= 2 and all(word in printed for word in certified)


def identity_mismatch(certificate_der: bytes, *, name: str, nip: str) -> str | None:
    """None when the certificate names the person printed in the block; else why not, in Indonesian."""
    certified = certified_identity(certificate_der)
    nip_digits = re.sub(r"\D", "", nip)
    if names_match(certified.name, name) and (not certified.nip or certified.nip == nip_digits):
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
