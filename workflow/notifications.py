"""E-mail about SOP runs, written to the outbox by background tasks after the transaction commits.

Mail is written in Indonesian, the office language, whatever language the sender's browser used.
"""

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.mail import mail_queue

SUBJECT_LENGTH = 100


def _send(subject: str, template: str, context: dict, users, agency) -> int:
    """Queue the message in the outbox (delivered at once, retried on failure); the number queued."""
    addresses = [user.email for user in users if user.email]
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    return 1 if mail_queue(subject=subject, body=body, recipients=addresses, agency=agency) else 0


@task
def disposition_issued(disposition_id: int) -> int:
    from workflow.models import Disposition

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
        return _send(
            subject,
            "workflow/email/disposition_issued.txt",
            {"disposition": disposition},
            permissions.recipients(disposition.to_position),
            disposition.to_position.agency,
        )


@task
def step_submitted(run_step_id: int) -> int:
    from workflow.models import RunStep

    run_step = RunStep.objects.select_related("run__sop__agency", "step__executor__position").get(pk=run_step_id)
    approver = permissions.approver_position(run_step.step)
    with translation.override("id"):
        subject = _("Awaiting your approval: step %(n)d, %(run)s") % {
            "n": run_step.step.number,
            "run": run_step.run,
        }
        return _send(
            subject,
            "workflow/email/step_submitted.txt",
            {"run_step": run_step},
            permissions.recipients(approver) if approver else [],
            run_step.run.sop.agency,
        )


@task
def step_returned(run_step_id: int) -> int:
    from workflow.models import RunStep

    run_step = RunStep.objects.select_related("run__sop__agency", "step__executor__position").get(pk=run_step_id)
    with translation.override("id"):
        subject = _("Returned for correction: step %(n)d, %(run)s") % {
            "n": run_step.step.number,
            "run": run_step.run,
        }
        return _send(
            subject,
            "workflow/email/step_returned.txt",
            {"run_step": run_step},
            permissions.recipients(run_step.step.executor.position),
            run_step.run.sop.agency,
        )
