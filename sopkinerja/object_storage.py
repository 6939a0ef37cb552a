"""Uploads in an S3-compatible bucket (MEDIA_STORAGE=s3): Django's STORAGES from the environment."""

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")


def s3_storages(environ) -> dict:
    """STORAGES with uploads in a private bucket through django-storages; static files unchanged."""
    missing = [name for name in REQUIRED if not environ.get(name)]
    if missing:
        raise ImproperlyConfigured(f"MEDIA_STORAGE=s3 needs {', '.join(missing)}.")
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": environ["S3_BUCKET"],
                "access_key": environ["S3_ACCESS_KEY_ID"],
                "secret_key": environ["S3_SECRET_ACCESS_KEY"],
                "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,  # MinIO, Ceph, a cloud's own
                "region_name": environ.get("S3_REGION") or None,
                "location": environ.get("S3_PREFIX", ""),
                "addressing_style": environ.get("S3_ADDRESSING_STYLE") or None,  # "path" for most on-premise
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,  # a second upload of the same name gets its own key
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
