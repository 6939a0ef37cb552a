import dataclasses

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from reports.models.performance import YEARLY_TARGET_ONLY
from reports.performance.services import FigureRow
from reports.performance.values import (  # noqa: F401 - parse_angka: the old home
    NOTE_LENGTH,
    figure_text,
    parse_angka,
    parse_figure,
    parse_target,
)
from sopkinerja.common.forms import options_read_once
from sopkinerja.common.periods import Period, PeriodKind, period_choices
from sopkinerja.common.uploads import validate_upload, validate_upload_size
from workflow.models import SopVersion
from workflow.sop.layout import PAPERS


class SopVersionChoiceField(forms.ModelChoiceField):
    """Each version says whether it is the one in force or a draft: printing a draft by mistake
    (stamped KONSEP) must not be what the first option does."""

    def label_from_instance(self, version) -> str:
        state = _("in force") if version.status == SopVersion.Status.EFFECTIVE else _("draft")
        return f"{version} — {state}"


class SopSheetForm(forms.Form):
    sop_version = SopVersionChoiceField(label=_("SOP"), queryset=SopVersion.objects.none(), empty_label=None)
    paper = forms.ChoiceField(label=_("Paper"), choices=[(key, label) for key, (label, _w, _h) in PAPERS.items()])
    sign = forms.BooleanField(label=_("Sign electronically (TTE)"), required=False)

    def __init__(self, *args, agency, can_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sop_version"].queryset = (
            SopVersion.objects.for_agency(agency)
            .exclude(status=SopVersion.Status.WITHDRAWN)
            .select_related("sop")
            .only("name", "revision", "status", "sop__number")  # what an option shows
            # The version in force first, then its draft: the default prints what is in force.
            .order_by("sop__number", Case(When(status=SopVersion.Status.EFFECTIVE, then=0), default=1), "-revision")
        )
        options_read_once(self.fields["sop_version"])
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


