"""E-mail about SOP runs (a disposisi issued, a step submitted or returned), written to the outbox by
background tasks after the transaction commits.

Mail is written in Indonesian, the office language, whatever language the sender's browser used.
"""

from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.run import Disposition, RunStep
from workflow.organisation.mail import notify

SUBJECT_LENGTH = 100


@task
def disposition_issued(disposition_id: int) -> int:

    disposition = Disposition.objects.select_related(
        "run_step__step", "run_step__run__sop__agency", "to_position__agency"
    ).get(pk=disposition_id)
    with translation.override("id"), timezone.override(disposition.to_position.agency.zone):
        # Short: the step and its activity; the note and the requirements are in the body.
        subject = _("Disposisi step %(n)d: %(activity)s") % {
            "n": disposition.run_step.step.number,
            "activity": disposition.instruction or disposition.run_step.step.activity,
        }
        subject = subject if len(subject) <= SUBJECT_LENGTH else subject[: SUBJECT_LENGTH - 1] + "…"
        return notify(
            subject,
            "workflow/email/disposition_issued.txt",
            {"disposition": disposition},
            permissions.recipients(disposition.to_position),
            disposition.to_position.agency,
            event="disposition_issued",
        )


@task
def step_submitted(run_step_id: int) -> int:

    run_step = RunStep.objects.select_related("run__sop__agency", "step__executor__position").get(pk=run_step_id)
    approver = permissions.approver_position(run_step.step)
    with translation.override("id"):
        subject = _("Awaiting your approval: step %(n)d, %(run)s") % {
            "n": run_step.step.number,
            "run": run_step.run,
        }
        return notify(
            subject,
            "workflow/email/step_submitted.txt",
            {"run_step": run_step},
            permissions.recipients(approver) if approver else [],
            run_step.run.sop.agency,
            event="step_submitted",
        )


@task
def step_returned(run_step_id: int) -> int:

    run_step = RunStep.objects.select_related("run__sop__agency", "step__executor__position").get(pk=run_step_id)
    with translation.override("id"):
        subject = _("Returned for correction: step %(n)d, %(run)s") % {
            "n": run_step.step.number,
            "run": run_step.run,
        }
        return notify(
            subject,
            "workflow/email/step_returned.txt",
            {"run_step": run_step},
            permissions.recipients(run_step.step.executor.position),
            run_step.run.sop.agency,
            event="step_returned",
        )


# Reminders (workflow.runs.reminders): written by the scheduler inside the transaction that records
# them (workflow.organisation.reminders.reminder_send), so they are plain functions, not tasks.


def _reminder_subject(text: str, run_step: RunStep) -> str:
    return text % {"n": run_step.step.number, "run": run_step.run}


def step_due_soon(run_step: RunStep, *, key: str, now) -> int:
    """One working day before the deadline: the holders of the step's position and whoever acts for it."""
    agency = run_step.run.sop.agency
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _reminder_subject(_("Due in one working day: step %(n)d, %(run)s"), run_step),
            "workflow/email/step_reminder.txt",
            {"run_step": run_step, "kind": "step_due_soon"},
            permissions.recipients(run_step.step.executor.position, now),
            agency,
            event="step_due_soon",
            key=key,
        )


def step_overdue(run_step: RunStep, *, key: str, now) -> int:
    """The deadline has passed: the holders of the step's position and whoever acts for it."""
    agency = run_step.run.sop.agency
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _reminder_subject(_("Overdue: step %(n)d, %(run)s"), run_step),
            "workflow/email/step_reminder.txt",
            {"run_step": run_step, "kind": "step_overdue"},
            permissions.recipients(run_step.step.executor.position, now),
            agency,
            event="step_overdue",
            key=key,
        )


def step_escalated(run_step: RunStep, *, key: str, now, days: int) -> int:
    """Still overdue after `days` working days: the supervisor of the step's position (holders and Plh/Plt)."""
    agency = run_step.run.sop.agency
    supervisor = run_step.step.executor.position.supervisor
    with translation.override("id"), timezone.override(agency.zone):
        subject = _("Overdue %(days)d working days: step %(n)d, %(run)s (%(position)s)") % {
            "days": days,
            "n": run_step.step.number,
            "run": run_step.run,
            "position": run_step.step.executor.position.title,
        }
        return notify(
            subject,
            "workflow/email/step_reminder.txt",
            {"run_step": run_step, "kind": "step_escalated", "days": days},
            permissions.recipients(supervisor, now) if supervisor else [],
            agency,
            event="step_escalated",
            key=key,
        )
