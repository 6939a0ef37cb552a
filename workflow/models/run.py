"""An SOP run: one execution of an effective SOP version for one period, as state machines.

Transitions hold the rules only (source, target, conditions, permission). Everything else,
locking, saving, logging, deadlines and e-mail, is done by workflow.runs.services.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from reports.performance.locks import figures_lock_rule
from reports.performance.selectors import units_missing_figures
from sopkinerja.common.periods import Period
from sopkinerja.common.uploads import clean_name, validate_upload, validate_upload_size
from workflow import permissions

from .organisation import Position
from .sop import Sop, SopVersion, Step


def rule(message):
    """Mark a transition condition with the reason given when it does not hold."""

    def mark(condition):
        condition.refusal = message
        return condition

    return mark


class RunQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(sop__agency=agency)

    def active(self):
        return self.filter(state=Run.State.ACTIVE)


class RunStepQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(run__sop__agency=agency)

    def in_active_runs(self):
        return self.filter(run__state=Run.State.ACTIVE)

    def waiting_for(self, position_ids):
        """Attempts in runs in progress that wait for the holders of these positions to perform them."""
        return self.in_active_runs().filter(state=RunStep.State.ACTIVE, step__executor__position__in=position_ids)

    def awaiting_decision_by(self, position_ids):
        """Submitted attempts in runs in progress that these positions approve or return: the step's
        own approver, else the supervisor of its executor (workflow.permissions.approver_position)."""
        approves = Q(step__approver_position__in=position_ids) | Q(
            step__approver_position__isnull=True, step__executor__position__supervisor__in=position_ids
        )
        return self.in_active_runs().filter(approves, state=RunStep.State.SUBMITTED)

    def figures_locked(self, agency, year: int, quarter: int) -> bool:
        """A quarter's figures are locked once its data-collection step is handed in (submitted or
        approved). A return of that step, or a later attempt at it after a 'Tidak' loop, reopens them."""
        attempts = (
            self.for_agency(agency)
            .filter(run__period=f"{year}-TW{quarter}", step__collects_data=True)
            .exclude(run__state=Run.State.CANCELLED)
        )
        handed_in = Q(state__in=[RunStep.State.SUBMITTED, RunStep.State.APPROVED])
        counted = attempts.order_by().aggregate(
            handed_in=Count("pk", filter=handed_in), still_open=Count("pk", filter=~handed_in)
        )
        return counted["handed_in"] > 0 and counted["still_open"] == 0


class DispositionQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(run_step__run__sop__agency=agency)


class Run(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("In progress")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    sop = models.ForeignKey(Sop, models.PROTECT, related_name="runs", verbose_name=_("SOP"))
    version = models.ForeignKey(SopVersion, models.PROTECT, related_name="runs", verbose_name=_("SOP version"))
    period = models.CharField(_("period"), max_length=10, help_text=_("2026-TW1 … 2026-S2 … 2026"))
    state = FSMField(_("state"), default=State.ACTIVE, choices=State.choices, protected=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    lead_minutes = models.PositiveIntegerField(_("lead time (working minutes)"), null=True, blank=True)
    standard_minutes = models.PositiveIntegerField(_("standard time (working minutes)"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("SOP run")
        verbose_name_plural = _("SOP runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop", "period"],
                condition=~Q(state="cancelled"),
                name="one_run_per_sop_and_period",
                violation_error_message=_("This SOP already has a run for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sop.number} {self.period_obj.label}"

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    @property
    def agency(self):
        return self.sop.agency

    # Rules -----------------------------------------------------------------------------

    @rule(_("Not every step of this run has been approved yet."))
    def _all_steps_approved(self) -> bool:
        return not self.steps.exclude(state__in=RunStep.DONE).exists()

    @rule(_("A reason for cancelling is required."))
    def _has_cancel_reason(self) -> bool:
        return bool(self.cancel_reason.strip())

    # Transitions -----------------------------------------------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ACTIVE, target=State.FINISHED, conditions=[_all_steps_approved])
    def finish(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.CANCELLED,
        conditions=[_has_cancel_reason],
        permission=permissions.can_cancel,
    )
    def cancel(self, by=None, description=None):
        pass


class RunStep(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One attempt at one step within a run. An exit back to an earlier step adds new attempts (old
    ones stay); an exit forward marks the steps it passes over as skipped."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("In progress")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        SKIPPED = "skipped", _("Skipped")

    DONE = (State.APPROVED, State.SKIPPED)

    run = models.ForeignKey(Run, models.CASCADE, related_name="steps", verbose_name=_("run"))
    step = models.ForeignKey(Step, models.PROTECT, related_name="+", verbose_name=_("step"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    sequence = models.PositiveIntegerField(_("sequence"))
    state = FSMField(_("state"), default=State.WAITING, choices=State.choices, protected=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    output_note = models.TextField(_("output"), blank=True)
    answer = models.CharField(
        _("answer"), max_length=60, blank=True, help_text=_("A decision's answer: the label of one of its exits.")
    )
    missing_units = models.TextField(_("units without figures when closed"), blank=True)
    closed_incomplete = models.BooleanField(_("closed with units missing"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    return_note = models.TextField(_("note on return"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last returned by"),
    )
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    standard_minutes = models.PositiveIntegerField(_("standard time (working minutes)"), default=0)
    actual_minutes = models.PositiveIntegerField(_("actual time (working minutes)"), null=True, blank=True)

    objects = RunStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("run step")
        verbose_name_plural = _("run steps")
        ordering = ["run", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["run", "step", "attempt"], name="one_attempt_number_per_step"),
            models.UniqueConstraint(fields=["run", "sequence"], name="one_step_per_sequence"),
        ]

    def __str__(self) -> str:
        attempt = f" ({self.attempt})" if self.attempt > 1 else ""
        return f"{self.step.number}. {self.step.activity}{attempt}"

    @property
    def disposition(self):
        """The disposisi that handed this attempt to its executor; forwards down the line hang below it.
        Reads the prefetched `dispositions` when there are some (run_detail prefetches them)."""
        return next((d for d in self.dispositions.all() if d.parent_id is None), None)

    def is_overdue(self, now) -> bool:
        if self.due_at is None:
            return False
        finished = self.submitted_at if self.state in (self.State.SUBMITTED, self.State.APPROVED) else None
        return (finished or now) > self.due_at

    def units_without_figures(self) -> list:
        """The responsible units that have not handed in the quarter's figures, when this attempt
        collects them (a data-collection step of a quarter's run); else none. Asked once per object:
        the submit service names them in its refusal, the transition's rule holds on them."""
        if not hasattr(self, "_units_without_figures"):
            collects = self.step.collects_data and self.run.period_obj.kind == "triwulan"
            self._units_without_figures = (
                units_missing_figures(self.run.agency, self.run.period_obj) if collects else []
            )
        return self._units_without_figures

    # Rules -----------------------------------------------------------------------------

    @rule(_("This SOP run is no longer in progress."))
    def _run_is_active(self) -> bool:
        return self.run.state == Run.State.ACTIVE

    @rule(_("The previous step has not been approved yet."))
    def _previous_approved(self) -> bool:
        return not self.run.steps.filter(sequence__lt=self.sequence).exclude(state__in=self.DONE).exists()

    @rule(_("Describe the output of this step before submitting it."))
    def _has_output(self) -> bool:
        return bool(self.output_note.strip())

    @rule(_("Answer the decision with one of its exits."))
    def _decision_answered(self) -> bool:
        return self.step.symbol != Step.Symbol.DECISION or self.answer in self.step.exit_labels()

    @rule(_("Some responsible units have not submitted their figures: close the step listing them, or wait."))
    def _figures_complete_or_closed(self) -> bool:
        return self.closed_incomplete or not self.units_without_figures()

    @rule(_("A note saying what must be corrected is required to return a step."))
    def _has_return_note(self) -> bool:
        return bool(self.return_note.strip())

    # Separation of duties: whoever decides (set on the row before the transition) did not submit
    # the attempt, even when acting for the approver. A step whose executor has no supervisor (the
    # Kepala Dinas) is approved on submission by design.

    @rule(_("Who approves or returns the step must be recorded."))
    def _approver_recorded(self) -> bool:
        return self.approved_by_id is not None

    @rule(_("Who approves or returns the step must be recorded."))
    def _returner_recorded(self) -> bool:
        return self.returned_by_id is not None

    @rule(_("You submitted this step yourself: someone else must approve it."))
    def _not_approved_by_submitter(self) -> bool:
        return not permissions.decides_own_submission(self, self.approved_by_id)

    @rule(_("You submitted this step yourself: someone else must return it."))
    def _not_returned_by_submitter(self) -> bool:
        return not permissions.decides_own_submission(self, self.returned_by_id)

    # Transitions -----------------------------------------------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.WAITING,
        target=State.ACTIVE,
        conditions=[_run_is_active, _previous_approved],
    )
    def activate(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.WAITING, target=State.SKIPPED, conditions=[_run_is_active])
    def skip(self, by=None, description=None):
        """The flow jumped past this step (a decision's exit forward, or an end reached)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.SUBMITTED,
        conditions=[_run_is_active, _has_output, _decision_answered, _figures_complete_or_closed],
        permission=permissions.can_perform,
    )
    def submit(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.APPROVED,
        conditions=[_run_is_active, _approver_recorded, _not_approved_by_submitter],
        permission=permissions.can_approve,
    )
    def approve(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACTIVE,
        conditions=[_run_is_active, _has_return_note, _returner_recorded, _not_returned_by_submitter],
        permission=permissions.can_approve,
    )
    def send_back(self, by=None, description=None):
        pass


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A name nobody can guess: the original name is kept on the row, for the download."""
    run = instance.run_step.run
    extension = os.path.splitext(filename)[1].lower()
    return f"runs/{run.sop.agency.slug}/{run.period}/{instance.run_step.pk}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A file handed in with a step: its output or one of its kelengkapan. Served only through
    workflow.views.runs.attachment_download."""

    run_step = models.ForeignKey(RunStep, models.CASCADE, related_name="attachments", verbose_name=_("run step"))
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_upload, validate_upload_size])
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.original_name = clean_name(self.file.name)
        super().save(*args, **kwargs)


class Disposition(models.Model):
    """Lembar disposisi: the written instruction that hands a step to its executor. Its recipient may
    forward it down the line (Kabid → Kasi → Staf): each forward is a new Disposition of the same
    attempt whose `parent` is the one forwarded, so the tree below the step's first disposisi is the
    whole history. A forward does not change who performs the step."""

    class Urgency(models.TextChoices):
        # Sifat, as printed on the sheet.
        ORDINARY = "biasa", _("Ordinary (biasa)")
        URGENT = "segera", _("Urgent (segera)")
        VERY_URGENT = "sangat_segera", _("Very urgent (sangat segera)")
        CONFIDENTIAL = "rahasia", _("Confidential (rahasia)")

    class Request(models.TextChoices):
        # "Dengan hormat harap": the ticked choices, in the order offices print them.
        FOLLOW_UP = "ditindaklanjuti", _("follow up (ditindaklanjuti)")
        NOTE = "diketahui", _("take note (diketahui)")
        STUDY = "dipelajari", _("study (dipelajari)")
        DISCUSS = "dibicarakan", _("discuss (dibicarakan)")
        CIRCULATE = "diedarkan", _("circulate (diedarkan)")
        PREPARE = "disiapkan", _("prepare (disiapkan)")
        ANSWER = "dijawab", _("answer (dijawab)")
        ATTEND = "dihadiri", _("attend (dihadiri)")
        PROCESS = "diproses", _("process (diproses)")
        FILE = "diarsipkan", _("keep on file (disimpan/diarsipkan)")

    run_step = models.ForeignKey(RunStep, models.CASCADE, related_name="dispositions", verbose_name=_("run step"))
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="forwards",
        verbose_name=_("forwarded from"),
        help_text=_("Empty for the disposisi that handed the step to its executor."),
    )
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("from"))
    from_position = models.ForeignKey(
        Position, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from position")
    )
    to_position = models.ForeignKey(
        Position, models.PROTECT, related_name="dispositions", verbose_name=_("to position")
    )
    subject = models.CharField(_("subject"), max_length=300)
    urgency = models.CharField(_("sifat"), max_length=16, choices=Urgency.choices, default=Urgency.ORDINARY)
    requests = models.JSONField(
        _("dengan hormat harap"),
        default=list,
        blank=True,
        help_text=_("The ticked choices, as codes."),
    )
    instruction = models.TextField(_("instruction"), blank=True)
    note = models.TextField(
        _("note from the previous step"), blank=True, help_text=_("The approver's note, kept beside the instruction.")
    )
    requirements = models.TextField(_("requirements expected (kelengkapan)"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    due_at = models.DateTimeField(
        _("due at"), null=True, blank=True, help_text=_("None when the Waktu sets no deadline.")
    )
    read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    objects = DispositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposition (disposisi)")
        verbose_name_plural = _("dispositions (disposisi)")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run_step"], condition=Q(parent__isnull=True), name="one_first_disposition_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_position}: {self.subject}"

    @property
    def number(self) -> str:
        return f"{self.pk:05d}/DISP/{self.issued_at:%Y}"

    @property
    def to_own_position(self) -> bool:
        """Issued by the position that receives it: the starter of a run to the first step's executor."""
        return self.from_position_id is not None and self.from_position_id == self.to_position_id

    @property
    def opens_the_run(self) -> bool:
        return self.parent_id is None and self.run_step.sequence == 1 and self.run_step.attempt == 1

    @property
    def in_hand(self) -> bool:
        """Its step is being performed: the run in progress and the attempt active. Only then is it forwarded."""
        return self.run_step.state == RunStep.State.ACTIVE and self.run_step.run.state == Run.State.ACTIVE

    @property
    def request_marks(self) -> list[tuple[str, bool]]:
        """Every choice with whether it is ticked: the sheet prints them all, as offices do."""
        ticked = set(self.requests or [])
        return [(label, code in ticked) for code, label in self.Request.choices]

    @property
    def urgency_marks(self) -> list[tuple[str, bool]]:
        return [(label, code == self.urgency) for code, label in self.Urgency.choices]

    @property
    def requested_labels(self) -> list[str]:
        return [label for label, ticked in self.request_marks if ticked]

    def clean(self) -> None:
        unknown = set(self.requests or []) - set(self.Request.values)
        if not isinstance(self.requests, list) or unknown:
            raise ValidationError({"requests": _("Choose the instructions from the list.")})
        if not self.requests and not self.instruction.strip():
            raise ValidationError(_("Tick at least one instruction or write one."))
        if self.parent_id is not None and self.parent.run_step_id != self.run_step_id:
            raise ValidationError(_("A forwarded disposisi belongs to the same step as the one it forwards."))


@figures_lock_rule
def data_collection_handed_in(agency, year: int, quarter: int) -> bool:
    """The runs' rule for the figures lock (reports.performance.locks): see RunStepQuerySet.figures_locked."""
    return RunStep.objects.figures_locked(agency, year, quarter)
