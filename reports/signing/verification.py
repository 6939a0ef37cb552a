"""Checking an uploaded PDF against a signed document (the public verification page).

Public material only: the CA certificates in settings.SIGNING_TRUST_ROOTS, the signer's
certificate stored with the document (or embedded in its stored original) and the stored
original itself. Never a private key or a passphrase.

`verify_upload` never raises: whatever the bytes, it answers one of five outcomes. Only a file
byte-identical to the stored original whose signature validates is ever ORIGINAL; everything
else is judged from cheap, bounded reads (the signature dictionaries), so junk costs little.
"""

import enum
import functools
import io
import logging
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.signing.base import sha256

logger = logging.getLogger(__name__)

# A PDF header must appear near the start (readers tolerate a little junk before it).
HEADER_WINDOW = 1024
# Our documents carry one signature; a file with more is looked at up to this many.
MAX_SIGNATURES = 8


class Outcome(enum.StrEnum):
    ORIGINAL = "original"
    CHANGED = "changed"
    OTHER = "other"
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"


HEADLINES = {
    Outcome.ORIGINAL: _("Authentic."),
    Outcome.CHANGED: _("Not the original."),
    Outcome.OTHER: _("Not the original."),
    Outcome.UNSIGNED: _("Not the original."),
    Outcome.UNREADABLE: _("Cannot be checked."),
}

SENTENCES = {
    Outcome.ORIGINAL: _(
        "This file is exactly the signed original, and its electronic signature is valid and unchanged."
    ),
    Outcome.CHANGED: _(
        "This file carries the signature of this document, but it was changed after it was signed: "
        "its content no longer matches the signed original."
    ),
    Outcome.OTHER: _(
        "This file carries an electronic signature, but not the signature of this document: it is "
        "another document, or it was signed with another key or an untrusted certificate."
    ),
    Outcome.UNSIGNED: _("This file carries no electronic signature."),
    Outcome.UNREADABLE: _("This file cannot be read as a PDF (it is empty, damaged, cut off, encrypted or not a PDF)."),
}

ALERT_CLASSES = {
    Outcome.ORIGINAL: "alert-success",
    Outcome.CHANGED: "alert-danger",
    Outcome.OTHER: "alert-danger",
    Outcome.UNSIGNED: "alert-danger",
    Outcome.UNREADABLE: "alert-warning",
}


@dataclass(frozen=True)
class Verdict:
    """What the page tells the visitor about the file they uploaded."""

    outcome: Outcome
    sha256: str

    @property
    def is_original(self) -> bool:
        return self.outcome == Outcome.ORIGINAL

    @property
    def headline(self) -> str:
        return str(HEADLINES[self.outcome])

    @property
    def sentence(self) -> str:
        return str(SENTENCES[self.outcome])

    @property
    def alert_class(self) -> str:
        return ALERT_CLASSES[self.outcome]


def verify_upload(data: bytes, document) -> Verdict:
    """Judge `data` against the signed `document`; never raises, whatever the bytes.

    ORIGINAL: byte-identical to the stored original AND its signature validates (intact, trusted,
    covering the whole file, made with the document's signer certificate).
    CHANGED: carries this document's signature (its signature value, or its signer certificate
    over its signed bytes) but differs from the original.
    OTHER: signed, but by another document, key or certificate. UNSIGNED: a readable PDF without
    a signature. UNREADABLE: empty, not a PDF, damaged, truncated or encrypted.
    """
    digest = sha256(data)
    try:
        return _judge(data, digest, document)
    except Exception:  # pyHanko and the parsers raise many kinds; a visitor never sees any of them
        logger.warning("verification of an upload against %s failed", document.token, exc_info=True)
        return Verdict(Outcome.UNREADABLE, digest)


def _judge(data: bytes, digest: str, document) -> Verdict:
    if not data or b"%PDF-" not in data[:HEADER_WINDOW]:
        return Verdict(Outcome.UNREADABLE, digest)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return Verdict(Outcome.UNREADABLE, digest)
        # Filled signature fields, also those pyHanko would ignore (an unknown SubFilter). Their
        # values stay unresolved here: parsing a signature value is the slow part of a check.
        filled = list(islice(enumerate_sig_fields(reader, True), MAX_SIGNATURES))
    except Exception:
        return Verdict(Outcome.UNREADABLE, digest)
    if not filled:
        return Verdict(Outcome.UNSIGNED, digest)

    reference = _reference(document)
    if digest == document.sha256:
        # Byte-identical to what we stored; still confirm the signature itself, from public material.
        signatures = _embedded(reader)
        if signatures and _validates(signatures[-1], reference.certificate):
            return Verdict(Outcome.ORIGINAL, digest)
        return Verdict(Outcome.OTHER, digest)
    if reference.contents_text and reference.contents_text in data:
        # This document's own signature value (unique to it), in a file that is not the original.
        return Verdict(Outcome.CHANGED, digest)
    if reference.digest:
        for signature in _embedded(reader):
            if _certificate(signature) == reference.certificate and _digest(signature) == reference.digest:
                # The document's signer over the document's signed bytes, with a damaged signature value.
                return Verdict(Outcome.CHANGED, digest)
    return Verdict(Outcome.OTHER, digest)


