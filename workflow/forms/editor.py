"""The SOP editor's forms: identity with its lists, executor columns, steps.

The forms only read and check what was typed, field by field (a Waktu that cannot be read is shown
next to the step's Waktu); the service `sop_draft_save` checks the whole and writes it.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.forms import options_read_once
from sopkinerja.common.limits import MAX_COLUMNS, MAX_STEPS, MAX_TEXT
from workflow.models import Executor, Position, SopListItem, SopVersion, Step, Unit
from workflow.sop.editor import DraftIdentity
from workflow.sop.services import ExecutorSpec, StepSpec
from workflow.sop.text import parse_waktu

# "1. text", "a) text", "- text", "• text": the numbering as printed, then the text.
LIST_LINE = re.compile(r"^\s*((?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]|[-•*])\s+(.+?)\s*$")
EXIT_PART = re.compile(r"^\s*(?:(?P<label>[^:→>]*?)\s*(?::|→|->)\s*)?(?:langkah\s*)?(?P<target>\d{1,4})\s*$", re.I)

LIST_SECTIONS = [
    ("tujuan", SopListItem.Section.PURPOSE.label),
    ("ruang_lingkup", SopListItem.Section.SCOPE.label),
    ("definisi", SopListItem.Section.DEFINITIONS.label),
    ("dasar_hukum", SopListItem.Section.LEGAL_BASIS.label),
    ("kualifikasi", SopListItem.Section.QUALIFICATION.label),
    ("keterkaitan", SopListItem.Section.RELATED.label),
    ("peralatan", SopListItem.Section.EQUIPMENT.label),
    ("peringatan", SopListItem.Section.WARNING.label),
    ("pencatatan", SopListItem.Section.RECORDING.label),
]


def list_from_text(text: str) -> list[tuple[str, str]]:
    """One item per line, keeping the numbering it was typed with ("1.", "a.", "-", or none)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = LIST_LINE.match(line)
        items.append((match.group(1), match.group(2)) if match else ("", line.strip()))
    return items


def list_to_text(entries) -> str:
    return "\n".join(f"{entry.label} {entry.text}".strip() for entry in entries)


def exits_from_text(text: str) -> list[tuple[str, int]] | None:
    """ "Ya: 5; Tidak: 3" -> [("Ya", 5), ("Tidak", 3)]; empty -> None (to the next step)."""
    parts = [part for part in re.split(r"[;\n]", text or "") if part.strip()]
    if not parts:
        return None
    exits = []
    for part in parts:
        match = EXIT_PART.match(part)
        if match is None:
            raise ValidationError(
                _("Write each exit as label: step number, separated by semicolons, e.g. Ya: 5; Tidak: 3."),
                code="exits",
            )
        exits.append(((match.group("label") or "").strip(), int(match.group("target"))))
    return exits


def exits_to_text(exits) -> str:
    return "; ".join(f"{label}: {target}" if label else str(target) for label, target in exits)


def bootstrap(form: forms.Form) -> None:
    """Bootstrap 5 classes on every widget (no inline styles: the CSP forbids them)."""
    for field in form.fields.values():
        field.template_name = "workflow/editor/field.html"  # in workflow/templates: forms render from app dirs
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue  # rendered option by option in the template
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = css


def _optional_date(value):
    """A draft may carry "-" for a date not decided yet, as printed sheets do."""
    return None if (value or "").strip() in {"", "-"} else value


class DraftDateField(forms.DateField):
    def to_python(self, value):
        return super().to_python(_optional_date(value) if isinstance(value, str) else value)


class NewSopForm(forms.Form):
    number = forms.CharField(label=_("SOP number"), max_length=100, required=False)
    name = forms.CharField(label=_("SOP name"), max_length=300)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(agency=agency)
        options_read_once(self.fields["unit"])
        bootstrap(self)


