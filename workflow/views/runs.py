from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.documents.signing.keys import agency_signers, signer_status
from reports.performance.selectors import latest_reported_quarter
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.stamped_cache import kept_html
from sopkinerja.common.uploads import download_response
from workflow import permissions
from workflow.forms.runs import (
    AppointmentForm,
    ApproveForm,
    CancelForm,
    DispositionForwardForm,
    DispositionMarksForm,
    ReturnForm,
    RunFilterForm,
    RunStartForm,
    SubmitForm,
)
from workflow.models import ActingAssignment, Attachment, Disposition, Run, RunStep, SopVersion
from workflow.organisation import appointments as appointment_services
from workflow.organisation.selectors import agency_of, appointments_for_agency
from workflow.runs import selectors as run_selectors
from workflow.runs import services as run_services
from workflow.runs.selectors import (
    disposition_sheet,
    run_steps_in_hand,
    run_with_sop,
    runs_for_agency,
    runs_in_progress,
)
from workflow.runs.stamps import runs_key, sop_text_key
from workflow.sop.flowchart import web_rows
from workflow.sop.selectors import sop_version_detail
from workflow.views.access import agency_or_403
from workflow.views.dashboard import agency_board, decision_context, sop_table, waiting_for
from workflow.views.run_page import kept_run_page, run_page_parts


def _run_step_or_404(agency, run_step_id: int) -> RunStep:
    try:
        return RunStep.objects.for_agency(agency).select_related("run", "step").get(pk=run_step_id)
    except RunStep.DoesNotExist:
        raise Http404(_("No such step in your agency.")) from None


def _act(request, action, success: str, **kwargs) -> bool:
    """Run a service; show its refusal or validation problem as the reason, in the user's language."""
    try:
        action(**kwargs)
    except WorkflowRefused as refusal:
        messages.error(request, refusal.message)
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
def home(request):
    if request.user.is_superuser and agency_of(request.user) is None:
        return redirect("admin:index")  # a system administrator works across agencies, in the admin
    agency = agency_or_403(request)
    period = latest_reported_quarter(agency)
    now = timezone.now()
    filters = RunFilterForm(request.GET or None, agency=agency)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    board, stamps = agency_board(agency)
    waiting = waiting_for(request.user, agency, now, board, stamps)
    if filters.is_bound:
        progress = runs_in_progress(
            agency,
            now,
            sop_id=getattr(chosen.get("sop"), "pk", None),
            period=chosen.get("period") or "",
            state=chosen.get("state", ""),
        )
    else:  # the active runs, as kept for the agency
        progress = board.progress(now)
    return render(
        request,
        "workflow/home.html",
        {
            "agency": agency,
            "sop_table": mark_safe(sop_table(agency, stamps)),  # noqa: S308 (our own rendering, cached)
            # the figures locks, for the achievement table's provisional marks
            "figures_locks_stamp": stamps and stamps.figures_locks,
            "period": period,
            "work": waiting.work,
            "figures_to_review": waiting.figures_to_review,
            "returned_figures": waiting.returned_figures,
            "signature_queue": waiting.signature_queue,
            "overdue": waiting.overdue,
            "progress": progress,
            "filters": filters,
            "may_author": permissions.can_author(request.user, agency),  # the import button
            "counters": waiting.counters,
            "now": now,
            "due_assessments": waiting.due_assessments,
        },
    )


INBOX_LIST = "workflow/partials/disposition_inbox_list.html"


def _inbox_list(rows: list, *, read: bool) -> str:
    """One list of the inbox, drawn once per set of rows shown (their digest), language and time zone
    (the times shown): a disposisi arriving draws the unread list again, not the read one."""
    return kept_html(
        run_selectors.inbox_stamp(rows),
        (INBOX_LIST,),
        lambda: render_to_string(INBOX_LIST, {"items": rows, "read": read}),
        variant=f"{'read' if read else 'unread'}:{timezone.get_current_timezone_name()}",
    )


