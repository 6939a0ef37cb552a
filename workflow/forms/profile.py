"""The forms of the profile page: a WhatsApp number and its code, and the notification preferences."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models.contact import NotificationPreference
from workflow.models.mail import Channel
from workflow.organisation.events import EVENTS


class PhoneNumberForm(forms.Form):
    number = forms.CharField(
        label=_("WhatsApp number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"}),
    )


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )


class PreferenceForm(forms.Form):
    """One checkbox per event and channel the person can use, quiet hours and the digest."""

    quiet_start = forms.TimeField(label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(label=_("Quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    digest = forms.BooleanField(label=_("Collect my messages into one daily digest"), required=False)

    def __init__(self, *args, preference: NotificationPreference, channels: list[str], **kwargs):
        initial = {
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
            "digest": preference.digest,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.channels = channels
        for event in EVENTS:
            for channel in channels:
                self.fields[f"{event}__{channel}"] = forms.BooleanField(
                    label=f"{EVENTS[event]}: {Channel(channel).label}",
                    required=False,
                    initial=preference.wants(event, channel),
                )

    def rows(self):
        """[(event label, [bound checkbox per channel])] for the table."""
        return [(EVENTS[event], [self[f"{event}__{channel}"] for channel in self.channels]) for event in EVENTS]

    def channel_labels(self):
        return [Channel(channel).label for channel in self.channels]

    def chosen_channels(self) -> dict[str, list[str]]:
        return {
            event: [channel for channel in self.channels if self.cleaned_data.get(f"{event}__{channel}")]
            for event in EVENTS
        }
