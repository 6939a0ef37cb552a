"""Checking an uploaded PDF against a signed document (the public verification page).

Public material only: the CA certificates in settings.SIGNING_TRUST_ROOTS, the signer's
certificate stored with the document (or embedded in its stored original) and the stored
original itself. Never a private key or a passphrase.

`verify_upload` never raises: whatever the bytes, it answers one of five outcomes. Only a file
byte-identical to the stored original whose signature validates is ever ORIGINAL. Anything else
is untrusted input: it is read (cross-reference table and signature fields only) in a worker
process that is killed past settings.VERIFY_TIMEOUT seconds or VERIFY_WORKER_MEMORY bytes.
"""

import atexit
import contextlib
import enum
import functools
import hashlib
import io
import logging
import multiprocessing
import resource
import threading
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

from sopkinerja.common.slots import slot

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
    digest = hashlib.sha256(data).hexdigest()  # as SignedDocument.sha256 records it (signing.base.sha256)
    try:
        return _judge(data, digest, document)
    except Exception:  # pyHanko and the parsers raise many kinds; a visitor never sees any of them
        logger.warning("verification of an upload against %s failed", document.token, exc_info=True)
        return Verdict(Outcome.UNREADABLE, digest)


def _judge(data: bytes, digest: str, document) -> Verdict:
    if not data or b"%PDF-" not in data[:HEADER_WINDOW]:
        return Verdict(Outcome.UNREADABLE, digest)
    if digest == document.sha256:
        # Byte-identical to what we stored (so no hostile input): confirm its signature from public material.
        signatures = _embedded(PdfFileReader(io.BytesIO(data), strict=False))
        if signatures and _validates(signatures[-1], _reference(document).certificate):
            return Verdict(Outcome.ORIGINAL, digest)
        return Verdict(Outcome.OTHER, digest)
    return Verdict(_in_worker(data, _reference(document)), digest)


# Addresses share this many per-address slot names (a hash bucket each), so the folder stays small.
ADDRESS_BUCKETS = 4096


@contextlib.contextmanager
def checking_slot(address: str):
    """Room for one check on this server: one of VERIFY_MAX_PER_CLIENT for the visitor's address and
    one of VERIFY_MAX_CONCURRENT in all; sopkinerja.common.slots.Busy at once when either is full.

    Slots are file locks in VERIFY_SLOT_DIR, shared by every web process and freed by the kernel
    when a process dies. A folder that cannot be written lets the check through, logged, rather
    than answering a 500 (as the rate limit does when its cache cannot count).
    """
    bucket = int(hashlib.sha256(address.encode()).hexdigest(), 16) % ADDRESS_BUCKETS
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(slot(settings.VERIFY_SLOT_DIR, f"address-{bucket}", settings.VERIFY_MAX_PER_CLIENT))
            held.enter_context(slot(settings.VERIFY_SLOT_DIR, "all", settings.VERIFY_MAX_CONCURRENT))
        except OSError:
            logger.exception("the verification slots in %s cannot be used; checking anyway", settings.VERIFY_SLOT_DIR)
        yield


def judge_copy(data: bytes, reference: "Reference") -> str:
    """The outcome for bytes that are not the original; runs in a worker process with bounded time and memory.

    Only cheap reads: the cross-reference table and the signature fields. The document's own
    signature value is found by a byte search; parsing a signature value is the slow part.
    """
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return Outcome.UNREADABLE
        # Filled signature fields, also those pyHanko would ignore (an unknown SubFilter).
        filled = list(islice(enumerate_sig_fields(reader, True), MAX_SIGNATURES))
    except Exception:
        return Outcome.UNREADABLE
    if not filled:
        return Outcome.UNSIGNED
    if reference.contents_text and reference.contents_text in data:
        # This document's own signature value (unique to it), in a file that is not the original.
        return Outcome.CHANGED
    if reference.digest:
        for signature in _embedded(reader):
            if _certificate(signature) == reference.certificate and _digest(signature) == reference.digest:
                # The document's signer over the document's signed bytes, with a damaged signature value.
                return Outcome.CHANGED
    return Outcome.OTHER


# pyHanko reads some malformed files in quadratic time or memory (a 20 MB number, for example), and
# a thread cannot be stopped: untrusted bytes are read in worker processes that can be killed.
_pool = None
_pool_lock = threading.Lock()


def _in_worker(data: bytes, reference: "Reference") -> Outcome:
    pool = _worker_pool()
    try:
        return Outcome(pool.apply_async(judge_copy, (data, reference)).get(timeout=settings.VERIFY_TIMEOUT))
    except multiprocessing.TimeoutError:
        logger.warning("an upload took longer than %s s to read; workers restarted", settings.VERIFY_TIMEOUT)
        _discard(pool)
        return Outcome.UNREADABLE


def _worker_pool():
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")  # never fork a threaded web server
            _pool = context.Pool(
                settings.VERIFY_WORKERS, initializer=_start_worker, initargs=(settings.VERIFY_WORKER_MEMORY,)
            )
            try:  # wait until the workers run, so their start never counts against a check
                _pool.apply_async(int).get(timeout=60)
            except Exception:
                _pool.terminate()
                _pool = None
                raise
        return _pool


def _discard(pool) -> None:
    """Kill the workers (one is stuck); the next check starts new ones."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.terminate()


@atexit.register
def _stop_workers() -> None:
    if _pool is not None:
        _pool.terminate()


def _start_worker(memory_limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))  # past it, MemoryError: unreadable
    logging.getLogger("pyhanko").setLevel(logging.ERROR)  # junk makes pyHanko warn at length


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