class AgreementForm(forms.Form):
    """The year's Perjanjian Kinerja: next year's (signed early in January, or late in December), this one's or last."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    sign = forms.BooleanField(label=_("Sign electronically (TTE)"), required=False)

    def __init__(self, *args, year: int, can_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in agreement_years(year)]
        self.initial.setdefault("year", year)
        if not can_sign:
            del self.fields["sign"]


def agreement_years(year: int) -> list[int]:
    return [year + 1, year, year - 1]


class PublicationWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown on the public page)"),
        max_length=300,
        help_text=_("e.g. Replaced by a corrected version."),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("The PDF you received"))


class FigureRowForm(forms.Form):
    """One indicator's row of the unit page: realisasi (a number, a ratio or n/a), its note (typed
    here, or in brackets after the figure: "38% (Evaluasi Semester I)"), the n/a reason, kendala,
    solusi and one bukti dukung file. Plain fields, rendered by hand: the page must stay fast at
    sixty rows."""

    value = forms.CharField(label=_("Realisation"), required=False, max_length=NOTE_LENGTH + 40)
    note = forms.CharField(label=_("Note beside the figure"), required=False, max_length=NOTE_LENGTH)
    na_reason = forms.CharField(label=_("Reason it is not available"), required=False, max_length=1000)
    obstacles = forms.CharField(label=_("Obstacles (kendala)"), required=False, max_length=4000)
    solutions = forms.CharField(label=_("Remedies (upaya/solusi)"), required=False, max_length=4000)
    evidence = forms.FileField(
        label=_("Evidence (bukti dukung)"), required=False, validators=[validate_upload, validate_upload_size]
    )

    def clean(self):
        data = super().clean()
        typed = (data.get("value") or "").strip()
        data["figure"] = None
        if not typed:
            if any(data.get(name) for name in ("note", "na_reason", "obstacles", "solutions", "evidence")):
                self.add_error("value", _("Enter the realisation, or n/a with a reason."))
            return data
        try:
            data["figure"] = parse_figure(typed)
        except ValidationError as problem:
            self.add_error("value", problem)
            return data
        note = " ".join((data.get("note") or "").split())
        if note and data["figure"].note and note != data["figure"].note:
            self.add_error("note", _("The note is written twice, differently: keep it in one place."))
            return data
        data["figure"] = dataclasses.replace(data["figure"], note=note or data["figure"].note)
        if data["figure"].not_available and not (data.get("na_reason") or "").strip():
            self.add_error("na_reason", _("Say why the figure is not available."))
        return data


# The refusal of a closed quarter (handed in, or locked by its data-collection step), on the unit
# page and in the API alike.
FIGURES_LOCKED = _("These figures are locked and cannot be changed.")


def figure_row_forms(entries, data=None, files=None) -> list[tuple]:
    """One FigureRowForm per figure entry of a unit's quarter (prefix i<indicator id>), filled with
    what is saved; bound to `data` when given. The unit page and the API read rows through these."""
    rows = []
    for entry in entries:
        initial = {}
        realisation = entry.realisation
        if realisation is not None:
            initial = {
                "value": "n/a"
                if realisation.not_available
                else figure_text(realisation.value, ratio=realisation.written_as_ratio),
                "note": realisation.note,
                "na_reason": realisation.not_available_reason,
                "obstacles": realisation.obstacles,
                "solutions": realisation.solutions,
            }
        rows.append((entry, FigureRowForm(data, files, initial=initial, prefix=f"i{entry.indicator.pk}")))
    return rows


def typed_figure_rows(rows) -> list[FigureRow]:
    """The rows of valid forms that were typed (an empty realisation is left as it is)."""
    return [
        FigureRow(
            indicator=entry.indicator,
            figure=form.cleaned_data["figure"],
            not_available_reason=form.cleaned_data["na_reason"],
            obstacles=form.cleaned_data["obstacles"],
            solutions=form.cleaned_data["solutions"],
            evidence=form.cleaned_data["evidence"],
        )
        for entry, form in rows
        if form.cleaned_data["figure"] is not None
    ]


class TargetRowForm(forms.Form):
    """One indicator's targets for a year: the PK (annual) target and TW I–IV, each in any form."""

    annual = forms.CharField(label=_("Annual target (PK)"), required=False, max_length=60)
    q1 = forms.CharField(label="TW I", required=False, max_length=60)
    q2 = forms.CharField(label="TW II", required=False, max_length=60)
    q3 = forms.CharField(label="TW III", required=False, max_length=60)
    q4 = forms.CharField(label="TW IV", required=False, max_length=60)

    def __init__(self, *args, yearly: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.yearly = yearly  # measured once a year: the annual target only

    def clean(self):
        data = super().clean()
        data["targets"] = {}
        for name, quarter in (("annual", None), ("q1", 1), ("q2", 2), ("q3", 3), ("q4", 4)):
            typed = (data.get(name) or "").strip()
            if not typed:
                continue
            if quarter is not None and self.yearly:
                self.add_error(name, YEARLY_TARGET_ONLY)
                continue
            try:
                data["targets"][quarter] = parse_target(typed)
            except ValidationError as problem:
                self.add_error(name, problem)
        return data


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


# A PKCS#12 of one person is a few kilobytes; anything much larger is not one.
MAX_KEY_FILE_BYTES = 64 * 1024


class SigningKeyInstallForm(forms.Form):
    """A person's PKCS#12 as their CA issued it, with the passphrase that opens it (checked once, never kept)."""

    pkcs12 = forms.FileField(
        label=_("Key file (.p12 or .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of the key file"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )

    def clean_pkcs12(self):
        upload = self.cleaned_data["pkcs12"]
        if upload.size > MAX_KEY_FILE_BYTES:
            raise ValidationError(_("A key file is a few kilobytes; this one is too large to be one."))
        return upload


class DemoKeyForm(forms.Form):
    """The passphrase that will open a new demo key (the signer types it when signing)."""

    passphrase = forms.CharField(
        label=_("Passphrase for the new demo key"),
        help_text=_("At least 8 characters. The signer types it when signing: tell it to them in person."),
        strip=False,
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
