"""The SOP list and the SOP editor: thin views over workflow.sop.editor.

The editor is one form (identity and lists, executor columns, steps). Every button saves the whole
draft through `sop_draft_save`; moving a step also renumbers it. A form with errors is shown again
with what was typed and each message next to its field and step. The flowchart preview is drawn
from the unsaved form by the same code as the PDF (`flowchart_preview`).
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.documents.selectors import sop_revisions
from sopkinerja.common.limits import MAX_STEPS
from workflow import permissions
from workflow.forms.editor import (
    ExecutorFormSet,
    IdentityForm,
    NewSopForm,
    StepForm,
    StepFormSet,
    blank_step_form,
    posted_column_titles,
    posted_step_count,
)
from workflow.models import SopVersion
from workflow.models.sop import DraftAwaitingSignature
from workflow.permissions import can_sign, local_today
from workflow.sop.editor import (
    draft_problems,
    renumbered,
    sop_draft_create,
    sop_draft_save,
    sop_draft_submit_for_signature,
    step_moved,
)
from workflow.sop.layout import flowchart_preview
from workflow.sop.selectors import sop_list
from workflow.sop.services import (
    ExecutorSpec,
    StepSpec,
    draft_deletion_refusal,
    sop_draft_delete,
    sop_version_revise,
)
from workflow.views.access import agency_or_403, version_or_404


@login_required
def sop_index(request):
    agency = agency_or_403(request)
    return render(
        request,
        "workflow/editor/sop_list.html",
        {
            "agency": agency,
            "rows": sop_list(agency),
            "may_author": permissions.can_author(request.user, agency),
            "may_sign": can_sign(request.user, agency),
            "today": local_today(agency),
        },
    )


@login_required
def sop_new(request):
    agency = agency_or_403(request)
    if not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("Only the agency's SOP authors may write SOP drafts."))
    form = NewSopForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            version = sop_draft_create(agency=agency, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_on(form, error)
        else:
            messages.success(request, _("The draft was created. Add its columns and steps."))
            return redirect("workflow:sop-edit", version.pk)
    return render(request, "workflow/editor/sop_new.html", {"agency": agency, "form": form})


@login_required
@require_POST
def sop_revise(request, version_id: int):
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    try:
        draft = sop_version_revise(version=version, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("workflow:sop-list")
    messages.success(request, _("Revision %(n)d was made as a draft.") % {"n": draft.revision})
    return redirect("workflow:sop-edit", draft.pk)


@login_required
def sop_delete(request, version_id: int):
    """Delete a never-signed draft: GET shows what goes (and whether the SOP goes with it), POST deletes."""
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    if not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("Only the agency's SOP authors may delete an SOP draft."))
    refusal = draft_deletion_refusal(version)
    if refusal:
        messages.error(request, refusal)
        return redirect("workflow:sop-detail", version.pk)
    if request.method == "POST":
        try:
            sop = sop_draft_delete(version=version, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workflow:sop-detail", version.pk)
        messages.success(request, _("The draft was deleted."))
        remaining = sop.current_version() if sop is not None else None
        return redirect("workflow:sop-detail", remaining.pk) if remaining else redirect("workflow:sop-list")
    context = {
        "agency": agency,
        "version": version,
        "step_count": version.steps.count(),
        "only_version": version.sop.versions.count() == 1,
    }
    return render(request, "workflow/editor/sop_delete.html", context)


@login_required
@require_POST
def sop_submit(request, version_id: int):
    """Ajukan untuk ditandatangani: the draft goes to the Kepala Dinas's signature queue, by e-mail."""
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    try:
        sop_draft_submit_for_signature(version=version, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Submitted for signature: the Kepala Dinas has been notified by e-mail."))
    if request.POST.get("back") == "list":
        return redirect("workflow:sop-list")
    return redirect(
        "workflow:sop-edit" if version.status == SopVersion.Status.DRAFT else "workflow:sop-detail", version.pk
    )


def _forms(request, agency, version: SopVersion | None):
    """The editor's three parts, bound to the POST or filled from the stored draft. "Add step"
    without htmx posts the page: the same forms come back with one more blank step."""
    if request.method == "POST":
        data = request.POST
        if "add_step" in data and posted_step_count(data) < MAX_STEPS:
            data = data.copy()
            data["step-TOTAL_FORMS"] = str(posted_step_count(data) + 1)
        columns = posted_column_titles(data)
        return (
            IdentityForm(data, agency=agency),
            ExecutorFormSet(data, prefix="col", form_kwargs={"agency": agency}),
            StepFormSet(data, prefix="step", form_kwargs={"columns": columns}),
        )
    executors = list(version.executors.all())
    return (
        IdentityForm(initial=IdentityForm.initial_for(version), agency=agency),
        ExecutorFormSet(
            prefix="col",
            form_kwargs={"agency": agency},
            initial=[
                {"title": e.title, "short_label": e.short_label, "kind": e.kind, "position": e.position_id}
                for e in executors
            ],
        ),
        StepFormSet(
            prefix="step",
            form_kwargs={"columns": [e.title for e in executors]},
            initial=[StepForm.initial_for(step) for step in version.steps.all()],
        ),
    )


def _content(columns, steps) -> tuple[list[ExecutorSpec], list[StepSpec]]:
    """What the valid formsets hold, steps numbered by their place on the page."""
    executors = [form.spec() for _n, form in columns.kept_forms()]
    return executors, renumbered([form.spec(number) for number, form in steps.kept_forms()])


def _move(request, steps, specs: list[StepSpec]) -> list[StepSpec]:
    """Apply a "move step up/down" button: value "<number on the page>:up" or ":down"."""
    number, _sep, direction = request.POST.get("move", "").partition(":")
    shown = [n for n, _form in steps.kept_forms()]
    if not number.isdigit() or int(number) not in shown or direction not in {"up", "down"}:
        return specs
    return step_moved(specs, shown.index(int(number)), -1 if direction == "up" else 1)


@login_required
def sop_edit(request, version_id: int):
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    if version.status != SopVersion.Status.DRAFT:
        messages.error(request, _("This version is signed and cannot be edited. Make a new revision to change it."))
        return redirect("workflow:sop-detail", version.pk)
    if version.awaiting_signature_since is not None:
        messages.error(request, DraftAwaitingSignature(version.pk).messages[0])
        return redirect("workflow:sop-detail", version.pk)
    if not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("Only the agency's SOP authors may write SOP drafts."))
    identity, columns, steps = _forms(request, agency, version)
    if request.method == "POST" and "add_step" not in request.POST:
        if all([identity.is_valid(), columns.is_valid(), steps.is_valid()]):
            executors, specs = _content(columns, steps)
            try:
                sop_draft_save(
                    version=version,
                    user=request.user,
                    identity=identity.identity(),
                    executors=executors,
                    steps=_move(request, steps, specs),
                    lists=identity.lists(),
                )
            except ValidationError as error:
                _errors_on(identity, error, steps)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("workflow:sop-edit", version.pk)
        messages.error(request, _("The draft was not saved: correct the fields marked below."))
    return render(
        request,
        "workflow/editor/sop_edit.html",
        {
            "agency": agency,
            "version": version,
            "identity": identity,
            "columns": columns,
            "steps": steps,
            "preview": _preview(*_specs_of(version)) if request.method == "GET" else None,
            "may_sign": can_sign(request.user, agency),
        },
    )


