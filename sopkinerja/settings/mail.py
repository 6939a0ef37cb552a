"""E-mail: where it goes, how often a failed one is tried again, who it is from."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG
from .env import envbool, envint


def default_mailer() -> dict:
    """Development prints mail to the console. With DEBUG off it must be configured: SMTP from
    EMAIL_HOST (and friends), or an explicit EMAIL_BACKEND; nothing is silently dropped."""
    backend = os.environ.get("EMAIL_BACKEND", "")
    if not backend:
        if os.environ.get("EMAIL_HOST"):
            backend = "django.core.mail.backends.smtp.EmailBackend"
        elif DEBUG:
            backend = "django.core.mail.backends.console.EmailBackend"
        else:
            raise ImproperlyConfigured(
                "Set EMAIL_HOST (SMTP) or EMAIL_BACKEND when DEBUG is off: mail must go somewhere."
            )
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", True),
            "timeout": envint("EMAIL_TIMEOUT", 20),
        }
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": default_mailer()}
# A mail that fails is kept in the outbox and tried again: this many times, this far apart at first.
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_SECONDS = envint("MAIL_RETRY_SECONDS", 60)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sop-kinerja@localhost")
