"""The BSrE backend: the esign client service (API v1 and v2) that signs with BSSN certificates.

The application draws the QR code and the visible TTE block into the PDF itself (as for the local
backend) and asks BSrE for an INVISIBLE signature, so a document looks the same under either
backend (docs/bsre.md says why).

The passphrase or TOTP code is put into exactly one request and nowhere else: it is not logged,
not kept on the backend, not in an exception's text, and the requests exception that could carry
the prepared request is not chained to the refusal. The client credentials are never logged either.
Signing is never retried automatically: a retry would send the secret again and could sign twice.
"""

import base64
import binascii
import io
import logging
from dataclasses import dataclass
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.status import SignatureCoverageLevel

from reports.documents.signing.base import SignatureRequest, SigningRefused, SigningUnavailable

logger = logging.getLogger(__name__)

# Error codes of the esign client service, as public integrations report them (docs/bsre.md):
# 2031 "Passphrase anda salah"; 2011 "User tidak terdaftar" / "Penandatangan tidak terdaftar".
WRONG_PASSPHRASE_CODES = {2031}
NOT_REGISTERED_CODES = {2011, 1110}
# User status: only a certificate in the ISSUE state can sign.
CAN_SIGN = "ISSUE"
NOT_REGISTERED = "NOT_REGISTERED"

MESSAGES = {
    "wrong_passphrase": _("The BSrE passphrase is wrong. Nothing was signed."),
    "wrong_totp": _("The TOTP code is wrong or has expired. Nothing was signed."),
    "no_identity": _("%(name)s has no NIK recorded here. Ask the administrator to enter it on the employee."),
    "not_registered": _(
        "%(name)s is not registered with BSrE. Register through your office's TTE coordinator first. "
        "Nothing was signed."
    ),
    "inactive": _(
        "The BSrE certificate of %(name)s cannot sign (status: %(status)s). Renew or activate it with BSrE. "
        "Nothing was signed."
    ),
    "unreachable": _(
        "The BSrE service cannot be reached or did not answer in time. Nothing was signed; try again later."
    ),
    "credentials": _(
        "The BSrE service refused this application's client credentials. Ask the administrator to check "
        "BSRE_CLIENT_ID and BSRE_CLIENT_SECRET. Nothing was signed."
    ),
    "service_error": _("The BSrE service reported an error (%(detail)s). Nothing was signed; try again later."),
    "not_a_pdf": _("The BSrE service did not return a signed PDF. Nothing was stored."),
    "not_configured": _("Signing with BSrE is not configured (BSRE_URL is empty). Ask the administrator."),
}


def _message(key: str, **values) -> str:
    return str(MESSAGES[key]) % values if values else str(MESSAGES[key])


@dataclass(frozen=True)
class UserStatus:
    """What BSrE says about a signer: `status` as BSrE names it (ISSUE, NOT_REGISTERED, EXPIRED, ...)."""

    status: str
    message: str = ""

    @property
    def registered(self) -> bool:
        return self.status not in ("", NOT_REGISTERED)

    @property
    def can_sign(self) -> bool:
        return self.status == CAN_SIGN


