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
