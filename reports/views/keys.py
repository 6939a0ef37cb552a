"""The signing keys page: the agency admin sees who signs and with what key, installs or issues one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from reports.documents.signing.demo_ca import demo_ca_configured
from reports.documents.signing.keys import agency_signers, signing_key_install, signing_key_issue_demo
from reports.forms import DemoKeyForm, SigningKeyInstallForm
from workflow import permissions
from workflow.models import Employee
from workflow.organisation.selectors import agency_of


def _admin_agency(request):
    """The agency whose keys the login manages: its own agency's admin, or a superuser's chosen one."""
    agency = agency_of(request.user)
    if agency is None or not permissions.is_agency_admin(request.user, agency):
        raise PermissionDenied(_("Only the agency's administrator or a system administrator manages signing keys."))
    return agency


def _employee_or_404(request, employee_id: int) -> Employee:
    """Someone of the agency the login sees; anyone else's employee is not found (another agency's too)."""
    agency = agency_of(request.user)
    try:
        return Employee.objects.select_related("user", "agency").get(pk=employee_id, agency=agency)
    except Employee.DoesNotExist:
        raise Http404(_("No such employee in your agency.")) from None


@login_required
def signing_keys(request):
    agency = _admin_agency(request)
    local = agency.signing_backend == "local"
    rows = [
        {
            "signer": signer,
            "install": SigningKeyInstallForm(auto_id=f"id_%s_{signer.employee.pk}") if local else None,
            "demo": DemoKeyForm(auto_id=f"id_demo_%s_{signer.employee.pk}") if local else None,
        }
        for signer in agency_signers(agency, fresh=True)
    ]
    return render(
        request,
        "reports/signing_keys.html",
        {"agency": agency, "rows": rows, "local": local, "demo_ca": local and demo_ca_configured()},
    )


def _key_action(request, action, form, success: str, **kwargs):
    """Run a key service with the form's data; say what happened as a page message."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:signing-keys")
    try:
        status = action(**kwargs, passphrase=form.cleaned_data["passphrase"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success % {"name": kwargs["employee"].full_name, "status": status.label})
    return redirect("reports:signing-keys")


@login_required
@require_POST
@sensitive_post_parameters("passphrase")
def signing_key_install_view(request, employee_id: int):
    employee = _employee_or_404(request, employee_id)
    form = SigningKeyInstallForm(request.POST, request.FILES)
    pkcs12 = form.cleaned_data["pkcs12"].read() if form.is_valid() else b""
    return _key_action(
        request,
        signing_key_install,
        form,
        _("Signing key installed for %(name)s: %(status)s."),
        employee=employee,
        pkcs12=pkcs12,
    )


@login_required
@require_POST
@sensitive_post_parameters("passphrase")
def signing_key_demo_view(request, employee_id: int):
    employee = _employee_or_404(request, employee_id)
    return _key_action(
        request,
        signing_key_issue_demo,
        DemoKeyForm(request.POST),
        _("Demo signing key issued for %(name)s: %(status)s. Tell them its passphrase in person."),
        employee=employee,
    )
