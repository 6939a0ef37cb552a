"""E-mail about the units' figures: handed in for review, returned for correction. Written to the
outbox by background tasks after the transaction commits, in Indonesian."""

from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models.performance import UnitSubmission
from workflow import permissions
from workflow.organisation.mail import notify


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
    reviewer = permissions.submission_reviewer_position(submission)
    agency = submission.unit.agency
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _figures_subject(_("Figures to review: %(unit)s, %(period)s"), submission),
            "reports/email/figures_handed_in.txt",
            {"submission": submission},
            permissions.recipients(reviewer) if reviewer else [],
            agency,
            event="figures_handed_in",
        )


@task
def figures_returned(submission_id: int) -> int:
    """A return: whoever sent the figures, and the people of the unit (holders and Plh/Plt of its positions)."""
    submission = _submission(submission_id)
    agency = submission.unit.agency
    people = [submission.submitted_by] if submission.submitted_by else []
    people += unit_people(submission.unit)
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _figures_subject(_("Returned for correction: the figures of %(unit)s, %(period)s"), submission),
            "reports/email/figures_returned.txt",
            {"submission": submission},
            list({user.pk: user for user in people}.values()),
            agency,
            event="figures_returned",
        )


def unit_people(unit, now=None) -> list:
    """The holders and Plh/Plt of the unit's positions, each once."""
    people = []
    for position in unit.positions.select_related("agency"):
        people += permissions.recipients(position, now)
    return list({user.pk: user for user in people}.values())


def figures_due(*, unit, period, deadline, key: str, now=None) -> int:
    """The unit has not handed in the quarter's figures and the agency's deadline is near: the people
    of the unit. The deadline is worked out on the working calendar by the runs (workflow.runs.reminders)."""
    agency = unit.agency
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _("Figures due: %(unit)s, %(period)s") % {"unit": unit.name, "period": period.label},
            "reports/email/figures_due.txt",
            {"unit": unit, "period": period, "deadline": deadline},
            unit_people(unit, now),
            agency,
            event="figures_due",
            key=key,
        )