@login_required
def disposition_inbox(request):
    """Kotak masuk disposisi: unread ones first, then the latest read ones, newest first."""
    agency = agency_or_403(request)
    inbox = run_selectors.disposition_inbox(request.user)
    context = {
        "agency": agency,
        "unread_count": len(inbox["unread"]),
        "unread": _inbox_list(inbox["unread"], read=False),
        "read": _inbox_list(inbox["read"], read=True),
    }
    return render(request, "workflow/disposition_inbox.html", context)


SOP_TEXT = "workflow/sop/page_text.html"
SOP_TEXT_TEMPLATES = (SOP_TEXT, "partials/sop_list.html")


@login_required
def sop_detail(request, version_id: int):
    agency = agency_or_403(request)
    # The heading and the buttons; the text below them is kept (_sop_text) and drawn once per change.
    version = SopVersion.objects.for_agency(agency).filter(pk=version_id).order_by("pk").first()
    if version is None:
        raise Http404(_("No such SOP in your agency."))
    context = {
        "agency": agency,
        "version": version,
        "sop_text": _sop_text(agency, version_id),
        "may_author": permissions.can_author(request.user, agency),
    }
    return render(request, "workflow/sop_detail.html", context)


def _sop_text(agency, version_id: int) -> str:
    """The version's identity, lists and steps with the flowchart, drawn by the same code as the PDF
    sheet (workflow.sop.flowchart), once per change of its rows (workflow.runs.stamps.sop_text_key)."""

    def render() -> str:
        version = sop_version_detail(agency, version_id)
        return render_to_string(SOP_TEXT, {"agency": agency, "version": version, "flow": web_rows(version)})

    return kept_html(sop_text_key(agency, version_id), SOP_TEXT_TEMPLATES, render)


RUNS_PER_PAGE = 25
RUNS_TABLE = "workflow/run_list_table.html"
RUNS_TABLE_TEMPLATES = (RUNS_TABLE, "partials/pagination.html")


def _runs_table(agency, page: str) -> str:
    """A page of the agency's runs, newest first, drawn once per change of the runs
    (workflow.runs.stamps.runs_key), per page asked for and time zone (the start times)."""

    def render() -> str:
        # A page at a time: the list grows by several runs per SOP every year.
        runs = Paginator(runs_for_agency(agency), RUNS_PER_PAGE).get_page(page)
        return render_to_string(RUNS_TABLE, {"agency": agency, "runs": runs})

    if page and not (page.isdigit() and len(page) <= 6):  # not a page number: drawn, not kept
        return kept_html(None, RUNS_TABLE_TEMPLATES, render)
    variant = f"{page}:{timezone.get_current_timezone_name()}"
    return kept_html(runs_key(agency), RUNS_TABLE_TEMPLATES, render, variant=variant)


@login_required
def run_list(request):
    agency = agency_or_403(request)
    form = RunStartForm(request.POST or None, agency=agency, year=timezone.localdate().year)
    if request.method == "POST":
        if form.is_valid():
            started = _act(
                request,
                run_services.run_start,
                _("The run has started and its first disposisi was issued."),
                version=form.cleaned_data["version"],
                period=form.cleaned_data["period"],
                user=request.user,
            )
            if started:
                return redirect("workflow:runs")
        else:
            _form_errors(request, form)
    return render(
        request,
        "workflow/run_list.html",
        {
            "agency": agency,
            "runs_table": _runs_table(agency, request.GET.get("page", "")),
            "form": form,
            # Offered only to whoever may start one of them; the service refuses anyone else, saying why.
            "may_start": any(permissions.can_start(v, request.user) for v in form.versions),
        },
    )


def _run_step_row(rs: RunStep, user, now, refused: dict, agency) -> dict:
    """What the run page shows of one step, and which actions this user gets; a refused form
    (`refused`: kind → bound form, for this step) comes back with what was typed."""
    can_submit = rs.state == RunStep.State.ACTIVE and permissions.can_perform(rs, user)
    returned = rs.state == RunStep.State.ACTIVE and bool(rs.return_note)
    return {
        # Whether the return reached the executor: for who returned it, may approve it, or administers.
        "return_deliveries": run_selectors.return_deliveries(agency, rs)
        if returned and permissions.sees_return_delivery(user, rs, agency)
        else None,
        "run_step": rs,
        "overdue": rs.is_overdue(now),
        "can_submit": can_submit,
        "can_approve": rs.state == RunStep.State.SUBMITTED and permissions.may_decide(rs, user),
        "submit_form": refused.get("submit") or (SubmitForm(run_step=rs, prefix=f"s{rs.pk}") if can_submit else None),
        # One pair of note boxes per step, each with its own ids, so every label points at its box.
        "approve_form": refused.get("approve") or ApproveForm(prefix=f"a{rs.pk}"),
        "return_form": refused.get("return") or ReturnForm(prefix=f"r{rs.pk}"),
    }


@login_required
def run_view(request, run_id: int):
    return _run_page(request, agency_or_403(request), run_id)


def _run_page(request, agency, run_id: int, *, refused: RunStep | None = None, form=None, kind: str = ""):
    """The run page; after a refusal (status 400) the refused step's form keeps what was typed. What
    everyone sees is kept (workflow.views.run_page); the viewer's part is read for the attempts in
    hand only, and none for a run that is over."""
    try:
        kept = kept_run_page(agency, run_id)
    except Run.DoesNotExist:
        raise Http404(_("No such run in your agency.")) from None
    now = timezone.now()
    title, parts = run_page_parts(kept, now)
    in_hand = sorted({part.attempt_id for part in parts if part.attempt_id is not None})
    attempts = run_steps_in_hand(run_id, in_hand) if in_hand else []
    rows = {
        rs.pk: _run_step_row(rs, request.user, now, {kind: form} if refused and rs.pk == refused.pk else {}, agency)
        for rs in attempts
    }
    for part in parts:
        part.row = rows.get(part.attempt_id)
    can_cancel = False
    if any(part.kind == "cancel" for part in parts):  # the run is in progress
        run = attempts[0].run if attempts else run_with_sop(run_id)
        can_cancel = permissions.can_cancel(run, request.user)
    return render(
        request,
        "workflow/run_detail.html",
        {"title": title, "parts": parts, "run_id": run_id, "can_cancel": can_cancel, "cancel_form": CancelForm()},
        status=400 if refused else 200,
    )


@login_required
@require_POST
def step_submit(request, run_step_id: int):
    agency = agency_or_403(request)
    run_step = _run_step_or_404(agency, run_step_id)
    form = SubmitForm(request.POST, request.FILES, run_step=run_step, prefix=f"s{run_step.pk}")
    submitted = form.is_valid() and _act(
        request,
        run_services.run_step_submit,
        _("Step %(n)d submitted.") % {"n": run_step.step.number},
        run_step_id=run_step.pk,
        user=request.user,
        output_note=form.cleaned_data["output_note"],
        answer=form.cleaned_data.get("answer", ""),
        files=form.cleaned_data["files"],
        close_incomplete=form.cleaned_data.get("close_incomplete", False),
    )
    if submitted:
        return redirect("workflow:run-detail", run_step.run_id)
    # Refused, by the form (its fields say why) or by the service (the message says why): the form
    # comes back with everything typed. Files are not kept: a browser never refills a file input.
    return _run_page(request, agency, run_step.run_id, refused=run_step, form=form, kind="submit")


def _note_action(request, run_step_id: int, form_class, prefix: str, action, success: str):
    """Approve or return a step: both take the step and the approver's note."""
    agency = agency_or_403(request)
    run_step = _run_step_or_404(agency, run_step_id)
    # The run page prefixes each step's note box (unique ids); other pages may post a plain `note`.
    prefix = f"{prefix}{run_step.pk}"
    form = form_class(request.POST, prefix=prefix if f"{prefix}-note" in request.POST else None)
    done = False
    if form.is_valid():
        done = _act(
            request,
            action,
            success % {"n": run_step.step.number},
            run_step_id=run_step.pk,
            user=request.user,
            note=form.cleaned_data["note"],
        )
    else:
        _form_errors(request, form)
    if request.htmx and done:  # approved or returned in place, from the dashboard
        context = decision_context(request, agency, timezone.now(), run_step=run_step)
        return render(request, "workflow/partials/decision_result.html", context)
    if request.htmx:  # refused in place: the reason above the same item, its forms kept to try again
        context = {"rs": run_step, "now": timezone.now(), "refused": True, "returning": form_class is ReturnForm}
        return render(request, "workflow/home.html#approval-item", context)
    if done or not form.prefix:
        return redirect("workflow:run-detail", run_step.run_id)
    kind = "return" if form_class is ReturnForm else "approve"  # refused on the run page: the note stays
    return _run_page(request, agency, run_step.run_id, refused=run_step, form=form, kind=kind)


@login_required
@require_POST
def step_approve(request, run_step_id: int):
    approved = _("Step %(n)d approved.")
    return _note_action(request, run_step_id, ApproveForm, "a", run_services.run_step_approve, approved)


@login_required
@require_POST
def step_return(request, run_step_id: int):
    returned = _("Step %(n)d returned to its executor.")
    return _note_action(request, run_step_id, ReturnForm, "r", run_services.run_step_send_back, returned)


@login_required
@require_POST
def run_cancel(request, run_id: int):
    agency = agency_or_403(request)
    if not runs_for_agency(agency).filter(pk=run_id).exists():
        raise Http404(_("No such run in your agency."))
    form = CancelForm(request.POST)
    if form.is_valid():
        _act(
            request,
            run_services.run_cancel,
            _("The run was cancelled."),
            run_id=run_id,
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    else:
        _form_errors(request, form)
    return redirect("workflow:run-detail", run_id)


def _disposition_or_404(agency, disposition_id: int) -> tuple[Disposition, list[Disposition]]:
    """The disposisi with its history (run_selectors.disposition_sheet)."""
    try:
        return disposition_sheet(agency, disposition_id)
    except Disposition.DoesNotExist:
        raise Http404(_("No such disposisi in your agency.")) from None


def _disposition_page(request, agency, disposition, history, *, forward_form=None, amend_form=None):
    """The lembar disposisi with its history; the recipient's forwarding form while the step is in
    hand, and the issuer's form to change it until it is read."""
    targets = []
    if permissions.can_forward(request.user, disposition) and disposition.in_hand:
        targets = disposition.to_position.below()
        forward_form = forward_form or DispositionForwardForm(targets=targets)
    if permissions.can_amend(request.user, disposition):
        amend_form = amend_form or DispositionMarksForm(
            initial={
                "urgency": disposition.urgency,
                "requests": disposition.requests,
                "instruction": disposition.instruction,
            }
        )
    else:
        amend_form = None
    context = {
        "agency": agency,
        "disposition": disposition,
        "history": history,
        "forward_form": forward_form if targets else None,
        "amend_form": amend_form,
        "deliveries": run_selectors.disposition_deliveries(agency, disposition)
        if permissions.sees_disposition_delivery(request.user, disposition, agency)
        else None,
    }
    return render(request, "workflow/disposition.html", context)


@login_required
def disposition_view(request, disposition_id: int):
    agency = agency_or_403(request)
    disposition, history = _disposition_or_404(agency, disposition_id)
    run_services.disposition_open(disposition=disposition, user=request.user)
    if disposition.read_by_id == request.user.pk:
        disposition.read_by = request.user  # read just now, or before: the login with its employee, no query
    return _disposition_page(request, agency, disposition, history)


@login_required
@require_POST
def disposition_forward(request, disposition_id: int):
    """The recipient forwards the disposisi down the line; refused reasons come back on the page."""
    agency = agency_or_403(request)
    disposition, history = _disposition_or_404(agency, disposition_id)
    if not permissions.can_forward(request.user, disposition):
        raise PermissionDenied(_("Only the recipient of this disposisi (or an acting official for it) can forward it."))
    form = DispositionForwardForm(request.POST, targets=disposition.to_position.below())
    if form.is_valid():
        success = _("Disposisi forwarded to %(position)s.") % {"position": form.cleaned_data["to_position"]}
        if _act(
            request,
            run_services.disposition_forward,
            success,
            disposition_id=disposition.pk,
            user=request.user,
            **form.cleaned_data,
        ):
            return redirect("workflow:disposition", disposition.pk)
    return _disposition_page(request, agency, disposition, history, forward_form=form)


@login_required
@require_POST
def disposition_amend(request, disposition_id: int):
    """The issuer changes the sifat, the ticked choices or the text before the recipient reads it."""
    agency = agency_or_403(request)
    disposition, history = _disposition_or_404(agency, disposition_id)
    if not permissions.is_issuer(request.user, disposition):
        raise PermissionDenied(_("Only the issuer of this disposisi can change it."))
    form = DispositionMarksForm(request.POST)
    if form.is_valid() and _act(
        request,
        run_services.disposition_amend,
        _("Disposisi changed."),
        disposition_id=disposition.pk,
        user=request.user,
        **form.cleaned_data,
    ):
        return redirect("workflow:disposition", disposition.pk)
    disposition.refresh_from_db()
    return _disposition_page(request, agency, disposition, history, amend_form=form)


@login_required
def appointments(request):
    """Plh/Plt appointments: everyone of the agency reads them; the Kepala Dinas appoints and ends."""
    agency = agency_or_403(request)
    may_appoint = permissions.is_head(request.user, agency)
    form = AppointmentForm(request.POST or None, agency=agency) if may_appoint else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the Kepala Dinas or a system administrator can appoint a Plh or Plt."))
        if form.is_valid():
            try:
                assignment = appointment_services.acting_appoint(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("The appointment was recorded."))
                _warn_without_key(request, assignment)
                return redirect("workflow:appointments")
    today = permissions.local_today(agency)
    current, past = appointments_for_agency(agency, today)
    # Acting officials of the head position whose key needs attention: seen here, not at the last click.
    key_problems = [signer for signer in agency_signers(agency) if signer.status.needs_attention]
    return render(
        request,
        "workflow/appointments.html",
        {
            "agency": agency,
            "form": form,
            "current": current,
            "past": past,
            "today": today,
            "may_appoint": may_appoint,
            "key_problems": key_problems,
            "manages_keys": permissions.is_agency_admin(request.user, agency),
        },
    )


def _warn_without_key(request, assignment) -> None:
    """A Plh/Plt of the Kepala Dinas without a usable key is appointed all the same, with a warning."""
    agency = assignment.position.agency
    if assignment.position != permissions.head_position(agency):
        return
    status = signer_status(assignment.employee, agency)
    if not status.usable:
        messages.warning(
            request,
            _(
                "%(name)s has no usable signing key yet (%(status)s), so cannot sign as %(kind)s until the "
                "agency administrator installs one."
            )
            % {"name": assignment.employee.full_name, "status": status.label, "kind": assignment.get_kind_display()},
        )


def _form_errors_from(form, error: ValidationError) -> None:
    """Show a service's refusal on the form fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def appointment_end(request, assignment_id: int):
    agency = agency_or_403(request)
    try:
        assignment = ActingAssignment.objects.get(pk=assignment_id, position__agency=agency)
    except ActingAssignment.DoesNotExist:
        raise Http404(_("No such appointment in your agency.")) from None
    try:
        ended = appointment_services.acting_end(by=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        withdrawn = ended.ends_on < ended.starts_on
        messages.success(request, _("The appointment was withdrawn.") if withdrawn else _("The appointment was ended."))
    return redirect("workflow:appointments")


@login_required
def attachment_download(request, attachment_id: int):
    """A file handed in with a step, for logins of the run's agency only (and superusers): another
    agency's is a 404."""
    if request.user.is_superuser:
        attachment = get_object_or_404(Attachment, pk=attachment_id)
    else:
        attachment = get_object_or_404(Attachment, pk=attachment_id, run_step__run__sop__agency=agency_or_403(request))
    return download_response(request, attachment.file, str(attachment))
