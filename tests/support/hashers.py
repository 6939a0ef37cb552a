"""A password hasher for the test suite: Django's PBKDF2 with few rounds.

Django's default (1,200,000 rounds) costs a third of a second per password; the seed offices set
sixteen of them, and the tests that commit for real (browser tests, races) load the seed again, and
every login through the form checks one. The hash keeps Django's `pbkdf2_sha256$<rounds>$…` format,
so a server started by a test with the production settings still verifies it (and upgrades it at
the first login, as it would any older hash).
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