class BsreBackend:
    """Signs through the esign client service with HTTP Basic client credentials.

    `api` is "v1" (multipart, NIK and passphrase) or "v2" (JSON, NIK or e-mail, passphrase or TOTP);
    `secret_kind` says what the signer types: "passphrase" or, with v2 only, "totp".
    """

    name = "bsre"

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        api: str = "v1",
        secret_kind: str = "passphrase",
        timeout: float = 30.0,
        verify: bool | str = True,
    ):
        if api not in ("v1", "v2"):
            raise ValueError(f"BSRE_API must be v1 or v2, not {api!r}")
        if secret_kind not in ("passphrase", "totp") or (secret_kind == "totp" and api != "v2"):
            raise ValueError("BSRE_SECRET_KIND must be passphrase, or totp with BSRE_API=v2")
        self.base_url = base_url.rstrip("/")
        self.api = api
        self.secret_kind = secret_kind
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (client_id, client_secret)
        self.session.verify = verify
        self.session.headers["Accept"] = "application/json, application/pdf"

    @classmethod
    def from_settings(cls) -> "BsreBackend":
        return cls(
            base_url=settings.BSRE_URL,
            client_id=settings.BSRE_CLIENT_ID,
            client_secret=settings.BSRE_CLIENT_SECRET,
            api=settings.BSRE_API,
            secret_kind=settings.BSRE_SECRET_KIND,
            timeout=settings.BSRE_TIMEOUT,
            verify=settings.BSRE_CA_BUNDLE or settings.BSRE_VERIFY_TLS,
        )

    def __repr__(self) -> str:  # never the credentials
        return f"<BsreBackend {self.api} {self.base_url or '(not configured)'}>"

    # -- the interface -----------------------------------------------------------------------

    def sign(self, request: SignatureRequest) -> bytes:
        """The PDF signed invisibly with the signer's BSrE certificate, or SigningRefused.

        The signer's status is asked first (no secret is sent for that), so an unregistered signer
        or an expired certificate gets its own message before the secret leaves the application.
        """
        self._require_configured()
        employee = request.signer
        status = self.user_status(employee)
        if status is not None and not status.can_sign:
            raise self._not_registered(employee, status)
        if self.api == "v1":
            response = self._post_v1(request)
        else:
            response = self._post_v2(request)
        if response.status_code != 200:
            raise self._refusal(response, employee, request.secret)
        signed = self._signed_pdf(response, employee, request.secret)
        if not _adds_an_intact_signature(request.pdf, signed):
            logger.warning("BSrE (%s) answered 200 without a new intact signature (%d bytes)", self.api, len(signed))
            raise SigningRefused(SigningRefused.NOT_A_PDF, _message("not_a_pdf"))
        logger.info(
            "BSrE (%s) signed %d bytes for %s; id_dokumen=%s",
            self.api,
            len(signed),
            employee.full_name,
            response.headers.get("id_dokumen", "-"),
        )
        return signed

    def user_status(self, employee) -> UserStatus | None:
        """BSrE's status of the signer's certificate; None when the service gave no usable answer.

        Unreachable or refused (credentials, 5xx) raises SigningRefused, since signing would fail too.
        """
        self._require_configured()
        identity = self._identity(employee)
        if self.api == "v1":
            response = self._call("GET", "/api/user/status/" + quote(identity["nik"], safe=""))
        else:
            response = self._call("POST", "/api/v2/user/check/status", json=identity)
        if response.status_code in (401, 403) or response.status_code >= 500:
            raise self._refusal(response, employee, secret="")
        data = _data(response)
        message = str(data.get("message") or data.get("error") or "")
        if _int(data.get("status_code")) in NOT_REGISTERED_CODES:
            return UserStatus(status=NOT_REGISTERED, message=message)
        status = data.get("status") or data.get("userStatus")
        # Only a 200 naming a state counts (a framework's error page also has a numeric "status").
        if response.status_code != 200 or not isinstance(status, str) or not status.replace("_", "").isalpha():
            return None
        return UserStatus(status=status.upper(), message=message)

    # -- requests ----------------------------------------------------------------------------

    def _require_configured(self) -> None:
        if not self.base_url:
            raise SigningUnavailable(_message("not_configured"))

    def _identity(self, employee) -> dict:
        nik = (getattr(employee, "nik", "") or "").strip()
        email = ((employee.user.email if getattr(employee, "user", None) else "") or "").strip()
        if nik:
            return {"nik": nik}
        if self.api == "v2" and email:
            return {"email": email}
        raise SigningRefused(SigningRefused.NOT_REGISTERED, _message("no_identity", name=employee.full_name))

    def _post_v1(self, request: SignatureRequest) -> requests.Response:
        fields = {
            **self._identity(request.signer),
            "passphrase": request.secret,
            "tampilan": "invisible",  # the app draws the visible block itself
        }
        if request.reason:
            fields["reason"] = request.reason
        if request.location:
            fields["location"] = request.location
        files = {"file": ("document.pdf", request.pdf, "application/pdf")}
        return self._call("POST", "/api/sign/pdf", data=fields, files=files)

    def _post_v2(self, request: SignatureRequest) -> requests.Response:
        properties = {"tampilan": "INVISIBLE"}
        if request.reason:
            properties["reason"] = request.reason
        if request.location:
            properties["location"] = request.location
        payload = {
            **self._identity(request.signer),
            self.secret_kind: request.secret,
            "signatureProperties": [properties],
            "file": [base64.b64encode(request.pdf).decode("ascii")],
        }
        return self._call("POST", "/api/v2/sign/pdf", json=payload)

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            return self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            # Only the class name: the exception holds the prepared request, body and secret included.
            logger.warning("BSrE %s %s failed: %s", method, path, type(error).__name__)
            refusal = SigningRefused(SigningRefused.UNREACHABLE, _message("unreachable"))
        raise refusal  # outside the except block: no chained context that carries the request

    # -- answers -----------------------------------------------------------------------------

    def _refusal(self, response: requests.Response, employee, secret: str) -> SigningRefused:
        """Map an error answer to the refusal the signer sees."""
        data = _data(response)
        code = _int(data.get("status_code"))
        detail = _scrub(str(data.get("error") or data.get("message") or response.reason or ""), secret)[:200]
        lowered = detail.lower()
        logger.warning("BSrE answered HTTP %s, code %s: %s", response.status_code, code, detail)
        if response.status_code in (401, 403) and code not in WRONG_PASSPHRASE_CODES | NOT_REGISTERED_CODES:
            return SigningRefused(SigningRefused.SERVICE_ERROR, _message("credentials"))
        if code in WRONG_PASSPHRASE_CODES or (("passphrase" in lowered or "totp" in lowered) and "salah" in lowered):
            key = "wrong_totp" if self.secret_kind == "totp" else "wrong_passphrase"
            return SigningRefused(SigningRefused.WRONG_SECRET, _message(key))
        if code in NOT_REGISTERED_CODES or "tidak terdaftar" in lowered or "belum terdaftar" in lowered:
            return self._not_registered(employee, UserStatus(NOT_REGISTERED, detail))
        if response.status_code >= 500 or response.status_code < 400:
            return _service_error(f"HTTP {response.status_code}")
        # Another 4xx: a certificate problem is the likeliest; ask the status for the plain reason.
        if employee is not None and secret:
            try:
                status = self.user_status(employee)
            except SigningRefused:
                status = None
            if status is not None and not status.can_sign:
                return self._not_registered(employee, status)
        return _service_error(detail or f"HTTP {response.status_code}")

    def _not_registered(self, employee, status: UserStatus) -> SigningRefused:
        if status.registered:
            message = _message("inactive", name=employee.full_name, status=status.status)
        else:
            message = _message("not_registered", name=employee.full_name)
        return SigningRefused(SigningRefused.NOT_REGISTERED, message)

    def _signed_pdf(self, response: requests.Response, employee, secret: str) -> bytes:
        if self.api == "v1":
            content = response.content
            if not content.startswith(b"%PDF-"):
                body = _json(response)
                if body and (body.get("error") or body.get("status_code")):  # an error dressed as 200
                    raise self._refusal(response, employee, secret)
        else:
            body = _json(response)
            if body is None:
                raise SigningRefused(SigningRefused.NOT_A_PDF, _message("not_a_pdf"))
            if body.get("error") or not body.get("file"):
                raise self._refusal(response, employee, secret)
            try:
                files = body["file"]
                content = base64.b64decode(files[0] if isinstance(files, list) else files, validate=True)
            except (binascii.Error, TypeError, ValueError, KeyError, IndexError):
                raise SigningRefused(SigningRefused.NOT_A_PDF, _message("not_a_pdf")) from None
        return content


