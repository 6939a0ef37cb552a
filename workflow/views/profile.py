"""Profil saya: a person's WhatsApp number (verified by a code), their Telegram link and their
notification preferences. Thin: the services in workflow.organisation.contacts do the work."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.forms.profile import PhoneCodeForm, PhoneNumberForm, PreferenceForm
from workflow.models.contact import ContactPoint
from workflow.organisation import contacts, routing
from workflow.organisation.selectors import own_agency


def _page(request, *, number_form=None, code_form=None, preference_form=None, status=200):
    points = {point.kind: point for point in ContactPoint.objects.filter(user=request.user)}
    telegram = points.get(ContactPoint.Kind.TELEGRAM)
    channels = routing.available_channels(own_agency(request.user))
    return render(
        request,
        "workflow/profile.html",
        {
            "whatsapp": points.get(ContactPoint.Kind.WHATSAPP),
            "telegram": telegram,
            "telegram_link": contacts.telegram_deep_link(telegram) if telegram and telegram.link_token else "",
            "whatsapp_available": "whatsapp" in channels,
            "telegram_available": bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME),
            "number_form": number_form or PhoneNumberForm(),
            "code_form": code_form or PhoneCodeForm(),
            "preference_form": preference_form
            or PreferenceForm(preference=routing.preference_of(request.user), channels=channels),
        },
        status=status,
    )


@login_required
def profile(request):
    return _page(request)


def _number_step(request, form, field: str, act, done: str, slot: str):
    """One step of adding a WhatsApp number (the number, then its code): the form, the service, and
    either the profile again with the success message or the form with the service's refusal."""
    if form.is_valid():
        try:
            act(user=request.user, **{field: form.cleaned_data[field]})
        except ValidationError as error:
            for message in error.messages:
                form.add_error(field, message)
        else:
            messages.success(request, done)
            return redirect("workflow:profile")
    return _page(request, status=400, **{slot: form})


@login_required
@require_POST
def phone_number(request):
    done = _("A code was sent to your WhatsApp. Enter it below.")
    form = PhoneNumberForm(request.POST)
    return _number_step(request, form, "number", contacts.phone_number_set, done, "number_form")


@login_required
@require_POST
def phone_code(request):
    form = PhoneCodeForm(request.POST)
    return _number_step(
        request, form, "code", contacts.phone_number_verify, _("Your WhatsApp number is verified."), "code_form"
    )


@login_required
@require_POST
def contact_remove(request, kind: str):
    if kind in ContactPoint.Kind.values and contacts.contact_point_remove(user=request.user, kind=kind):
        messages.success(request, _("Removed. Nothing more is sent there."))
    return redirect("workflow:profile")


@login_required
@require_POST
def telegram_link(request):
    contacts.telegram_link_start(user=request.user)
    messages.info(request, _("Open the link below in Telegram and press Start."))
    return redirect("workflow:profile")


@login_required
@require_POST
def preferences(request):
    channels = routing.available_channels(own_agency(request.user))
    form = PreferenceForm(request.POST, preference=routing.preference_of(request.user), channels=channels)
    if not form.is_valid():
        return _page(request, preference_form=form, status=400)
    contacts.preference_save(
        user=request.user,
        channels=form.chosen_channels(),
        quiet_start=form.cleaned_data["quiet_start"],
        quiet_end=form.cleaned_data["quiet_end"],
        digest=form.cleaned_data["digest"],
    )
    messages.success(request, _("Your notification settings were saved."))
    return redirect("workflow:profile")
