"""Settings for SOP Kinerja. Everything that differs per installation comes from the environment."""

import ipaddress
import os
from datetime import timedelta as _timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def default_site_url(environ) -> str:
    """SITE_URL when none is set: http(s)://HOST[:PORT] from the environment. HOST is "name",
    "name:port", "[v6]:port" or a bare address; PORT (if set) wins over HOST's port. A wildcard bind
    address (0.0.0.0, ::) is not one anyone can open, so it becomes 127.0.0.1 (set SITE_URL then)."""
    host, port = environ.get("HOST", "").strip(), ""
    if host.startswith("["):
        host, _bracket, rest = host[1:].partition("]")
        port = rest.lstrip(":")
    elif host.count(":") == 1:
        host, port = host.split(":")
    if host in {"", "0.0.0.0", "::", "*"}:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal in a URL
    port = environ.get("PORT", "").strip() or port or "8000"
    debug = environ.get("DEBUG", "0").strip().lower() in {"1", "true", "yes", "on"}
    https = environ.get("HTTPS", str(not debug)).strip().lower() in {"1", "true", "yes", "on"}
    scheme, usual_port = ("https", "443") if https else ("http", "80")
    return f"{scheme}://{host}" + ("" if port == usual_port else f":{port}")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Production is the default: DEBUG must be switched on explicitly, and then only for development.
DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_fsm",
    "django_fsm_log",
    "sopkinerja.apps.BackgroundTasksConfig",  # django_tasks_db, named in Indonesian in the admin
    "workflow",
    "reports",
]

MIDDLEWARE = [
    "sopkinerja.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sopkinerja.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sopkinerja.middleware.AgencyTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sopkinerja.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sopkinerja.urls"
WSGI_APPLICATION = "sopkinerja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def sqlite_options() -> dict:
    """Several people writing at once (`make run` serves real users on SQLite): readers never wait
    for the writer (WAL); every transaction takes the write lock at BEGIN (IMMEDIATE), so a
    transaction that read first cannot fail to upgrade to a writer halfway ("database is locked");
    a writer waits up to SQLITE_TIMEOUT seconds for its turn. select_for_update is a no-op on
    SQLite: IMMEDIATE is what serialises the services' read-check-write."""
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


# SQLite is the embedded default for `make run`; DATABASE_URL=postgres://... switches to PostgreSQL.
# In production a worker keeps its database connection for DB_CONN_MAX_AGE seconds (checked before
# reuse): opening a PostgreSQL connection per request cost the pages a third to a half of their
# throughput in `make bench` (docs/performance.md). 0 opens one per request, as under DEBUG.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A choice field's options are read with a server-side cursor by default: three round trips for
    # a few rows, on every page with a select. The app reads no result too large for memory, and
    # without them a transaction-mode pooler (PgBouncer) can sit in front (docs/deployment.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = sqlite_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:home"
LOGOUT_REDIRECT_URL = "login"

# Language: Indonesian by default, English selectable. msgids are English.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The server clock; each agency renders in its own zone (Agency.time_zone).
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")

# SOPs: "1 minggu" in a Mutu Baku is this many working days (PermenPAN-RB 35/2012 leaves it to the office).
SOP_WORKING_DAYS_PER_WEEK = envint("SOP_WORKING_DAYS_PER_WEEK", 5)
# The traffic lights on capaian (%), on every page and report chart: red below the first, green above
# the second (reports.performance.achievement.traffic_light).
TRAFFIC_LIGHT_THRESHOLDS = tuple(int(x) for x in envlist("TRAFFIC_LIGHT_THRESHOLDS", "70,90"))
FORMAT_MODULE_PATH = ["sopkinerja.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# whitenoise serves static files (gunicorn in production, runserver under `make run`): collected
# into STATIC_ROOT by `collectstatic`, or straight from the app folders with WHITENOISE_USE_FINDERS.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads live under MEDIA_ROOT on this machine (MEDIA_STORAGE=filesystem), or in a private
# S3-compatible bucket (MEDIA_STORAGE=s3, django-storages) that every web and worker host shares.
# Either way only the download views read them back, after checking login and agency.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    from sopkinerja.object_storage import s3_storages

    STORAGES = s3_storages(os.environ)
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be filesystem or s3.")

# Files (issue 7 part C): evidence (bukti dukung) and step attachments. Their content is checked
# (sopkinerja/common/uploads.py) against these extensions and size. Nothing under MEDIA_ROOT is served
# directly: the download views check login and agency, then hand the transfer to SENDFILE_BACKEND:
# django_sendfile.backends.simple (Django sends the bytes; development), .nginx (X-Accel-Redirect to
# SENDFILE_URL, an `internal` location) or .xsendfile (Apache mod_xsendfile). See docs/files.md.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "xlsx", "xls", "docx", "doc", "odt", "ods"]
SENDFILE_BACKEND = os.environ.get("SENDFILE_BACKEND", "django_sendfile.backends.simple")
if "." not in SENDFILE_BACKEND:  # "nginx", "xsendfile", "simple" are short for the module
    SENDFILE_BACKEND = f"django_sendfile.backends.{SENDFILE_BACKEND}"
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = os.environ.get("SENDFILE_URL", "/protected") or None

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

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

# E-mail. Development prints it to the console. With DEBUG off it must be configured: SMTP from
# EMAIL_HOST (and friends), or an explicit EMAIL_BACKEND; nothing is silently dropped.
_MAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "")
if not _MAIL_BACKEND:
    if os.environ.get("EMAIL_HOST"):
        _MAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    elif DEBUG:
        _MAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        raise ImproperlyConfigured("Set EMAIL_HOST (SMTP) or EMAIL_BACKEND when DEBUG is off: mail must go somewhere.")
_MAIL_OPTIONS = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 587),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", True),
        "timeout": envint("EMAIL_TIMEOUT", 20),
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
# A mail that fails is kept in the outbox and tried again: this many times, this far apart at first.
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_SECONDS = envint("MAIL_RETRY_SECONDS", 60)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sop-kinerja@localhost")
# The address people reach the application at, for links in e-mail and the QR codes on signed
# PDFs. Never taken from a request (a forged Host header must not reach a signed document): set
# SITE_URL, or it is built from HOST ("host" or "host:port", as `make run` takes it) and PORT.
SITE_URL = (os.environ.get("SITE_URL") or default_site_url(os.environ)).rstrip("/")