def _draft_for_author(request, version_id: int) -> tuple:
    """The agency and the draft, for one of its SOP authors; anyone else is refused."""
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    if version.status != SopVersion.Status.DRAFT or not permissions.can_author(request.user, agency):
        raise PermissionDenied(_("Only the agency's SOP authors may write SOP drafts."))
    return agency, version


@login_required
@require_POST
def sop_step_add(request, version_id: int):
    """ "Add step" with htmx: the next blank step form, appended in place, and the step count."""
    agency, version = _draft_for_author(request, version_id)
    index = posted_step_count(request.POST)
    if index >= MAX_STEPS:
        raise PermissionDenied(_("An SOP has at most %(n)d steps.") % {"n": MAX_STEPS})
    context = {
        "form": blank_step_form(index, posted_column_titles(request.POST)),
        "number": index + 1,
        "initial_count": posted_step_count(request.POST, "INITIAL_FORMS"),
    }
    return render(request, "workflow/editor/step_added.html", context)


@login_required
@require_POST
def sop_preview(request, version_id: int):
    """The flowchart of the unsaved form, and its graph problems: an htmx partial."""
    agency, version = _draft_for_author(request, version_id)
    _identity, columns, steps = _forms(request, agency, version)
    columns.is_valid(), steps.is_valid()
    return render(request, "workflow/editor/preview.html", {"preview": _preview_from(columns, steps)})


def _preview_from(columns, steps) -> dict:
    """The preview of what the rows hold so far; rows that do not validate yet are left out."""
    executors = [form.spec() for _n, form in columns.kept_forms() if _valid(form)]
    titles = {spec.title for spec in executors}
    kept = steps.kept_forms()
    specs = renumbered(
        [form.spec(number) for number, form in kept if _valid(form) and set(form.cleaned_data["actors"]) <= titles]
    )
    return _preview(executors, specs, left_out=len(kept) - len(specs))


def _specs_of(version: SopVersion) -> tuple[list[ExecutorSpec], list[StepSpec]]:
    """The stored draft as the editor's specs, for the preview of a page just opened."""
    executors = [ExecutorSpec(e.title, e.position, e.kind, e.short_label) for e in version.executors.all()]
    steps = [
        StepSpec(
            number=step.number,
            activity=step.activity,
            waktu=step.duration_text,
            output=step.output,
            actors=[column.title for column in step.actor_columns()],
            requirements=step.requirement_texts(),
            symbol=step.symbol,
            exits=[(e.label, e.target.number) for e in step.exit_list()],
            remark=step.remark,
        )
        for step in version.steps.all()
    ]
    return executors, steps


def _preview(executors: list[ExecutorSpec], specs: list[StepSpec], left_out: int = 0) -> dict:
    pages = flowchart_preview(executors, specs) if executors and specs else []
    by_number = {spec.number: spec for spec in specs}
    for page in pages:
        page.extra["steps"] = [(row, by_number[row.step.number]) for row in page.rows]
    return {
        "executors": executors,
        "pages": pages,
        "problems": draft_problems(specs),
        "left_out": left_out,
    }


def _valid(form) -> bool:
    return hasattr(form, "cleaned_data") and not form.errors and bool(form.cleaned_data)


STEP_MESSAGE = re.compile(r"^(?:Langkah|Step)\s+(\d+)\b")


def _errors_on(form, error: ValidationError, steps=None) -> None:
    """A service's refusal: on the field it names; a message about step N next to step N (as
    numbered on the page); else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    rows = dict(enumerate((f for _n, f in steps.kept_forms()), start=1)) if steps is not None else {}
    for message in error.messages:
        match = STEP_MESSAGE.match(message)
        row = rows.get(int(match.group(1))) if match else None
        (row or form).add_error(None, message)


@login_required
def sop_history(request, version_id: int):
    """Every revision of the SOP of this version, with its signed PDFs."""
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id, whole=True)
    return render(
        request,
        "workflow/editor/sop_history.html",
        {"agency": agency, "version": version, "revisions": sop_revisions(agency, version.sop_id)},
    )
