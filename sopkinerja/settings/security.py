"""HTTPS, the browser-side policies, the client address behind a proxy, login lockout, the
password-reset limits and the second factor."""

import ipaddress
import os
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils.csp import CSP

from .base import DEBUG, SITE_URL
from .env import envbool, envint, envlist

# HTTPS: on by default whenever DEBUG is off (redirect, HSTS, secure cookies). HTTPS=0 is for a
# local trial over plain HTTP only (`make run`). When TLS ends at nginx, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO and have nginx send `X-Forwarded-Proto $scheme`.
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer probes over plain HTTP behind the TLS proxy
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "sopkinerja.views.csrf_failure"

# No inline scripts or styles anywhere: the policy forbids them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Behind a reverse proxy: the request header that carries the client's address, as Django names
# it in request.META (e.g. HTTP_X_REAL_IP, which nginx sets with `proxy_set_header X-Real-IP
# $remote_addr`). Empty: REMOTE_ADDR, the direct peer.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# The proxies whose CLIENT_IP_HEADER is believed (addresses or networks, "unix" for gunicorn's unix
# socket); from any other peer the header is ignored and REMOTE_ADDR counts (sopkinerja/common/client_ip.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "127.0.0.1,::1,unix")
for _proxy in TRUSTED_PROXIES:
    if _proxy != "unix":
        ipaddress.ip_network(_proxy, strict=False)  # a typo stops the start, not every request

# --- Login brute-force protection (issue 7 part B, issue 16; django-axes, sopkinerja/lockout.py) --
# A username is locked out from one client address after AXES_FAILURE_LIMIT failed sign-ins; an
# address for every account after LOGIN_ADDRESS_FAILURE_LIMIT (over any usernames); a username from
# every address after LOGIN_USERNAME_FAILURE_LIMIT (from any addresses). Each counts the failures of
# the last AXES_COOLOFF_MINUTES and lasts as long; a superuser unlocks earlier by deleting the
# attempts in the admin. The client address is the one settings.CLIENT_IP_HEADER names when the
# request comes from one of TRUSTED_PROXIES, else REMOTE_ADDR. The app, its middleware and its
# authentication backend are in base.py (INSTALLED_APPS, MIDDLEWARE, AUTHENTICATION_BACKENDS).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "sopkinerja.lockout.LoginLockoutHandler"  # adds the two limits below
AXES_USERNAME_CALLABLE = "sopkinerja.lockout.attempt_username"  # cut to axes' 255-character column
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_USERNAME_FAILURE_LIMIT = envint("LOGIN_USERNAME_FAILURE_LIMIT", 10)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "sopkinerja.common.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "sopkinerja.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no start-up banner in every management command

# --- Issue 15: forgotten passwords (sopkinerja/password_reset.py, /akun/sandi/lupa/) ---------
# Requests per client address, and mails per e-mail address, django-ratelimit syntax, counted in
# the default cache. The link in the mail works once, for PASSWORD_RESET_TIMEOUT seconds.
# PASSWORD_RESET_ENABLED=0 for an office that resets passwords another way: no link, the pages 404.
PASSWORD_RESET_ENABLED = envbool("PASSWORD_RESET_ENABLED", True)
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/m")
PASSWORD_RESET_EMAIL_RATE = os.environ.get("PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)  # Django's default, 3 days

# --- Issue 18: the second factor (django-otp, sopkinerja/second_factor/) ----------------------
# Owed by whoever can sign (the Kepala Dinas, a Plh/Plt of the head position), agency admins,
# superusers, everyone in the Django admin, everyone of an agency that requires it for all, and
# anyone who enrolled a device of their own. OTP_REQUIRED=0 switches the requirement off (the test
# suite does, and its own second-factor tests switch it back on); never in production.
OTP_REQUIRED = envbool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "SOP Kinerja")
OTP_BACKUP_CODES = envint("OTP_BACKUP_CODES", 10)
# "Remember this browser": a signed cookie naming the user and the device, for this many days,
# offered only where the agency allows it (Agency.second_factor_remember).
OTP_REMEMBER_DAYS = envint("OTP_REMEMBER_DAYS", 30)
# Passkeys (django-otp-webauthn) are bound to this domain; by default the host of SITE_URL.
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", urlsplit(SITE_URL).hostname or "localhost")
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME", "SOP Kinerja")
# The origins a passkey ceremony may come from: SITE_URL. A plain HTTP trial on another address than
# localhost gets no passkeys (browsers refuse them there, and so does django-otp-webauthn's check):
# its HTTPS twin is named instead, which never matches, and codes still work.
_secure_site = SITE_URL.startswith(("https://", "http://localhost"))
OTP_WEBAUTHN_ALLOWED_ORIGINS = envlist(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS", SITE_URL if _secure_site else f"https://{OTP_WEBAUTHN_RP_ID}"
)
# A passkey is a second factor here, never a way in without the password (and django-axes).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# The API for other systems (/api/v1/, docs/api.md): requests per token (django-ratelimit syntax,
# counted in the default cache), and the largest body it reads (an SOP in JSON, a unit's quarter);
# a body announced larger is refused with 413 before it is read.
API_RATE = os.environ.get("API_RATE", "120/m")
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 5 * 1024 * 1024)  # as large as an SOP file may be
