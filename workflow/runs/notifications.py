"""E-mail about SOP runs and the units' figures, written to the outbox by background tasks after the
transaction commits.

Mail is written in Indonesian, the office language, whatever language the sender's browser used.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import UnitSubmission
from reports.performance.selectors import submission_reviewer_position
from workflow import permissions
from workflow.models import SopVersion
from workflow.organisation.mail import mail_queue

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


def _submission(submission_id: int) -> UnitSubmission:
    people = ("unit__agency", "submitted_by__employee", "returned_by__employee")
    return UnitSubmission.objects.select_related(*people).get(pk=submission_id)


def _figures_subject(text: str, submission: UnitSubmission) -> str:
    return text % {"unit": submission.unit.name, "period": submission.period_obj.label}


@task
def figures_handed_in(submission_id: int) -> int:
    """Kirim: the reviewer of the unit's quarter (its head, or the head's supervisor when the head
    sent it), and whoever acts for that position today."""
    submission = _submission(submission_id)
    reviewer = submission_reviewer_position(submission)
    agency = submission.unit.agency
    with translation.override("id"), timezone.override(agency.zone):
        return _send(
            _figures_subject(_("Figures to review: %(unit)s, %(period)s"), submission),
            "reports/email/figures_handed_in.txt",
            {"submission": submission},
            permissions.recipients(reviewer) if reviewer else [],
            agency,
        )


@task
def figures_returned(submission_id: int) -> int:
    """A return: whoever sent the figures, and the people of the unit (holders and Plh/Plt of its positions)."""
    submission = _submission(submission_id)
    agency = submission.unit.agency
    people = [submission.submitted_by] if submission.submitted_by else []
    for position in submission.unit.positions.all():
        people += permissions.recipients(position)
    with translation.override("id"), timezone.override(agency.zone):
        return _send(
            _figures_subject(_("Returned for correction: the figures of %(unit)s, %(period)s"), submission),
            "reports/email/figures_returned.txt",
            {"submission": submission},
            list({user.pk: user for user in people}.values()),
            agency,
        )


@task
def sop_draft_submitted(version_id: int, author_id: int) -> int:
    """Ajukan untuk ditandatangani: the Kepala Dinas and whoever acts for him today."""
    version = SopVersion.objects.select_related("sop__agency").get(pk=version_id)
    author = get_user_model().objects.select_related("employee").get(pk=author_id)
    agency = version.sop.agency
    head = permissions.head_position(agency)
    with translation.override("id"), timezone.override(agency.zone):
        subject = _("Awaiting your signature: %(number)s %(name)s (revision %(revision)d)") % {
            "number": version.sop.number,
            "name": version.name,
            "revision": version.revision,
        }
        return _send(
            subject,
            "workflow/email/sop_draft_submitted.txt",
            {"version": version, "author": author},
            permissions.recipients(head) if head else [],
            agency,
        )
