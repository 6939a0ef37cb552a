from django import forms
from django.utils.translation import gettext_lazy as _


class SopImportForm(forms.Form):
    file = forms.FileField(label=_("SOP file (.json or .xlsx)"))