def _signatures(content: bytes) -> list | None:
    """The signatures pyHanko reads in a PDF; None when it is not a readable PDF."""
    if not content.startswith(b"%PDF-"):
        return None
    try:
        return PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
    except Exception:  # any parse failure means: not a PDF we can store
        return None


def _adds_an_intact_signature(original: bytes, signed: bytes) -> bool:
    """The answer is a PDF with one more signature than we sent, covering the whole file, intact and
    mathematically valid for its certificate (trust in that certificate is the verification page's job)."""
    before, after = _signatures(original) or [], _signatures(signed)
    if not after or len(after) <= len(before):
        return False
    signature = after[-1]
    try:
        if signature.evaluate_signature_coverage() != SignatureCoverageLevel.ENTIRE_FILE:
            return False
        intact, valid = validate_sig_integrity(
            signature.signer_info, signature.signer_cert, expected_content_type="data",
            actual_digest=signature.compute_digest(),
        )  # fmt: skip
    except Exception:  # a signature pyHanko cannot check is not one we can vouch for
        return False
    return intact and valid


def _json(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _data(response: requests.Response) -> dict:
    """The JSON object of an answer; some gateways wrap BSrE's own answer in "data"."""
    body = _json(response) or {}
    return body["data"] if isinstance(body.get("data"), dict) else body


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scrub(text: str, secret: str) -> str:
    """BSrE's own error text, without the secret should the service ever echo it."""
    return text.replace(secret, "***") if secret else text


def _service_error(detail: str) -> SigningRefused:
    return SigningRefused(SigningRefused.SERVICE_ERROR, _message("service_error", detail=detail))
