"""Template context every page needs: the agency shown, and the switcher's choices."""

from django.utils.functional import SimpleLazyObject

from workflow.organisation.selectors import agency_of, switchable_agencies


def agency_switcher(request):
    """`current_agency`: the agency whose pages the user sees (workflow.selectors.agency_of);
    `switchable_agencies`: the agencies the switcher offers (empty for ordinary staff). Lazy, so
    pages that do not show them cost no query."""

    user = getattr(request, "user", None)
    return {
        "current_agency": SimpleLazyObject(lambda: agency_of(user)),
        "switchable_agencies": SimpleLazyObject(lambda: list(switchable_agencies(user))),
    }
