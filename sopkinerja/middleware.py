from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from sopkinerja.request_log import note_user
from sopkinerja.second_factor.devices import has_device, second_factor_owed
from sopkinerja.second_factor.remember import remembered_device
from workflow.models import Employee
from workflow.organisation.selectors import agency_of, load_employee, switchable_agencies


class ChosenLanguageMiddleware:
    """Indonesian unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which in an Indonesian
    office is often en-US; the interface must stay Indonesian until someone picks English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AgencyTimeZoneMiddleware:
    """Show times in the signed-in user's agency's zone (WIB, WITA or WIT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        load_employee(request.user)
        agency = agency_of(request.user)
        request.agency = agency  # for the views and the request log; resolved once per request
        note_user(request)
        if agency is not None:
            with timezone.override(agency.zone):
                return self.get_response(request)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A 405 (e.g. opening a POST-only action's address) is the app's own Indonesian page, not an
    empty response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path_info.startswith("/api/"):
            refusal = JsonResponse(
                {"code": "method_not_allowed", "message": _("This address does not take this method.")}, status=405
            )
            refusal["Allow"] = response.get("Allow", "")
            return refusal
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


VIEWING_AGENCY_SESSION_KEY = "viewing_agency"


class AgencySwitcherMiddleware:
    """A superuser or government administrator sees one agency's pages at a time: the one chosen in
    the navbar's switcher (kept in the session), else, for a login without an employee profile, the
    first agency it may view. The choice is put on the user, where `agency_of` (the one place pages
    resolve their agency) finds it. It grants no position: actions still check positions held.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (user.is_superuser or user.is_staff):
            agency = self._viewed_agency(request)
            if agency is not None:
                user.viewing_agency = agency
        return self.get_response(request)

    def _viewed_agency(self, request):

        agencies = switchable_agencies(request.user)
        chosen = request.session.get(VIEWING_AGENCY_SESSION_KEY)
        if chosen is not None:
            agency = agencies.filter(pk=chosen).first()
            if agency is not None:
                return agency
            del request.session[VIEWING_AGENCY_SESSION_KEY]  # no longer theirs to view
        if Employee.objects.filter(user=request.user).exists():
            return None  # an employee starts on its own agency
        return agencies.first()


# Pages open before the second factor: signing in and out, the factor's own pages and passkey
# ceremonies, static files, the health probe, the public verification page and portal, the language switch
# and the forgotten-password pages (which sign nobody in).
SECOND_FACTOR_OPEN_PATHS = (
    "/accounts/login/",
    "/accounts/logout/",
    "/akun/faktor-kedua/",
    "/webauthn/",
    "/health/",
    "/verifikasi/",
    "/api/",  # the API takes no session: its token is all that counts
    "/publik/",
    "/i18n/",
    "/akun/sandi/",
    "/admin/login/",
    "/admin/logout/",
    "/favicon.ico",
)


class SecondFactorMiddleware:
    """Issue 18: a signed-in user who owes a second factor (sopkinerja.second_factor.devices.
    second_factor_owed) and has not passed it in this session reaches no page but enrolment (no
    device yet) or verification; a browser remembered for them passes it without a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path_info
        if (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not path.startswith((*SECOND_FACTOR_OPEN_PATHS, "/" + settings.STATIC_URL.lstrip("/")))
            and second_factor_owed(user, path)
        ):
            device = remembered_device(request, user)
            if device is not None:
                otp_login(request, device)
            else:
                page = "second-factor-verify" if has_device(user) else "second-factor-setup"
                return redirect(f"{reverse(page)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        return self.get_response(request)
