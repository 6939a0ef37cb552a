"""Plh/Plt appointments: the one place that appoints an acting official or ends an appointment.

The admin and the appointments page both call these functions. The rules themselves live in
ActingAssignment.clean() and workflow.permissions.can_appoint (asked here and handed to the row), so
every path obeys them:
only the Kepala Dinas (the holder of the head position, not a Plh of it) or a superuser
appoints; nobody appoints themselves. Each appointment and each ending records who did it and
when on the row, and is written to the `workflow.appointments` log. The acting official and the
Kepala Dinas are told when an appointment begins and ends (workflow.organisation.notifications).
"""

import datetime
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.organisation import ActingAssignment, Employee, Position
from workflow.organisation import notifications

log = logging.getLogger("workflow.appointments")


@transaction.atomic
def acting_appoint(
    *,
    by,
    position: Position,
    employee: Employee,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ActingAssignment:
    """Appoint `employee` as Plh/Plt of `position` from `starts_on` to `ends_on` (inclusive).

    Guarantees: the appointer is allowed (ActingAssignment.clean), the period shares no day with
    another current or future appointment to the position (checked under a lock on the position row,
    so of two appointments made at once the second sees the first), the row records who appointed
    and when, and the appointment is logged; one that begins today is announced after commit (one
    that begins later, by the reminders run on its first day). A refusal raises ValidationError and
    saves nothing.
    """
    Position.objects.select_for_update().get(pk=position.pk)
    assignment = ActingAssignment(
        position=position,
        employee=employee,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note or "",
        appointed_by=by,
        appointed_at=now or timezone.now(),
    )
    assignment.appointer_may_appoint = permissions.can_appoint(by, position)
    assignment.full_clean()
    assignment.save()
    if assignment.covers(permissions.local_today(position.agency, now)):
        # Begins today: announced now; one that begins later is announced by the reminders run that day.
        transaction.on_commit(partial(notifications.appointment_started.enqueue, assignment.pk))
    log.info(
        "appointment %s: %s as %s of %s (agency %s) from %s to %s, by %s",
        assignment.pk,
        employee.user.get_username(),
        assignment.kind,
        position.title,
        position.agency.slug,
        starts_on,
        ends_on,
        by.get_username(),
    )
    return assignment


@transaction.atomic
def acting_end(*, by, assignment: ActingAssignment, now: datetime.datetime | None = None) -> ActingAssignment:
    """End an appointment now: from this moment it no longer confers anything.

    Guarantees: only whoever may appoint for the position ends it; the row stays (history), with
    its end moved to today (the days it covered stay visible; `in_force` leaves an ended row out
    from its end day on) or, when it had not begun, to the day before its start, and who ended it
    and when; the ending is logged and, unless it had not begun, announced after commit. A refusal
    raises ValidationError and saves nothing.
    """
    assignment = ActingAssignment.objects.select_for_update().select_related("position__agency").get(pk=assignment.pk)
    if not permissions.can_appoint(by, assignment.position):
        raise ValidationError(_("Only the Kepala Dinas or a system administrator can end a Plh or Plt appointment."))
    if assignment.ended_at is not None:
        raise ValidationError(_("This appointment has already been ended."))
    now = now or timezone.now()
    today = permissions.local_today(assignment.position.agency, now)
    if assignment.starts_on > today:
        assignment.ends_on = assignment.starts_on - datetime.timedelta(days=1)  # withdrawn: covers no day
    elif assignment.ends_on >= today:
        assignment.ends_on = today
    assignment.ended_by = by
    assignment.ended_at = now
    assignment.full_clean()
    assignment.save()
    if assignment.starts_on <= assignment.ends_on:  # one withdrawn before it began is not announced
        transaction.on_commit(partial(notifications.appointment_ended.enqueue, assignment.pk))
    log.info(
        "appointment %s ended: %s as %s of %s (agency %s), now until %s, by %s",
        assignment.pk,
        assignment.employee.user.get_username(),
        assignment.kind,
        assignment.position.title,
        assignment.position.agency.slug,
        assignment.ends_on,
        by.get_username(),
    )
    return assignment