class IdentityForm(forms.Form):
    number = forms.CharField(
        label=_("SOP number"),
        max_length=100,
        required=False,
        help_text=_("It may stay empty while the SOP is a draft."),
    )
    name = forms.CharField(label=_("SOP name"), max_length=300)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    made_on = DraftDateField(label=_("date made (Tanggal Pembuatan)"), required=False)
    revised_on = DraftDateField(label=_("date revised (Tanggal Revisi)"), required=False)
    prepared_by = forms.CharField(label=_("Prepared by (Penyusun)"), max_length=300, required=False)
    checked_by = forms.CharField(label=_("Checked by (Pemeriksa)"), max_length=300, required=False)
    approver_title = forms.CharField(
        label=_("Approved by: position (Disahkan oleh)"),
        max_length=300,
        required=False,
        help_text=_("The position that will sign, as printed. The name, NIP and dates are filled in at signing."),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(agency=agency)
        options_read_once(self.fields["unit"])
        for field in ("made_on", "revised_on"):
            self.fields[field].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for section, label in LIST_SECTIONS:
            self.fields[f"list_{section}"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_('One item per line, with its numbering as printed: "1. …", "a. …", "- …".'),
            )
        bootstrap(self)

    def identity(self) -> DraftIdentity:
        data = self.cleaned_data
        return DraftIdentity(
            number=data["number"],
            name=data["name"],
            unit=data["unit"],
            made_on=data["made_on"],
            revised_on=data["revised_on"],
            prepared_by=data["prepared_by"],
            checked_by=data["checked_by"],
            approver_title=data["approver_title"],
        )

    def lists(self) -> dict[str, list[tuple[str, str]]]:
        return {section: list_from_text(self.cleaned_data[f"list_{section}"]) for section, _label in LIST_SECTIONS}

    @staticmethod
    def initial_for(version: SopVersion) -> dict:
        initial = {
            "number": version.sop.number,
            "name": version.name,
            "unit": version.sop.unit_id,
            "made_on": version.made_on,
            "revised_on": version.revised_on,
            "prepared_by": version.prepared_by,
            "checked_by": version.checked_by,
            "approver_title": version.approver_title,
        }
        for section, _label in LIST_SECTIONS:
            initial[f"list_{section}"] = list_to_text(version.list_entries_of(section))
        return initial


class ExecutorForm(forms.Form):
    title = forms.CharField(label=_("column heading"), max_length=200)
    short_label = forms.CharField(label=_("Short label"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind of column"), choices=Executor.Kind.choices, initial=Executor.Kind.POSITION)
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none(), required=False)

    def __init__(self, *args, agency, shared_options: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(agency=agency).order_by("title")
        options_read_once(self.fields["position"], shared_options)  # one query for every row
        bootstrap(self)

    def clean(self):
        data = super().clean()
        kind, position = data.get("kind"), data.get("position")
        if kind == Executor.Kind.POSITION and position is None and data.get("title"):
            self.add_error("position", _("A column that is a position of the agency needs its position."))
        if kind and kind != Executor.Kind.POSITION and position is not None:
            self.add_error("position", _("An outside party or a system has no position: leave it empty."))
        return data

    def spec(self) -> ExecutorSpec:
        data = self.cleaned_data
        return ExecutorSpec(data["title"].strip(), data["position"], data["kind"], data["short_label"].strip())


class StepForm(forms.Form):
    activity = forms.CharField(
        label=_("activity (Kegiatan)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    actors = forms.MultipleChoiceField(
        label=_("Actors (Pelaksana)"), choices=(), widget=forms.CheckboxSelectMultiple, required=True
    )
    performer = forms.ChoiceField(
        label=_("Performed in the app by"),
        choices=(),
        required=False,
        help_text=_("Empty: the first actor that is a position (or the next step's)."),
    )
    symbol = forms.ChoiceField(label=_("symbol"), choices=Step.Symbol.choices, initial=Step.Symbol.PROCESS)
    exits = forms.CharField(
        label=_("exits (Keluar ke)"),
        max_length=300,
        required=False,
        help_text=_("Label: step number, e.g. Ya: 5; Tidak: 3. Empty: the next step (an end has none)."),
    )
    requirements = forms.CharField(
        label=_("requirements (Kelengkapan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    waktu = forms.CharField(label=_("Waktu as written"), max_length=60)
    output = forms.CharField(label=_("output"), max_length=300)
    remark = forms.CharField(label=_("remark (Keterangan)"), max_length=300, required=False)
    cadence = forms.ChoiceField(label=_("cadence"), choices=Step.Cadence.choices, initial=Step.Cadence.QUARTERLY)
    collects_data = forms.BooleanField(label=_("data-collection step"), required=False)

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actors"].choices = [(title, title) for title in columns]
        self.fields["performer"].choices = [("", "—")] + [(title, title) for title in columns]
        bootstrap(self)

    def clean_exits(self):
        return exits_from_text(self.cleaned_data["exits"])

    def clean_waktu(self):

        text = self.cleaned_data["waktu"]
        parse_waktu(text)  # its ValidationError is shown next to the Waktu of this step
        return text

    def spec(self, number: int) -> StepSpec:
        data = self.cleaned_data
        end = data["symbol"] == Step.Symbol.TERMINATOR and data["exits"] is None and number > 1
        return StepSpec(
            number=number,
            activity=data["activity"].strip(),
            waktu=data["waktu"].strip(),
            output=data["output"].strip(),
            actors=list(data["actors"]),
            executor=data["performer"],
            requirements=[line.strip() for line in data["requirements"].splitlines() if line.strip()],
            symbol=data["symbol"],
            exits=[] if end else data["exits"],
            cadence=data["cadence"],
            remark=data["remark"].strip(),
            collects_data=data["collects_data"],
        )

    @staticmethod
    def initial_for(step: Step) -> dict:
        return {
            "activity": step.activity,
            "actors": [column.title for column in step.actor_columns()],
            "performer": step.executor.title,
            "symbol": step.symbol,
            "exits": exits_to_text((e.label, e.target.number) for e in step.exit_list()),
            "requirements": "\n".join(step.requirement_texts()),
            "waktu": step.duration_text,
            "output": step.output,
            "remark": step.remark,
            "cadence": step.cadence,
            "collects_data": step.collects_data,
        }


class _Formset(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept_forms(self) -> list[tuple[int, forms.Form]]:
        """(number shown on the page, form) of the rows kept: stored or filled, not marked for removal."""
        return [
            (index, form)
            for index, form in enumerate(self.forms, start=1)
            if (index <= self.initial_form_count() or form.has_changed()) and not self._should_delete_form(form)
        ]


class _ExecutorFormset(_Formset):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_kwargs = {**self.form_kwargs, "shared_options": []}  # the rows' position options


# One blank step at the end, more by the "add step" button: all the steps on the page are saved
# together, so an exit may lead to a step written in the same save.
# Bounds well above any real SOP; a posted form count above them is refused, and never builds more forms.
ExecutorFormSet = forms.formset_factory(
    ExecutorForm,
    formset=_ExecutorFormset,
    extra=2,
    can_delete=True,
    max_num=MAX_COLUMNS,
    absolute_max=MAX_COLUMNS,
    validate_max=True,
)
StepFormSet = forms.formset_factory(
    StepForm, formset=_Formset, extra=1, can_delete=True, max_num=MAX_STEPS, absolute_max=MAX_STEPS, validate_max=True
)


def posted_step_count(data, field: str = "TOTAL_FORMS") -> int:
    """How many step forms the page holds (or, with INITIAL_FORMS, how many were stored), as its
    management form says, bounded by MAX_STEPS."""
    try:
        return max(0, min(int(data.get(f"step-{field}", 0)), MAX_STEPS))
    except ValueError:
        return 0


def blank_step_form(index: int, columns: list[str]) -> forms.Form:
    """The blank step form at `index` (from 0), as the formset would build it, for "add step"."""
    form = StepFormSet(prefix="step", form_kwargs={"columns": columns}).empty_form
    form.prefix = f"step-{index}"
    return form


def posted_column_titles(data, prefix: str = "col") -> list[str]:
    """The column headings as typed (before validation), so the steps can offer them as actors."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return []
    titles = []
    for index in range(min(total, 50)):
        title = (data.get(f"{prefix}-{index}-title") or "").strip()
        if title and not data.get(f"{prefix}-{index}-DELETE") and title not in titles:
            titles.append(title)
    return titles
