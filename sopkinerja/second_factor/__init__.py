"""The second factor at sign-in (issue 18): TOTP with backup codes and passkeys, through django-otp.

devices.py  who owes it, enrolment, checking a code, backup codes, an admin's reset
remember.py "remember this browser": a signed cookie bound to the user and the device
views.py    the enrolment and verification pages (the middleware sends people there)
"""
