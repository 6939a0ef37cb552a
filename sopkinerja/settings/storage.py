"""Files: static files, uploads (where they are kept, what is accepted) and how downloads are sent."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import BASE_DIR, DEBUG
from .env import envbool, envint

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
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "xlsx", "xls", "docx", "doc", "odt", "ods"]
SENDFILE_BACKEND = os.environ.get("SENDFILE_BACKEND", "django_sendfile.backends.simple")
if "." not in SENDFILE_BACKEND:  # "nginx", "xsendfile", "simple" are short for the module
    SENDFILE_BACKEND = f"django_sendfile.backends.{SENDFILE_BACKEND}"
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = os.environ.get("SENDFILE_URL", "/protected") or None
