"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class LoginAttemptBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every sign-in that comes with a request (the login page,
    the admin's login). Code that authenticates without a request (Django's test client's
    `login()`, management commands) has no client address to count, so it is not checked here
    instead of failing with AxesBackendRequestParameterRequired. The next backend checks the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
