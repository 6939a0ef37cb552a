"""Forms of the monitoring and evaluation pages: they only read input; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.periods import Period, PeriodKind
from workflow.models import CRITERIA, SopMonitoring

YA_TIDAK = [("ya", "Ya"), ("tidak", "Tidak")]


def semester_choices(today: datetime.date) -> list[tuple[str, str]]:
    """This semester and the three before it, newest first."""
    semester = 1 if today.month <= 6 else 2
    choices = []
    year = today.year
    for _step in range(4):
        period = Period(year, PeriodKind.SEMESTER, semester)
        choices.append((str(period), period.label))
        year, semester = (year, 1) if semester == 2 else (year - 1, 2)
    return choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonitoringForm(forms.Form):
    period = forms.ChoiceField(label=_("Semester"))
    assessment = forms.ChoiceField(
        label=_("Assessment of how it is applied (Penilaian terhadap penerapan)"),
        choices=SopMonitoring.Assessment.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes on the assessment (Catatan hasil penilaian)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(
        label=_("Action to take (Tindakan yang harus diambil)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = semester_choices(today)
        self.fields["period"].initial = self.fields["period"].choices[0][0]
        self.fields["assessed_on"].initial = today


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluated_on"].initial = today
        for number, (field, text) in enumerate(CRITERIA, start=1):
            self.fields[field] = forms.ChoiceField(
                label=f"{number}. {text}", choices=YA_TIDAK, widget=forms.RadioSelect
            )
            self.fields[f"{field}_note"] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def answers(self) -> dict[str, bool]:
        return {field: self.cleaned_data[field] == "ya" for field, _text in CRITERIA}

    def notes(self) -> dict[str, str]:
        return {field: self.cleaned_data[f"{field}_note"] for field, _text in CRITERIA}
