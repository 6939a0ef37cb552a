"""Login lockout: the three limits on failed sign-ins, and what a locked-out login sees.

django-axes counts failures in its AccessAttempt rows and locks one username from one address
after AXES_FAILURE_LIMIT. It has one limit for every combination of parameters, so the two wider
limits are read here from the same rows: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address,
over any usernames, lock that address for every account (password spraying), and
LOGIN_USERNAME_FAILURE_LIMIT failures for one username, from any addresses, lock that account
(one account attacked from many addresses). All three count within AXES_COOLOFF_TIME and last as
long; deleting the attempts in the admin unlocks, as for axes' own lock.
"""

from enum import StrEnum

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sopkinerja.common.client_ip import client_ip
from sopkinerja.common.forms import LoginForm
from sopkinerja.password_reset import password_reset_offered
from sopkinerja.second_factor.devices import second_factor_owed

USERNAME_COLUMN = AccessAttempt._meta.get_field("username").max_length


class Lock(StrEnum):
    USERNAME_FROM_ADDRESS = "username from address"  # django-axes' own, AXES_FAILURE_LIMIT
    ADDRESS = "address"
    ACCOUNT = "account"


def attempt_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username typed (as axes reads it), cut to what axes' column holds,
    so that an overlong one is an ordinary failed sign-in rather than a database error."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return username[:USERNAME_COLUMN] if username is not None else None


def wider_lock(request, credentials=None) -> Lock | None:
    """The lock over many usernames or many addresses this sign-in falls under, if any (one query)."""
    address, username = client_ip(request), attempt_username(request, credentials)
    from_address = Q(ip_address=address)
    for_account = Q(username=username) if username is not None else Q(pk__in=[])  # none without a username
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(from_address | for_account, attempt_time__gte=since).aggregate(
        address=Sum("failures_since_start", filter=from_address),
        account=Sum("failures_since_start", filter=for_account),
    )
    if (failures["account"] or 0) >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return Lock.ACCOUNT
    if (failures["address"] or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return Lock.ADDRESS
    return None


class LoginLockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' lock of one username from one address, and the two wider ones."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or wider_lock(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches a wider limit is answered with the lockout page, as axes does for its own.
        if request is not None and not request.axes_locked_out and wider_lock(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=attempt_username(request, credentials), ip_address=client_ip(request)
            )

    def user_logged_in(self, sender, request, user, **kwargs):
        # A password alone is half a sign-in when a second factor is owed: its failures are not
        # wiped until the factor is passed (second_factor_passed), so wrong codes after a fresh
        # password keep counting towards the lock.
        request.second_factor_pending = second_factor_owed(user, request.path_info)
        super().user_logged_in(sender, request, user, **kwargs)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "second_factor_pending", False):
            return 0
        return super().reset_user_attempts(request, credentials)


def second_factor_passed(request, user) -> None:
    """The second sign-in step succeeded: forget this login's failures, as a plain login does."""
    if settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.get_implementation().reset_user_attempts(request, get_credentials(user.get_username()))


def lockout_message(lock: Lock | None, minutes: int) -> str:
    if lock == Lock.ACCOUNT:
        return _(
            "This account is locked after too many failed sign-in attempts from different addresses. Sign-in "
            "is locked for %(minutes)d minutes. If you did not make these attempts, tell an administrator; "
            "an administrator can also unlock it now."
        ) % {"minutes": minutes}
    if lock == Lock.ADDRESS:
        return _(
            "Too many failed sign-in attempts from your address, for any account. Sign-in from this address "
            "is locked for %(minutes)d minutes; try again later, or ask an administrator to unlock it."
        ) % {"minutes": minutes}
    return _(
        "Too many failed sign-in attempts for this username from your address. Sign-in is locked for "
        "%(minutes)d minutes; try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: render the sign-in page with the lockout message, status 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": LoginForm(request, initial={"username": username[:USERNAME_COLUMN]}),
        "lockout_message": lockout_message(wider_lock(request, credentials), minutes),
        "next": request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, "")),
        "password_reset_offered": password_reset_offered(),
    }
    return render(request, "registration/login.html", context, status=429)
