"""Authentication backends."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from workflow.organisation.selectors import user_with_employee


class AccountBackend(ModelBackend):
    """Django's password check (ModelBackend), and the session's user loaded with its employee,
    agency and position in one query instead of two (every signed-in request reads them:
    AgencyTimeZoneMiddleware, the permission checks). It replaced
    `django.contrib.auth.backends.ModelBackend` in AUTHENTICATION_BACKENDS: a session signed in
    before that is signed out once."""

    def get_user(self, user_id):
        user = user_with_employee(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class LoginAttemptBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every sign-in that comes with a request (the login page,
    the admin's login). Code that authenticates without a request (Django's test client's
    `login()`, management commands) has no client address to count, so it is not checked here
    instead of failing with AxesBackendRequestParameterRequired. The next backend checks the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
