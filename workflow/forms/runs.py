from django import forms
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.forms import MultipleFileField, options_read_once
from sopkinerja.common.periods import Period, periods_of
from workflow.models import ActingAssignment, Disposition, Run, RunStep, Sop, SopVersion, Step
from workflow.runs.selectors import startable_periods


class RunStartForm(forms.Form):
    # Django 6.1's own empty label; naming it here puts it in our catalogue, which also covers the admin.
    version = forms.ModelChoiceField(
        label=_("SOP"), queryset=SopVersion.objects.none(), empty_label=_("- Select an option -")
    )
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, agency, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (
            SopVersion.objects.for_agency(agency).filter(status=SopVersion.Status.EFFECTIVE).select_related("sop")
        )
        options_read_once(self.fields["version"])
        # The versions offered, as read for the options (the view asks who may start one of them).
        self.versions = versions = [value.instance for value, _label in self.fields["version"].widget.choices if value]
        if len(versions) == 1:
            self.fields["version"].initial = versions[0]
        # Only the periods a run can start for now: a semester once its quarters have finished, none
        # for a cadence the SOPs have no steps in (run_start refuses the rest, saying why).
        periods = startable_periods(versions, periods_of(year - 1) + periods_of(year))
        self.fields["period"].choices = [(str(p), p.label) for p in periods]
        this_year = [p for p in periods if p.year == year]
        self.fields["period"].initial = str(this_year[0]) if this_year else None

    def clean_period(self):
        return Period.parse(self.cleaned_data["period"])


class SubmitForm(forms.Form):
    output_note = forms.CharField(
        label=_("Output"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What this step produced, e.g. the disposisi sent or the draft report."),
    )
    answer = forms.ChoiceField(label=_("Decision"), choices=(), widget=forms.RadioSelect)
    files = MultipleFileField(label=_("Files (output and kelengkapan)"), required=False)
    close_incomplete = forms.BooleanField(
        label=_("Close this step although some units have not submitted their figures"), required=False
    )

    def __init__(self, *args, run_step: RunStep, **kwargs):
        super().__init__(*args, **kwargs)
        if run_step.step.symbol != Step.Symbol.DECISION:
            del self.fields["answer"]
        else:
            self.fields["answer"].choices = [(label, label) for label in run_step.step.exit_labels()]
        if not run_step.step.collects_data:
            del self.fields["close_incomplete"]


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


NOTE_REQUIRED = _("A note saying what must be corrected is required to return a step.")


class ReturnForm(forms.Form):
    # Said in words, by the server and by the browser (static/js/app.js), rather than "this field is required".
    note = forms.CharField(
        label=_("What must be corrected"),
        max_length=2000,
        error_messages={"required": NOTE_REQUIRED},
        widget=forms.Textarea(attrs={"rows": 2, "data-required-message": NOTE_REQUIRED}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispositionMarksForm(forms.Form):
    """What the issuer of a disposisi writes on the sheet: its sifat, the ticked "dengan hormat harap"
    choices and the free text (disposition_amend)."""

    urgency = forms.ChoiceField(
        label=_("Sifat"),
        choices=Disposition.Urgency.choices,
        initial=Disposition.Urgency.ORDINARY,
        widget=forms.RadioSelect,
    )
    requests = forms.MultipleChoiceField(
        label=_("Dengan hormat harap"),
        choices=Disposition.Request.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instruction = forms.CharField(
        label=_("Instruction or note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DispositionForwardForm(DispositionMarksForm):
    """Forward a disposisi to a position below one's own (disposition_forward)."""

    to_position = forms.TypedChoiceField(label=_("Forward to"), coerce=int)
    field_order = ["to_position", "urgency", "requests", "instruction"]

    def __init__(self, *args, targets: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {position.pk: position for position in targets}
        # Indented by depth, as the line runs: a Kasi under the Kabid, a Staf under the Kasi.
        self.fields["to_position"].choices = [
            (position.pk, "\u2003" * (position.depth - 1) + str(position)) for position in targets
        ]

    def clean_to_position(self):
        return self.targets[self.cleaned_data["to_position"]]


class AppointmentForm(forms.Form):
    """The Kepala Dinas appoints a Plh/Plt (workflow.organisation.appointments.acting_appoint)."""

    position = forms.ModelChoiceField(label=_("Position"), queryset=None, empty_label=_("- Select an option -"))
    employee = forms.ModelChoiceField(label=_("Acting official"), queryset=None, empty_label=_("- Select an option -"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ActingAssignment.Kind.choices)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Basis (e.g. letter number)"), max_length=300, required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = agency.positions.order_by("title")
        self.fields["employee"].queryset = agency.employees.select_related("position").order_by("full_name")
        options_read_once(self.fields["position"])
        options_read_once(self.fields["employee"])


class RunFilterForm(forms.Form):
    """The dashboard's filters of the runs list: SOP, period and state."""

    sop = forms.ModelChoiceField(label=_("SOP"), queryset=Sop.objects.none(), required=False, empty_label=_("All SOPs"))
    period = forms.CharField(label=_("Period"), required=False, max_length=10, help_text=_("e.g. 2026-TW3"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + list(Run.State.choices))

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sop"].queryset = Sop.objects.filter(agency=agency).order_by("number")
        options_read_once(self.fields["sop"])
        for name, css in (("sop", "form-select"), ("period", "form-control"), ("state", "form-select")):
            self.fields[name].widget.attrs["class"] = f"{css} {css}-sm"

    def clean_period(self):
        text = self.cleaned_data["period"].strip().upper()
        if not text:
            return ""
        try:
            return str(Period.parse(text))
        except (ValueError, KeyError):
            raise forms.ValidationError(_("Write a period such as 2026-TW3, 2026-S1 or 2026.")) from None
