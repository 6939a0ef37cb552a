"""Project-wide pages: the refusal shown when a form's security token is missing or stale, the
agency switcher of superusers and government administrators, the sign-in page and the
forgotten-password request."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sopkinerja.common.forms import LoginForm
from sopkinerja.common.rate_limit import over_limit
from sopkinerja.middleware import VIEWING_AGENCY_SESSION_KEY
from sopkinerja.password_reset import PasswordResetRequestForm, password_reset_offered
from workflow.organisation.selectors import switchable_agencies


def permission_denied(request, exception=None):
    """403 with the app's layout; the refusal text (our own, translated) is shown when there is one."""
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request, reason=""):
    """A stale or missing CSRF token: explain it in the visitor's language, never Django's English page."""
    message = _("This form has expired or was sent from another page. Reload the page and send it again.")
    return render(request, "403.html", {"reason": message, "expired_form": True}, status=403)


@login_required
@require_POST
def agency_switch(request):
    """Remember which agency a superuser or government administrator views; refuse any other."""

    agency = switchable_agencies(request.user).filter(slug=request.POST.get("agency", "")).first()
    if agency is None:
        raise PermissionDenied(
            _("You may not view this agency: only a superuser or an administrator of its government may.")
        )
    request.session[VIEWING_AGENCY_SESSION_KEY] = agency.pk
    target = request.POST.get("next", "")
    host = request.get_host()
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={host}, require_https=request.is_secure())
    if not safe:
        target = "workflow:home"
    return redirect(target)


class SignInView(LoginView):
    """The sign-in page; it links to Lupa kata sandi while the installation offers it."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, password_reset_offered=password_reset_offered())


class PasswordResetRequestView(PasswordResetView):
    """Lupa kata sandi: the same answer for every address, known or not. Too many requests from one
    client address are refused on the page (429, the typed address kept); too many for one e-mail
    address send nothing more, with the same answer, so nobody floods someone else's mailbox."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if over_limit(request, group="password-reset", rate=settings.PASSWORD_RESET_RATE):
            form = self.get_form()
            form.add_error(None, _("Too many requests from your address. Wait a minute and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].casefold()
        rate = settings.PASSWORD_RESET_EMAIL_RATE
        if over_limit(self.request, group="password-reset:email", rate=rate, key=lambda _group, _request: address):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
