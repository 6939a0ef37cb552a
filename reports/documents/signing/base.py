"""What every signer backend shares: the request, the refusals, and choosing the backend.

A backend turns the PDF the person has seen into a PAdES-signed PDF made with that person's
own certificate. The secret (passphrase or TOTP code) is typed at the moment of signing, handed
to the backend once and never stored: not in the database, the settings or a log.
"""

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from workflow.models import Employee


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SigningRefused(Exception):
    """Signing did not happen; `message` is a plain Indonesian sentence for the signer."""

    WRONG_SECRET = "wrong_secret"
    NOT_REGISTERED = "not_registered"
    UNREACHABLE = "unreachable"
    SERVICE_ERROR = "service_error"
    NOT_A_PDF = "not_a_pdf"
    NO_KEY = "no_key"
    IDENTITY = "identity"

    def __init__(self, code: str, message=None):
        self.code = code
        self.message = str(message or DEFAULT_MESSAGES[code])
        super().__init__(self.message)

    @property
    def messages(self) -> list[str]:  # the same shape as ValidationError, for views
        return [self.message]


DEFAULT_MESSAGES = {
    SigningRefused.WRONG_SECRET: _("The passphrase is wrong. Nothing was signed."),
    SigningRefused.NOT_REGISTERED: _(
        "The signer has no electronic certificate (not registered, or the certificate was not issued). "
        "Nothing was signed."
    ),
    SigningRefused.UNREACHABLE: _("The signing service cannot be reached or did not answer in time. Try again later."),
    SigningRefused.SERVICE_ERROR: _("The signing service reported an error. Nothing was signed; try again later."),
    SigningRefused.NOT_A_PDF: _("The signing service did not return a signed PDF. Nothing was stored."),
    SigningRefused.NO_KEY: _("The signer has no signing key here. Ask the administrator to install one."),
    SigningRefused.IDENTITY: _(
        "The signing certificate names someone else than the signature block. Nothing was signed."
    ),
}


class SigningUnavailable(SigningRefused):
    """No usable signing key or service is configured for this signer."""

    def __init__(self, message=None):
        super().__init__(SigningRefused.NO_KEY, message)


@dataclass(frozen=True)
class SignatureRequest:
    """One signature: the exact bytes to sign, who signs them, and the secret they typed."""

    pdf: bytes
    signer: "Employee"
    secret: str = field(repr=False)  # never printed, logged or stored
    reason: str = ""
    location: str = ""
    field_name: str = "TTE"


class SignerBackend(Protocol):
    """local (a PKCS#12 per person) or bsre (the BSrE esign service)."""

    name: str
    secret_kind: str  # what the signer types: "passphrase" or "totp"

    def sign(self, request: SignatureRequest) -> bytes:
        """The signed PDF, or SigningRefused with a message for the signer."""
        ...


SECRET_LABELS = {
    ("local", "passphrase"): _("Passphrase of your signing key"),
    ("bsre", "passphrase"): _("Your BSrE passphrase"),
    ("bsre", "totp"): _("Your BSrE TOTP code"),
}
