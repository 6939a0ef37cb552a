"""Template context every page needs: the agency shown, the switcher's choices, and the main menu."""

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sopkinerja.common.stamped_cache import kept_html
from workflow.organisation.selectors import agency_of, switchable_agencies

NAVIGATION = "partials/navigation.html"


def agency_switcher(request):
    """`current_agency`: the agency whose pages the user sees (workflow.selectors.agency_of);
    `switchable_agencies`: the agencies the switcher offers (empty for ordinary staff);
    `navigation`: the main menu's links (main_menu). Lazy, so pages that do not show them cost nothing."""

    user = getattr(request, "user", None)
    return {
        "current_agency": SimpleLazyObject(lambda: agency_of(user)),
        "switchable_agencies": SimpleLazyObject(lambda: list(switchable_agencies(user))),
        "navigation": lambda: main_menu(bool(getattr(user, "is_staff", False))),
    }


def main_menu(is_staff: bool) -> str:
    """The main menu's links, the same for everyone signed in but for the staff's own: drawn once per
    language, year (the targets' link, in the agency's zone), address prefix and staff flag, and kept.
    Made of addresses and words only, so it holds no data to go stale; whether the viewer is staff is
    read with the login on every request."""
    this_year = timezone.localdate().year

    def render() -> str:
        return render_to_string(NAVIGATION, {"this_year": this_year, "is_staff": is_staff})

    variant = f"{this_year}:{get_script_prefix()}:{int(is_staff)}"
    return kept_html("navigation:v1", (NAVIGATION,), render, variant=variant)
