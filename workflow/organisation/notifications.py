"""Messages about Plh/Plt appointments: one when an appointment begins, one when it ends, to the
acting official and the Kepala Dinas (the holders of the head position), in Indonesian.

Each is sent once (workflow.organisation.reminders): by the appointments service after commit when
the appointment begins today or is ended, or by the reminders run (appointments_remind) on the day
an appointment made earlier begins, or after its last day.
"""

import datetime

from django.tasks import task
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.organisation import ActingAssignment
from workflow.organisation.mail import notify
from workflow.organisation.reminders import reminder_send, reminders_sent

# How far back the reminders run looks for appointments that began or ended: a scheduler stopped for
# a few days still catches up, and a first run does not announce every old appointment.
LOOK_BACK_DAYS = 7


def appointment_key(event: str, assignment: ActingAssignment) -> str:
    return f"{event}:acting={assignment.pk}"


def _announce(assignment: ActingAssignment, *, event: str, now: datetime.datetime) -> bool:
    agency = assignment.position.agency
    head = permissions.head_position(agency)
    people = [assignment.employee.user, *(permissions.recipients(head, now) if head else [])]
    key = appointment_key(event, assignment)
    values = {
        "name": assignment.employee.full_name,
        "kind": assignment.kind.capitalize(),  # Plh, Plt
        "position": assignment.position.title,
    }

    def send() -> int:
        with translation.override("id"), timezone.override(agency.zone):
            if event == "appointment_started":
                subject = _("Appointment begins: %(name)s as %(kind)s %(position)s") % values
            else:
                subject = _("Appointment ended: %(name)s as %(kind)s %(position)s") % values
            context = {
                "assignment": assignment,
                "event": event,
                "starts": date_format(assignment.starts_on),
                "ends": date_format(assignment.ends_on),
                **values,
            }
            users = list({user.pk: user for user in people}.values())
            return notify(subject, "workflow/email/appointment.txt", context, users, agency, event=event, key=key)

    return reminder_send(event=event, key=key, agency=agency, now=now, send=send)


def _assignment(assignment_id: int) -> ActingAssignment:
    return ActingAssignment.objects.select_related("position__agency", "employee__user").get(pk=assignment_id)


@task
def appointment_started(assignment_id: int) -> bool:
    """Enqueued after commit by acting_appoint when the appointment begins today."""
    return _announce(_assignment(assignment_id), event="appointment_started", now=timezone.now())


@task
def appointment_ended(assignment_id: int) -> bool:
    """Enqueued after commit by acting_end."""
    return _announce(_assignment(assignment_id), event="appointment_ended", now=timezone.now())


def appointments_remind(*, now: datetime.datetime) -> int:
    """Announce the appointments that began or ended in the last LOOK_BACK_DAYS days and have not
    been announced; the number of announcements sent.

    Guarantees: an appointment is announced as begun on a day it covers (not one withdrawn before it
    began), as ended once its last day has passed or it was ended; each once, whoever asks first
    (this run or the appointments service).
    """
    # The agencies' zones differ by at most two hours from UTC+7: a day of slack either side.
    utc_today = now.astimezone(datetime.UTC).date()
    since = utc_today - datetime.timedelta(days=LOOK_BACK_DAYS + 1)
    candidates = list(
        ActingAssignment.objects.filter(ends_on__gte=since, starts_on__lte=utc_today + datetime.timedelta(days=1))
        .select_related("position__agency", "employee__user")
        .order_by("starts_on", "pk")
    )
    due = []
    for assignment in candidates:
        today = permissions.local_today(assignment.position.agency, now)
        recent = datetime.timedelta(days=LOOK_BACK_DAYS)
        if assignment.covers(today) and today - assignment.starts_on <= recent:
            due.append(("appointment_started", assignment))
        ended = assignment.ends_on < today or (assignment.ended and assignment.ends_on <= today)
        if ended and assignment.starts_on <= assignment.ends_on and today - assignment.ends_on <= recent:
            due.append(("appointment_ended", assignment))
    sent_already = reminders_sent(appointment_key(event, assignment) for event, assignment in due)
    return sum(
        _announce(assignment, event=event, now=now)
        for event, assignment in due
        if appointment_key(event, assignment) not in sent_already
    )
