from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation


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
        from workflow.selectors import agency_of

        agency = agency_of(request.user)
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
