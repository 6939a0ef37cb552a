from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation

from sopkinerja.request_log import note_user
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
