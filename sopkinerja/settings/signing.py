"""Signed documents: the signers' keys, BSrE, and the public page that verifies a signed PDF."""

import os
from pathlib import Path

from .base import BASE_DIR, DEBUG
from .env import envbool, envfloat, envint, envlist

# --- Issue 7 part A/F (signing): own key per person ---
# Local signer backend: one PKCS#12 per person ({username} is replaced by the signer's login). It is
# opened with the passphrase the signer types when signing; no passphrase is configured anywhere.
SIGNING_KEY_FILE = os.environ.get("SIGNING_KEY_FILE", str(BASE_DIR / "var" / "keys" / "people" / "{username}.p12"))
# Verification trusts these CA certificates (PEM files): public material only, never a private key.
SIGNING_TRUST_ROOTS = envlist("SIGNING_TRUST_ROOTS", str(BASE_DIR / "var" / "keys" / "demo-ca.pem") if DEBUG else "")

# BSrE (issue 7, part A: the BSrE signer backend, reports/documents/signing/bsre.py; docs/bsre.md).
# An agency signs through BSrE when its "signing backend" is "bsre" (admin). The client credentials
# come from BSrE for this installation; the signer's passphrase or TOTP is typed at signing time.
BSRE_URL = os.environ.get("BSRE_URL", "").rstrip("/")  # e.g. https://esign.example.go.id; empty: off
BSRE_CLIENT_ID = os.environ.get("BSRE_CLIENT_ID", "")
BSRE_CLIENT_SECRET = os.environ.get("BSRE_CLIENT_SECRET", "")
BSRE_API = os.environ.get("BSRE_API", "v1")  # v1 (multipart, NIK) or v2 (JSON, NIK or e-mail)
BSRE_SECRET_KIND = os.environ.get("BSRE_SECRET_KIND", "passphrase")  # passphrase, or totp with v2
BSRE_TIMEOUT = envfloat("BSRE_TIMEOUT", 30)  # seconds, per connect and per read
BSRE_VERIFY_TLS = envbool("BSRE_VERIFY_TLS", True)
BSRE_CA_BUNDLE = os.environ.get("BSRE_CA_BUNDLE", "")  # a PEM bundle for a private CA; overrides the above

# --- Verification (issue 7 E): the public page that checks an uploaded PDF ---
# Uploads over this size are refused from their Content-Length, before the body is read.
VERIFY_MAX_BYTES = envint("VERIFY_MAX_BYTES", 20 * 1024 * 1024)
# Checks per client address (settings.CLIENT_IP_HEADER behind a proxy), django-ratelimit syntax.
VERIFY_RATE = os.environ.get("VERIFY_RATE", "10/m")
# An upload that is not the stored original is read in worker processes (per web process) that
# are killed past this many seconds or past this address-space size: the file is then "unreadable".
VERIFY_TIMEOUT = envfloat("VERIFY_TIMEOUT", 10)
VERIFY_WORKERS = envint("VERIFY_WORKERS", 2)
VERIFY_WORKER_MEMORY = envint("VERIFY_WORKER_MEMORY", 1024 * 1024 * 1024)
# Checks running at once on this server, over all web processes, and per client address; past
# either the page answers 429 at once. Slots are file locks in VERIFY_SLOT_DIR (one folder per
# host, writable by the web processes), freed by the kernel when a process dies (sopkinerja/common/slots.py).
VERIFY_MAX_CONCURRENT = envint("VERIFY_MAX_CONCURRENT", os.cpu_count() or 2)
VERIFY_MAX_PER_CLIENT = envint("VERIFY_MAX_PER_CLIENT", 1)
VERIFY_SLOT_DIR = Path(os.environ.get("VERIFY_SLOT_DIR", str(BASE_DIR / "var" / "verify-slots")))

# --- Issue 20: the public portal (/publik/, reports.portal) ------------------------------------
# Its pages are cached under the data they show for at most this many seconds.
PORTAL_CACHE_SECONDS = envint("PORTAL_CACHE_SECONDS", 600)
# Pages built afresh (not from the cache) and PDF downloads per client address, django-ratelimit syntax;
# a page served from the cache and a 304 are not counted.
PORTAL_RATE = os.environ.get("PORTAL_RATE", "60/m")
# Downloads are cached by browsers and proxies this long: the bytes never change, but a withdrawn
# document should leave the caches soon (revalidated by its ETag, a 304 reads no bytes).
PORTAL_DOWNLOAD_MAX_AGE = envint("PORTAL_DOWNLOAD_MAX_AGE", 3600)
# The government's publication deadlines, calendar days: a quarter's and a semester's report and the
# LKjIP after the end of their period (90: the end of March), the Perjanjian Kinerja after 1 January.
PORTAL_DEADLINE_DAYS = {
    kind: envint(f"PORTAL_DEADLINE_{kind.upper()}", days)
    for kind, days in {"quarter": 15, "semester": 30, "year": 90, "pk": 60}.items()
}
