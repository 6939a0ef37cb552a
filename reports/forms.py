import re

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.documents import PAPERS
from reports.periods import Period, PeriodKind
from sopkinerja.uploads import validate_upload, validate_upload_size
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


class MonitoringReportForm(forms.Form):
    """The semester's SOP monitoring and evaluation table (PermenPAN-RB 35/2012)."""

    period = forms.ChoiceField(label=_("Semester"))
    sign = forms.BooleanField(label=_("Sign electronically (TTE)"), required=False)

    def __init__(self, *args, year: int, can_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        semesters = [Period(y, PeriodKind.SEMESTER, n) for y in (year, year - 1) for n in (1, 2)]
        self.fields["period"].choices = [(str(p), p.label) for p in semesters]
        if not can_sign:
            del self.fields["sign"]


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("The PDF you received"))


def parse_angka(text: str) -> str:
    """Read a number written the Indonesian way into a plain decimal string.

    "12.500" is twelve thousand five hundred, "64,05" is a decimal, "1.234,5" is both. A single
    dot followed by other than exactly three digits ("64.05") is taken as a decimal point.
    """
    value = (text or "").strip().replace(" ", "")
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", value):
        return value.replace(".", "")
    return value


class AngkaField(forms.DecimalField):
    def to_python(self, value):
        return super().to_python(parse_angka(str(value)) if value not in (None, "") else value)


class RealisationForm(forms.Form):
    value = AngkaField(
        label=_("Realisation"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        # A text box: a number input would refuse the Indonesian decimal comma.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Write 12.500 for twelve thousand five hundred and 64,05 for a decimal."),
    )
    obstacles = forms.CharField(
        label=_("Obstacles (kendala)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    solutions = forms.CharField(
        label=_("Remedies (upaya/solusi)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence (bukti dukung)"),
        required=False,
        validators=[validate_upload, validate_upload_size],
    )


class SignForm(forms.Form):
    """The passphrase of the signer's own key, typed at the moment of signing and never kept."""

    passphrase = forms.CharField(
        label=_("Passphrase of your signing key"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, secret_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if secret_label:
            self.fields["passphrase"].label = secret_label
