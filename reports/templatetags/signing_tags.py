"""The signer's own key warning, for the top of the dashboard (reports.documents.signing.keys.key_warning)."""

from django import template

from reports.documents.signing.keys import key_warning
from workflow import permissions

register = template.Library()


@register.inclusion_tag("reports/partials/signing_key_warning.html", takes_context=True)
def signing_key_warning(context, agency):
    """A warning when the signed-in user signs now or later and their key is missing, unusable or
    about to run out; nothing otherwise."""
    user = context["request"].user
    return {"warning": key_warning(user, agency), "manages_keys": permissions.is_agency_admin(user, agency)}