# Background PDF work: immediate in development and tests; in production set
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `python manage.py worker` (db_worker after
# recover_documents, supervised). The worker writes a heartbeat every WORKER_HEARTBEAT_INTERVAL seconds; /health/
# fails when the newest is older than WORKER_HEARTBEAT_STALE (only with the database queue).
WORKER_HEARTBEAT_INTERVAL = float(os.environ.get("WORKER_HEARTBEAT_INTERVAL", "15"))
WORKER_HEARTBEAT_STALE = float(os.environ.get("WORKER_HEARTBEAT_STALE", "60"))
# `manage.py worker` runs db_worker in a child process and starts it again when it dies: after
# WORKER_RESTART_DELAY seconds, doubling up to WORKER_RESTART_DELAY_MAX while it keeps dying young.
WORKER_RESTART_DELAY = float(os.environ.get("WORKER_RESTART_DELAY", "1"))
WORKER_RESTART_DELAY_MAX = float(os.environ.get("WORKER_RESTART_DELAY_MAX", "60"))
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}

# --- Issue 7 part A/F (signing): own key per person, documents that never stick ---
# Local signer backend: one PKCS#12 per person ({username} is replaced by the signer's login). It is
# opened with the passphrase the signer types when signing; no passphrase is configured anywhere.
SIGNING_KEY_FILE = os.environ.get("SIGNING_KEY_FILE", str(BASE_DIR / "var" / "keys" / "people" / "{username}.p12"))
# A document request still pending after this many seconds: its page stops refreshing and says what to do.
DOCUMENT_PENDING_BOUND = int(os.environ.get("DOCUMENT_PENDING_BOUND", "120"))
# `recover_documents` (run it before and alongside db_worker) re-queues a request whose render has
# been running or waiting this long (its worker died), at most DOCUMENT_RENDER_ATTEMPTS times, then fails it.
DOCUMENT_RENDER_TIMEOUT = int(os.environ.get("DOCUMENT_RENDER_TIMEOUT", "600"))
DOCUMENT_RENDER_ATTEMPTS = int(os.environ.get("DOCUMENT_RENDER_ATTEMPTS", "2"))

# Verification trusts these CA certificates (PEM files): public material only, never a private key.
SIGNING_TRUST_ROOTS = envlist("SIGNING_TRUST_ROOTS", str(BASE_DIR / "var" / "keys" / "demo-ca.pem") if DEBUG else "")

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

