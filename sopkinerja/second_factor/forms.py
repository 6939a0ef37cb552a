from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A six-digit authenticator code or an eight-digit backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class VerifyForm(CodeForm):
    remember = forms.BooleanField(label=_("Remember this browser for 30 days"), required=False)

    def __init__(self, *args, remember_offered: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not remember_offered:
            del self.fields["remember"]
