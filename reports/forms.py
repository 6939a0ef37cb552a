from django import forms
from django.utils.translation import gettext_lazy as _

from reports.documents import PAPERS
from workflow.forms import period_choices
from workflow.models import SopVersion


class SopSheetForm(forms.Form):
    sop_version = forms.ModelChoiceField(label=_("SOP"), queryset=SopVersion.objects.none(), empty_label=None)
    paper = forms.ChoiceField(label=_("Paper"), choices=[(key, label) for key, (label, _w, _h) in PAPERS.items()])
    sign = forms.BooleanField(label=_("Sign electronically (TTE)"), required=False)

    def __init__(self, *args, agency, can_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sop_version"].queryset = (
            SopVersion.objects.filter(sop__agency=agency)
            .exclude(status=SopVersion.Status.WITHDRAWN)
            .select_related("sop")
        )
        if not can_sign:
            del self.fields["sign"]


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    sign = forms.BooleanField(label=_("Sign electronically (TTE)"), required=False)

    def __init__(self, *args, year: int, can_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(year) + period_choices(year - 1)
        if not can_sign:
            del self.fields["sign"]


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("The PDF you received"))