def _embedded(reader) -> list:
    try:
        return reader.embedded_signatures[:MAX_SIGNATURES]
    except Exception:
        return []


@dataclass(frozen=True)
class Reference:
    certificate: bytes  # DER of the document's signer certificate
    contents_text: bytes  # the signature value as written in the stored original: <hex...>
    digest: bytes  # the hash of the bytes its signature covers


# Signed documents never change, so what is read from a stored original is kept (by its hash).
_references: dict[tuple[str, bytes], Reference] = {}


def _reference(document) -> Reference:
    """The document's public identity: its signer certificate and its signature value."""
    key = (document.sha256, bytes(document.signer_certificate or b""))
    if key not in _references:
        if len(_references) > 256:
            _references.clear()
        _references[key] = _read_reference(document)
    return _references[key]


def _read_reference(document) -> Reference:
    certificate = bytes(document.signer_certificate or b"")
    contents_text = digest = b""
    try:
        original = bytes(document.pdf)
        signatures = PdfFileReader(io.BytesIO(original), strict=False).embedded_signatures
        if signatures:
            _start, signed_before, signed_after, _length = signatures[-1].byte_range
            gap = original[signed_before:signed_after]  # what the signature covers all around: <hex...>
            contents_text = gap if len(gap) > 64 else b""
            digest = _digest(signatures[-1])
            if not certificate:  # documents signed before the certificate was stored
                certificate = _certificate(signatures[-1]) or b""
    except Exception:
        logger.exception("the stored original of %s cannot be read", document.token)
    return Reference(certificate=certificate, contents_text=contents_text, digest=digest)


def _certificate(signature) -> bytes | None:
    try:
        return signature.signer_cert.dump()
    except Exception:
        return None


def _digest(signature) -> bytes:
    try:
        return signature.compute_digest("sha256")
    except Exception:
        return b""


def _validates(signature, certificate: bytes) -> bool:
    """Intact, valid, trusted by a configured root, covering the whole file, by the expected certificate."""
    try:
        if not certificate or _certificate(signature) != certificate:
            return False
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=list(trust_roots())))
        return bool(status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE")
    except Exception:
        logger.warning("a byte-identical copy did not validate", exc_info=True)
        return False


def trust_roots() -> tuple[asn1_x509.Certificate, ...]:
    """The CA certificates in settings.SIGNING_TRUST_ROOTS, read once per list of paths."""
    return _load_roots(tuple(settings.SIGNING_TRUST_ROOTS))


@functools.cache
def _load_roots(paths: tuple[str, ...]) -> tuple[asn1_x509.Certificate, ...]:
    roots = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError:
            logger.error("signing trust root %s cannot be read; signatures will not be trusted", path)
            continue
        blocks = [der for _kind, _headers, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        for der in blocks:
            try:
                roots.append(asn1_x509.Certificate.load(der))
            except Exception:
                logger.error("signing trust root %s holds something that is not a certificate", path)
    return tuple(roots)


# --- TRANSITIONAL: the older per-agency check, kept for callers written before verify_upload ---


@dataclass(frozen=True)
class Validation:
    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    agency_key: bool = False  # signed with a certificate this agency's documents carry
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file and self.agency_key


def validate(pdf: bytes, agency) -> Validation:
    """Check the PAdES signature against the trust roots and the certificates of the agency's documents.

    Public material only. Prefer `verify_upload(data, document)`, which compares with one document.
    """
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:
        return Validation(signed=False)
    if not signatures:
        return Validation(signed=False)
    try:
        status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=list(trust_roots())))
    except Exception:
        return Validation(signed=True)
    certificate = status.signing_cert.dump() if status.signing_cert is not None else None
    from reports.models import SignedDocument

    known = {
        _reference(document).certificate
        for document in SignedDocument.objects.filter(agency=agency).order_by("-pk")[:20]
    }
    return Validation(
        signed=True,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        whole_file=status.coverage.name == "ENTIRE_FILE",
        agency_key=certificate is not None and certificate in known,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )
