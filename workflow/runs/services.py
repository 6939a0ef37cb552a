"""SOP runs: start, submit, approve, send back, cancel; read, amend and forward a disposisi.

Every function here:
- locks the run row first (then the step row), so two people acting at once are serialised
  and the second sees the first one's result;
- checks the transition's own rules and answers a refusal with WorkflowRefused and a reason;
- runs the transition, saves, and lets django-fsm-log record it in the same transaction;
- sends e-mail only after the transaction commits.
"""

import datetime
from functools import partial

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow import permissions
from workflow.models.run import Attachment, Disposition, Run, RunStep
from workflow.models.sop import Sop, SopVersion, Step
from workflow.runs import notifications
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.selectors import start_refusal

# Sequences are shifted out of the way first, so the unique (run, sequence) never collides.
_SEQUENCE_OFFSET = 1_000_000


def _refuse_unless_allowed(instance, method, user) -> None:
    """Check the transition's source state, permission and conditions; refuse with the reason."""
    run = instance if isinstance(instance, Run) else instance.run
    if run.state == Run.State.FINISHED:
        raise WorkflowRefused(_("This SOP run has finished: nothing more can be done in it."))
    if run.state == Run.State.CANCELLED:
        raise WorkflowRefused(_("This SOP run was cancelled: nothing more can be done in it."))
    transition = method._django_fsm.get_transition(instance.state)
    if transition is None:
        raise WorkflowRefused(_state_refusal(instance))
    if transition.permission and not transition.has_perm(instance, user):
        raise WorkflowRefused(_permission_refusal(instance, method.__name__))
    for condition in transition.conditions:
        if not condition(instance):
            raise WorkflowRefused(condition.refusal)


def _state_refusal(run_step: RunStep) -> str:
    n = {"n": run_step.step.number}
    return {
        RunStep.State.WAITING: _("Step %(n)d is not active yet: the steps before it must be approved first."),
        RunStep.State.ACTIVE: _("Step %(n)d has not been submitted by its executor yet."),
        RunStep.State.SUBMITTED: _("Step %(n)d has already been submitted and is awaiting approval."),
        RunStep.State.APPROVED: _("Step %(n)d has already been approved."),
    }[run_step.state] % n


def _permission_refusal(instance, action: str) -> str:
    if isinstance(instance, Run):
        return _("Only the Kepala Dinas (or the position named for it) can cancel an SOP run.")
    if action == "submit":
        position = instance.step.executor.position
        return _("Only the %(position)s (or an acting official for that position) can perform this step.") % {
            "position": position
        }
    position = permissions.approver_position(instance.step) or instance.step.executor.position
    return _("Only the %(position)s (or an acting official for that position) can approve or return this step.") % {
        "position": position
    }


def _lock_run_step(run_step_id: int) -> RunStep:
    run_id = RunStep.objects.values_list("run_id", flat=True).get(pk=run_step_id)
    run = Run.objects.select_for_update().select_related("sop__agency").get(pk=run_id)
    run_step = (
        RunStep.objects.select_for_update(of=("self",))
        .select_related("step__executor__position__agency", "step__approver_position")
        .prefetch_related("step__exits__target")
        .get(pk=run_step_id)
    )
    run_step.run = run
    return run_step


def _issuer_position(user):
    employee = getattr(user, "employee", None)
    return employee.position if employee else None


def _activate(
    run_step: RunStep, *, issuer, from_position, now, calendar: WorkingCalendar, note: str = ""
) -> Disposition:
    """Hand the step to its executor by disposisi; the approver's note goes with it, beside the instruction."""
    step = run_step.step
    run_step.activate(by=issuer, description=_("Disposisi issued"))
    run_step.activated_at = now
    run_step.due_at = calendar.due(now, step.waktu)
    run_step.save()
    run = run_step.run
    disposition = Disposition.objects.create(
        run_step=run_step,
        from_user=issuer,
        from_position=from_position,
        to_position=step.executor.position,
        subject=f"{run.version.name} – {run.period_obj.label}",
        # Sifat biasa and "ditindaklanjuti": the issuer may change both until the executor reads it.
        urgency=Disposition.Urgency.ORDINARY,
        requests=[Disposition.Request.FOLLOW_UP],
        instruction=step.activity,
        note=(note or "").strip(),
        requirements=", ".join(step.requirement_texts()),
        issued_at=now,
        due_at=run_step.due_at,
    )
    transaction.on_commit(partial(notifications.disposition_issued.enqueue, disposition.pk))
    return disposition


def _read_on_acting(run_step: RunStep, user, now) -> None:
    """Acting on a step counts as reading its disposisi (compare-and-set, first reader kept)."""
    Disposition.objects.filter(run_step_id=run_step.pk, parent__isnull=True, read_at__isnull=True).update(
        read_at=now, read_by=user
    )


def _standard(step: Step, calendar: WorkingCalendar) -> int:
    return calendar.waktu_minutes(step.waktu)


def _answer_label(step: Step, answer: str) -> str:
    """A decision's answer as the exact label of one of its exits (typed case does not matter)."""
    if step.symbol != Step.Symbol.DECISION:
        return ""
    wanted = (answer or "").strip().casefold()
    return next((label for label in step.exit_labels() if label.casefold() == wanted), (answer or "").strip())


def run_steps_for(version: SopVersion, period: Period) -> list[Step]:
    """The steps a run of this period contains: those whose cadence matches, in order."""
    return list(
        version.steps.filter(cadence=period.kind)
        .order_by("number")
        .select_related("executor__position__agency", "approver_position")
        .prefetch_related("requirements", "exits__target")
    )


@transaction.atomic
def run_start(*, version: SopVersion, period: Period, user, now: datetime.datetime | None = None) -> Run:
    """Start a run of an effective SOP version for a period and hand its first step out.

    Guarantees: at most one run per SOP and period (cancelled ones aside); a semester starts only
    when both its quarters' runs have finished, a year only when both semesters have.
    """
    now = now or timezone.now()
    Sop.objects.select_for_update().get(pk=version.sop_id)  # serialise concurrent starts
    if version.status != SopVersion.Status.EFFECTIVE:
        raise WorkflowRefused(_("Only an effective SOP version can be run."))
    if not permissions.can_start(version, user):
        raise WorkflowRefused(_("You may not start a run of this SOP."))
    steps = run_steps_for(version, period)
    runs = dict(
        Run.objects.filter(sop_id=version.sop_id).exclude(state=Run.State.CANCELLED).values_list("period", "state")
    )
    if refusal := start_refusal(period, cadences={step.cadence for step in steps}, runs=runs):
        raise WorkflowRefused(refusal)
    calendar = WorkingCalendar.for_agency(version.sop.agency)
    run = Run(
        sop_id=version.sop_id,
        version=version,
        period=str(period),
        started_by=user,
        started_at=now,
        standard_minutes=sum(_standard(step, calendar) for step in steps),
    )
    run.full_clean(exclude=["state"])  # the state is never input; it changes by transition only
    run.save()
    run_steps = [
        RunStep.objects.create(run=run, step=step, sequence=index, standard_minutes=_standard(step, calendar))
        for index, step in enumerate(steps, 1)
    ]
    _activate(run_steps[0], issuer=user, from_position=_issuer_position(user), now=now, calendar=calendar)
    return run


@transaction.atomic
def run_step_submit(
    *,
    run_step_id: int,
    user,
    output_note: str,
    answer: str = "",
    files=(),
    close_incomplete: bool = False,
    now: datetime.datetime | None = None,
) -> RunStep:
    """The executor hands in the step's output (text and files); a decision is answered with the label
    of one of its exits (Ya/Tidak, Lengkap/Tidak lengkap, Disetujui/Ditolak/Didisposisikan …).

    The data-collection step needs every responsible unit's figures, unless the executor closes it
    with the missing units listed. A step whose executor has no supervisor is approved at once.
    """
    now = now or timezone.now()
    run_step = _lock_run_step(run_step_id)
    run_step.output_note = output_note or ""
    run_step.answer = _answer_label(run_step.step, answer)
    run_step.closed_incomplete = bool(close_incomplete and run_step.step.collects_data)
    missing = run_step.units_without_figures()
    if run_step.closed_incomplete:
        run_step.missing_units = ", ".join(unit.name for unit in missing)
    named = run_step.state == RunStep.State.ACTIVE and run_step.run.state == Run.State.ACTIVE
    if missing and named and not run_step.closed_incomplete and permissions.can_perform(run_step, user):
        raise WorkflowRefused(
            _(
                "These units have not submitted their figures for %(period)s: %(units)s. "
                "Wait for them, or close this step listing them."
            )
            % {"period": run_step.run.period_obj.label, "units": ", ".join(unit.name for unit in missing)}
        )
    _refuse_unless_allowed(run_step, run_step.submit, user)
    run_step.submit(by=user, description=_submission_note(run_step))
    _read_on_acting(run_step, user, now)
    run_step.submitted_at = now
    run_step.submitted_by = user
    run_step.save()
    # Check every file before storing any, so a refused one leaves no other on disk.
    attachments = [Attachment(run_step=run_step, file=upload, uploaded_by=user) for upload in files]
    for attachment in attachments:
        attachment.full_clean()
    for attachment in attachments:
        attachment.save()
    if permissions.approver_position(run_step.step) is None:
        _approve(run_step, user, _("Approved on submission: the executor has no supervisor."), now, forward=False)
    else:
        transaction.on_commit(partial(notifications.step_submitted.enqueue, run_step.pk))
    return run_step


def _submission_note(run_step: RunStep) -> str:
    """What the history shows of a submission: the answer, the output, and units closed without figures."""
    note = run_step.output_note
    if run_step.answer:
        note = f"{run_step.answer}: {note}"
    if run_step.closed_incomplete and run_step.missing_units:
        note += " — " + _("closed without figures from: %(units)s") % {"units": run_step.missing_units}
    return note


@transaction.atomic
def run_step_approve(*, run_step_id: int, user, note: str = "", now: datetime.datetime | None = None) -> RunStep:
    """The approver accepts a submitted step; the run follows its exit (see _follow_exit): the next
    step is handed out, or the run finishes when an end is reached.

    Nobody approves an attempt they submitted themselves, also when acting for the approver.
    """
    run_step = _lock_run_step(run_step_id)
    run_step.approved_by = user  # the transition's rules check who decides
    _refuse_unless_allowed(run_step, run_step.approve, user)
    _approve(run_step, user, note, now or timezone.now())
    return run_step


def _approve(run_step: RunStep, user, note: str, now, *, forward: bool = True) -> None:
    """Approve, then follow the exit; the approver's own note (`forward`) joins the next instruction."""
    calendar = WorkingCalendar.for_agency(run_step.run.agency)
    run_step.approved_by = user
    run_step.approve(by=user, description=note)
    run_step.approved_at = now
    run_step.actual_minutes = calendar.working_minutes(run_step.activated_at, run_step.submitted_at)
    run_step.save()
    following = _follow_exit(run_step, user)
    if following is None:
        _finish(run_step.run, user, now, calendar)
        return
    from_position = permissions.approver_position(run_step.step) or run_step.step.executor.position
    _activate(
        following, issuer=user, from_position=from_position, now=now, calendar=calendar, note=note if forward else ""
    )


def _follow_exit(done: RunStep, user) -> RunStep | None:
    """The attempt the run goes on with after `done`, following its exit; None when the run ends.

    - the exit's step is the next one planned: that one;
    - it is planned further on (a forward jump): the attempts passed over are marked skipped;
    - it is earlier (a loop) or not planned: new attempts are inserted after `done`, from that step up
      to `done`'s own, the old attempts kept;
    - an end terminator (no exit), or no further step of the run's cadence: the run ends, and the
      attempts never reached are marked skipped.
    """
    run = done.run
    cadence_steps = run_steps_for(run.version, run.period_obj)
    target = _exit_target(done, cadence_steps)
    waiting = list(
        run.steps.filter(state=RunStep.State.WAITING, sequence__gt=done.sequence)
        .select_related("step")
        .order_by("sequence")
    )
    if target is None:
        _skip(waiting, user, _("Skipped: the flow ended at step %(n)d.") % {"n": done.step.number})
        return None
    planned = next((index for index, attempt in enumerate(waiting) if attempt.step_id == target.pk), None)
    if planned is not None and (planned == 0 or target.number > done.step.number):
        _skip(
            waiting[:planned],
            user,
            _("Skipped: step %(from)d went on to step %(to)d%(answer)s.")
            % {"from": done.step.number, "to": target.number, "answer": f" ({done.answer})" if done.answer else ""},
        )
        return waiting[planned]
    again = [target]
    if target.number <= done.step.number:
        again = [s for s in cadence_steps if target.number <= s.number <= done.step.number]
    return _insert_attempts(done, again)[0]


def _exit_target(done: RunStep, cadence_steps: list[Step]) -> Step | None:
    """The step `done`'s exit leads to, within the run's cadence (see run_steps_for)."""
    exits = done.step.exit_list()
    if done.step.symbol == Step.Symbol.DECISION:
        exits = [exit for exit in exits if exit.label == done.answer]
    if not exits:
        return None
    target = exits[0].target
    if any(step.pk == target.pk for step in cadence_steps):
        return next(step for step in cadence_steps if step.pk == target.pk)
    # A step of another cadence (a quarter's flow running on into the semester part): this period's
    # run goes on with its own next step, or ends.
    return next((step for step in cadence_steps if step.number > target.number), None)


def _skip(attempts: list[RunStep], user, reason: str) -> None:
    for attempt in attempts:
        attempt.skip(by=user, description=reason)
        attempt.save()


def _insert_attempts(after: RunStep, steps: list[Step]) -> list[RunStep]:
    run = after.run
    later = run.steps.filter(sequence__gt=after.sequence)
    later.update(sequence=F("sequence") + _SEQUENCE_OFFSET)
    later.update(sequence=F("sequence") - _SEQUENCE_OFFSET + len(steps))
    attempts = dict(run.steps.values("step_id").annotate(last=Max("attempt")).values_list("step_id", "last"))
    calendar = WorkingCalendar.for_agency(run.agency)
    created = []
    for offset, step in enumerate(steps, start=1):
        attempt = RunStep.objects.create(
            run=run,
            step=step,
            attempt=attempts.get(step.pk, 0) + 1,
            sequence=after.sequence + offset,
            standard_minutes=_standard(step, calendar),
        )
        attempt.run = run
        created.append(attempt)
    return created


def _finish(run: Run, user, now, calendar: WorkingCalendar) -> None:
    run.finish(by=user, description=_("All steps approved"))
    run.finished_at = now
    run.lead_minutes = calendar.working_minutes(run.started_at, now)
    run.save()


@transaction.atomic
def run_step_send_back(*, run_step_id: int, user, note: str, now: datetime.datetime | None = None) -> RunStep:
    """The approver returns a submitted step to its executor with a required note; it is active again.

    Nobody returns an attempt they submitted themselves, also when acting for the approver.
    """
    run_step = _lock_run_step(run_step_id)
    run_step.return_note = note or ""
    run_step.returned_by = user  # the transition's rules check who decides
    _refuse_unless_allowed(run_step, run_step.send_back, user)
    run_step.send_back(by=user, description=run_step.return_note)
    run_step.returned_count += 1
    run_step.submitted_at = None
    run_step.submitted_by = None
    run_step.save()
    transaction.on_commit(partial(notifications.step_returned.enqueue, run_step.pk))
    return run_step


@transaction.atomic
def run_cancel(*, run_id: int, user, reason: str, now: datetime.datetime | None = None) -> Run:
    """The Kepala Dinas (or the configured position) cancels a run in progress, with a reason."""
    run = Run.objects.select_for_update().select_related("sop__agency").get(pk=run_id)
    run.cancel_reason = reason or ""
    _refuse_unless_allowed(run, run.cancel, user)
    run.cancel(by=user, description=run.cancel_reason)
    run.cancelled_at = now or timezone.now()
    run.save()
    return run


def disposition_open(*, disposition: Disposition, user, now: datetime.datetime | None = None) -> Disposition:
    """Record the read receipt the first time a recipient opens the disposisi (compare-and-set)."""
    if disposition.read_at is None and permissions.holds(user, disposition.to_position, now):
        _mark_read(disposition, user, now or timezone.now())
    return disposition


def _mark_read(disposition: Disposition, user, now: datetime.datetime) -> None:
    Disposition.objects.filter(pk=disposition.pk, read_at__isnull=True).update(read_at=now, read_by=user)
    disposition.refresh_from_db(fields=["read_at", "read_by"])


def _lock_disposition(disposition_id: int) -> Disposition:
    """The run row first, as everywhere in this module, then the disposisi."""
    run_id = Disposition.objects.values_list("run_step__run_id", flat=True).get(pk=disposition_id)
    run = Run.objects.select_for_update().get(pk=run_id)
    disposition = (
        Disposition.objects.select_for_update(of=("self",))
        .select_related("run_step__step", "to_position__agency", "from_position__agency")
        .get(pk=disposition_id)
    )
    disposition.run_step.run = run
    return disposition


@transaction.atomic
def disposition_amend(*, disposition_id: int, user, urgency: str, requests: list[str], instruction: str) -> Disposition:
    """The issuer changes the sifat, the ticked choices and the free text of a disposisi.

    Guarantees: only the issuer (the login that issued it, or whoever holds or acts for the
    position it was issued from) may, and only while its recipient has not read it (the row is
    locked, so a reader arriving at the same moment sees either the old or the new text, never a
    change after reading); nothing is saved when refused or invalid."""
    disposition = _lock_disposition(disposition_id)
    if not permissions.is_issuer(user, disposition):
        raise WorkflowRefused(_("Only the issuer of this disposisi can change it."))
    if disposition.read_at is not None:
        raise WorkflowRefused(_("This disposisi has already been read: it can no longer be changed."))
    disposition.urgency = urgency
    disposition.requests = list(requests)
    disposition.instruction = (instruction or "").strip()
    disposition.full_clean()
    disposition.save(update_fields=["urgency", "requests", "instruction"])
    return disposition


@transaction.atomic
def disposition_forward(
    *,
    disposition_id: int,
    user,
    to_position,
    urgency: str = Disposition.Urgency.ORDINARY,
    requests: list[str] | tuple[str, ...] = (),
    instruction: str = "",
    now: datetime.datetime | None = None,
) -> Disposition:
    """The recipient of a disposisi forwards it down the line (Kabid → Kasi → Staf) with their own
    sifat, ticked choices and note.

    Guarantees: only a holder of the recipient position, or its Plh/Plt today, may; only while the
    step is in hand; only to a position below theirs along the supervisor lines (never above, never
    another agency) that somebody holds or acts for today. The forward is a new disposisi of the same
    attempt whose parent is the one forwarded, with its subject, kelengkapan and deadline; the one
    forwarded counts as read; the new recipients are e-mailed after commit. Nothing is saved when
    refused. The step's executor stays responsible for performing and submitting the step."""
    now = now or timezone.now()
    parent = _lock_disposition(disposition_id)
    if not parent.in_hand:
        raise WorkflowRefused(
            _("Step %(n)d is no longer in hand: its disposisi can no longer be forwarded.")
            % {"n": parent.run_step.step.number}
        )
    if not permissions.can_forward(user, parent, now):
        raise WorkflowRefused(
            _("Only the recipient of this disposisi (%(position)s, or an acting official for it) can forward it.")
            % {"position": parent.to_position}
        )
    if to_position is None or to_position.pk not in {position.pk for position in parent.to_position.below()}:
        raise WorkflowRefused(
            _("A disposisi is forwarded only down the line: to a position below %(position)s in the same agency.")
            % {"position": parent.to_position}
        )
    if not permissions.recipients(to_position, now):
        raise WorkflowRefused(
            _("Nobody holds the position %(position)s or acts for it today: the disposisi cannot be forwarded to it.")
            % {"position": to_position}
        )
    forward = Disposition(
        run_step=parent.run_step,
        parent=parent,
        from_user=user,
        from_position=parent.to_position,
        to_position=to_position,
        subject=parent.subject,
        urgency=urgency,
        requests=list(requests),
        instruction=(instruction or "").strip(),
        requirements=parent.requirements,
        issued_at=now,
        due_at=parent.due_at,
    )
    forward.full_clean()
    forward.save()
    if parent.read_at is None:
        _mark_read(parent, user, now)
    transaction.on_commit(partial(notifications.disposition_issued.enqueue, forward.pk))
    return forward
