"""Forgotten passwords (Lupa kata sandi): Django's reset views with the app's limits and its mail.

The page answers alike for a known and an unknown address: the mail is sent by a background task
(django.tasks), so neither the words nor the time taken tell whether an account exists. The link
in the mail is built from SITE_URL, never from the request's Host header, and works once and until
PASSWORD_RESET_TIMEOUT (Django's token: it changes with the password and the last login). The mail
does not go through the outbox: a working link must not sit in a table the admin shows.
"""

import logging
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404
from django.tasks import task
from django.utils import translation

logger = logging.getLogger("sopkinerja.password_reset")


def password_reset_offered() -> bool:
    """Whether this installation offers Lupa kata sandi (PASSWORD_RESET_ENABLED); an office that
    resets passwords another way switches it off, and the link and the pages are gone."""
    return settings.PASSWORD_RESET_ENABLED


def offered_only(view):
    """A reset page that answers 404 while the reset is switched off (read per request)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not password_reset_offered():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@task
def password_reset_mail(email: str) -> int:
    """Mail a one-time link to every active account with this address (usually one); how many."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    site = urlsplit(settings.SITE_URL)
    accounts = list(form.get_users(form.cleaned_data["email"]))
    with translation.override("id"):  # the office language, as for every other mail
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            extra_email_context={
                "site_url": settings.SITE_URL,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )
    for account in accounts:
        logger.info("password reset link mailed to the account %s", account.get_username())
    return len(accounts)


class PasswordResetRequestForm(PasswordResetForm):
    """The address typed on the page; saving it hands the mail to the background task."""

    def save(self, **_view_options) -> None:
        # The view's options (its request, and the domain the request names) are not used: the
        # task builds the link from SITE_URL.
        password_reset_mail.enqueue(self.cleaned_data["email"])
