"""Settings for SOP Kinerja. Everything that differs per installation comes from the environment
(README, "Settings"); each module below reads one concern's variables through the helpers in env.py.
DJANGO_SETTINGS_MODULE=sopkinerja.settings reads them all, in this order:

    env        the helpers: envbool, envint, envfloat, envlist, envintlist
    base       key and hosts, SITE_URL, apps, the whole MIDDLEWARE in order, templates, sign-in, language
    database   DATABASES (SQLite or DATABASE_URL), CACHES
    storage    static files, uploads (MEDIA_STORAGE, EVIDENCE_*), downloads (SENDFILE_*)
    mail       MAILERS and the outbox's retries
    notifications   WhatsApp gateways, Telegram's bot, quiet hours' digest, verification codes
    tasks      the task queue, the worker, document renders
    reminders  escalation after overdue days, the figures reminder, how often the worker sends them
    signing    signers' keys, trust roots, BSrE, the verification page
    security   HTTPS, CSP, client address behind a proxy, login lockout (axes), password reset
    logging    LOG_FORMAT, LOGGING
"""

# ruff: noqa: F403, I001 - star imports, in this order on purpose
from .env import *
from .base import *
from .database import *
from .storage import *
from .mail import *
from .notifications import *
from .tasks import *
from .reminders import *
from .signing import *
from .security import *
from .logging import *
