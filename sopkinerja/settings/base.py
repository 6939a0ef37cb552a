"""The application itself: key and hosts, apps, middleware, templates, sign-in, language."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import envbool, envint, envintlist, envlist, truthy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Production is the default: DEBUG must be switched on explicitly, and then only for development.
DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")


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
    debug = truthy(environ.get("DEBUG", "0"))
    https = truthy(environ.get("HTTPS", str(not debug)))
    scheme, usual_port = ("https", "443") if https else ("http", "80")
    return f"{scheme}://{host}" + ("" if port == usual_port else f":{port}")


# The address people reach the application at, for links in e-mail and the QR codes on signed
# PDFs. Never taken from a request (a forged Host header must not reach a signed document): set
# SITE_URL, or it is built from HOST ("host" or "host:port", as `make run` takes it) and PORT.
SITE_URL = (os.environ.get("SITE_URL") or default_site_url(os.environ)).rstrip("/")

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
    "axes",  # login brute-force protection, configured in security.py
    # The second factor (issue 18, security.py): TOTP, backup codes and passkeys through django-otp.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # The API (/api/v1/, issue 20): here only so that its docs page takes Swagger UI from the static
    # files (no CDN, no inline script).
    "ninja",
]

# The whole chain, in order: a request passes down this list, its response back up.
MIDDLEWARE = [
    # First, so its request id and end-of-request line cover everything below, refusals included.
    "sopkinerja.request_log.RequestLogMiddleware",
    # HTTPS redirect and HSTS (security.py); before anything does work for a plain-HTTP request.
    "django.middleware.security.SecurityMiddleware",
    # Static files (storage.py), answered before sessions, users or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header (SECURE_CSP, security.py).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Indonesian unless the user picked English (its cookie), never the browser's Accept-Language.
    "sopkinerja.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Issue 9: the agency a superuser or government administrator is viewing (navbar switcher,
    # kept in the session), put on the user for agency_of(); before the time zone reads it.
    "sopkinerja.middleware.AgencySwitcherMiddleware",
    # The user's agency on the request (and in the log), times shown in its zone (WIB, WITA, WIT).
    "sopkinerja.middleware.AgencyTimeZoneMiddleware",
    # django-otp: request.user.is_verified(), true once this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Issue 18: whoever owes a second factor reaches no page before enrolling or passing it.
    "sopkinerja.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx for the views that answer htmx requests with a fragment.
    "django_htmx.middleware.HtmxMiddleware",
    # An empty 405 (a POST-only address opened directly) becomes the app's own Indonesian page.
    "sopkinerja.middleware.MethodNotAllowedPageMiddleware",
    # X-Frame-Options: DENY (security.py).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes' lockout (security.py): last, as axes asks.
    "axes.middleware.AxesMiddleware",
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
                "sopkinerja.context_processors.agency_switcher",  # issue 9: the navbar's agency switcher
            ],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "sopkinerja.auth_backends.LoginAttemptBackend",  # AxesStandaloneBackend (security.py); must come first
    "sopkinerja.auth_backends.AccountBackend",  # ModelBackend, the session's user read with its employee
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
FORMAT_MODULE_PATH = ["sopkinerja.formats"]

# SOPs: "1 minggu" in a Mutu Baku is this many working days (PermenPAN-RB 35/2012 leaves it to the office).
SOP_WORKING_DAYS_PER_WEEK = envint("SOP_WORKING_DAYS_PER_WEEK", 5)
# The traffic lights on capaian (%), on every page and report chart: red below the first, green above
# the second (reports.performance.achievement.traffic_light).
TRAFFIC_LIGHT_THRESHOLDS = tuple(envintlist("TRAFFIC_LIGHT_THRESHOLDS", "70,90"))
