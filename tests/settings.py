"""Settings for the test suite: the development profile (a throwaway key, console mail, the demo CA).

pytest-django still runs every test with DEBUG off; the production profile itself is tested by
starting `manage.py check --deploy` with the production environment (tests/test_production_settings.py).
"""

import os

from django.conf import global_settings

os.environ.setdefault("DEBUG", "1")

from sopkinerja.settings import *  # noqa: E402,F403

# Tests sign in with force_login; the second-factor tests switch the requirement on themselves.
OTP_REQUIRED = False

# The process-local layer of stamped values (sopkinerja.common.stamped_cache) is off in the tests, so
# that a test clearing the shared cache sees a value computed again; tests/test_stamped_cache.py
# turns it on to test it.
CACHES = {**CACHES, "local": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405

# Passwords hashed with few rounds (tests/support/hashers.py): the same format, a thousandth of the time.
PASSWORD_HASHERS = ["tests.support.hashers.QuickPBKDF2PasswordHasher", *global_settings.PASSWORD_HASHERS]