# BSrE (issue 7, part A: the BSrE signer backend, reports/documents/signing/bsre.py; docs/bsre.md).
# An agency signs through BSrE when its "signing backend" is "bsre" (admin). The client credentials
# come from BSrE for this installation; the signer's passphrase or TOTP is typed at signing time.
BSRE_URL = os.environ.get("BSRE_URL", "").rstrip("/")  # e.g. https://esign.example.go.id; empty: off
BSRE_CLIENT_ID = os.environ.get("BSRE_CLIENT_ID", "")
BSRE_CLIENT_SECRET = os.environ.get("BSRE_CLIENT_SECRET", "")
BSRE_API = os.environ.get("BSRE_API", "v1")  # v1 (multipart, NIK) or v2 (JSON, NIK or e-mail)
BSRE_SECRET_KIND = os.environ.get("BSRE_SECRET_KIND", "passphrase")  # passphrase, or totp with v2
BSRE_TIMEOUT = float(os.environ.get("BSRE_TIMEOUT", "30"))  # seconds, per connect and per read
BSRE_VERIFY_TLS = envbool("BSRE_VERIFY_TLS", True)
BSRE_CA_BUNDLE = os.environ.get("BSRE_CA_BUNDLE", "")  # a PEM bundle for a private CA; overrides the above

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

# --- Verification (issue 7 E): the public page that checks an uploaded PDF ---
# Uploads over this size are refused from their Content-Length, before the body is read.
VERIFY_MAX_BYTES = int(os.environ.get("VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))
# Checks per client address (settings.CLIENT_IP_HEADER behind a proxy), django-ratelimit syntax.
VERIFY_RATE = os.environ.get("VERIFY_RATE", "10/m")
# An upload that is not the stored original is read in worker processes (per web process) that
# are killed past this many seconds or past this address-space size: the file is then "unreadable".
VERIFY_TIMEOUT = float(os.environ.get("VERIFY_TIMEOUT", "10"))
VERIFY_WORKERS = int(os.environ.get("VERIFY_WORKERS", "2"))
VERIFY_WORKER_MEMORY = int(os.environ.get("VERIFY_WORKER_MEMORY", str(1024 * 1024 * 1024)))
# Checks running at once on this server, over all web processes, and per client address; past
# either the page answers 429 at once. Slots are file locks in VERIFY_SLOT_DIR (one folder per
# host, writable by the web processes), freed by the kernel when a process dies (sopkinerja/common/slots.py).
VERIFY_MAX_CONCURRENT = envint("VERIFY_MAX_CONCURRENT", os.cpu_count() or 2)
VERIFY_MAX_PER_CLIENT = envint("VERIFY_MAX_PER_CLIENT", 1)
VERIFY_SLOT_DIR = Path(os.environ.get("VERIFY_SLOT_DIR", str(BASE_DIR / "var" / "verify-slots")))
# The rate limit counts in the default cache, which must be shared by every worker process in
# production: the database cache there (run `python manage.py createcachetable` once per
# installation); a process-local cache under DEBUG, where one runserver process serves everything.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND",
            "django.core.cache.backends.locmem.LocMemCache" if DEBUG else "django.core.cache.backends.db.DatabaseCache",
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", "sopkinerja_cache"),
    }
}

# One JSON object per line (LOG_FORMAT=json, the default without DEBUG) with the request id, user,
# agency and, for the line that ends each request, its method, path, status and duration_ms.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "sopkinerja.request_log.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(agency)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s %(agency)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Login brute-force protection (issue 7 part B, issue 16; django-axes, sopkinerja/lockout.py) --
# A username is locked out from one client address after AXES_FAILURE_LIMIT failed sign-ins; an
# address for every account after LOGIN_ADDRESS_FAILURE_LIMIT (over any usernames); a username from
# every address after LOGIN_USERNAME_FAILURE_LIMIT (from any addresses). Each counts the failures of
# the last AXES_COOLOFF_MINUTES and lasts as long; a superuser unlocks earlier by deleting the
# attempts in the admin. The client address is the one settings.CLIENT_IP_HEADER names when the
# request comes from one of TRUSTED_PROXIES, else REMOTE_ADDR.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "sopkinerja.auth_backends.LoginAttemptBackend",  # AxesStandaloneBackend; must come first
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = _timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
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

# --- Issue 9 (ui): agency switcher for superusers and government administrators ---------------
# They view one agency at a time, chosen in the navbar (kept in the session); agency_of() reads it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("sopkinerja.middleware.AgencyTimeZoneMiddleware"), "sopkinerja.middleware.AgencySwitcherMiddleware"
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("sopkinerja.context_processors.agency_switcher")

# --- Issue 15: forgotten passwords (sopkinerja/password_reset.py, /akun/sandi/lupa/) ---------
# Requests per client address, and mails per e-mail address, django-ratelimit syntax, counted in
# the default cache. The link in the mail works once, for PASSWORD_RESET_TIMEOUT seconds.
# PASSWORD_RESET_ENABLED=0 for an office that resets passwords another way: no link, the pages 404.
PASSWORD_RESET_ENABLED = envbool("PASSWORD_RESET_ENABLED", True)
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/m")
PASSWORD_RESET_EMAIL_RATE = os.environ.get("PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)  # Django's default, 3 days
