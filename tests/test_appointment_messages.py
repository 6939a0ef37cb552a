"""The Plh/Plt and the Kepala Dinas are told when an appointment begins and when it ends, once each:
by the appointments service, or by the reminders run on the day it begins and after its last day."""

import datetime

import pytest
from django.core import mail

from workflow import permissions
from workflow.models import Agency, Position, SentReminder
from workflow.organisation.appointments import acting_appoint, acting_end
from workflow.organisation.notifications import appointments_remind

from .conftest import employee, user

DAY = datetime.timedelta(days=1)
KADIS, SEKRETARIS = "balangan.kadis", "balangan.sekretaris"


@pytest.fixture
def head(balangan) -> Position:
    return Position.objects.get(agency=balangan, rank="kepala_dinas")


def today() -> datetime.date:
    return permissions.local_today(Agency.objects.get(slug="balangan"))


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), Agency.objects.get(slug="balangan").zone)


def appoint(head, starts_on, ends_on):
    return acting_appoint(
        by=user(KADIS), position=head, employee=employee(SEKRETARIS), kind="plh", starts_on=starts_on, ends_on=ends_on
    )


def sent(prefix: str) -> list:
    return [m for m in mail.outbox if m.subject.startswith(prefix)]


def addressed(messages: list) -> list[str]:
    """Every address the messages went to, once per message (the outbox sends one per person)."""
    return sorted(address for message in messages for address in message.to)


def test_an_appointment_beginning_today_is_announced_to_the_plh_and_the_kepala_dinas_once(
    head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = appoint(head, today(), today() + 3 * DAY)
    messages = sent("Mulai bertugas: ")
    assert addressed(messages) == sorted([user(SEKRETARIS).email, user(KADIS).email])
    assert all("sebagai Plh Kepala Dinas" in m.subject and "/plh/" in m.body for m in messages)
    appointments_remind(now=noon(today()))
    assert len(sent("Mulai bertugas: ")) == 2  # one each, not again
    assert SentReminder.objects.filter(key=f"appointment_started:acting={assignment.pk}").count() == 1


def test_an_appointment_made_ahead_is_announced_on_its_first_day_by_the_reminders_run(
    head, django_capture_on_commit_callbacks
):
    starts = today() + 2 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        appoint(head, starts, starts + 2 * DAY)
    assert sent("Mulai bertugas: ") == []
    appointments_remind(now=noon(starts - DAY))
    assert sent("Mulai bertugas: ") == []
    appointments_remind(now=noon(starts))
    appointments_remind(now=noon(starts + DAY))
    assert len(sent("Mulai bertugas: ")) == 2  # the Plh and the Kepala Dinas, once each


def test_an_appointment_that_runs_out_is_announced_as_ended_after_its_last_day_once(head):
    assignment = appoint(head, today(), today() + DAY)
    appointments_remind(now=noon(today() + DAY))
    assert sent("Penugasan berakhir: ") == []
    appointments_remind(now=noon(today() + 2 * DAY))
    appointments_remind(now=noon(today() + 3 * DAY))
    messages = sent("Penugasan berakhir: ")
    assert addressed(messages) == sorted([user(SEKRETARIS).email, user(KADIS).email])
    assert all(assignment.employee.full_name in m.body for m in messages)


def test_an_appointment_ended_early_is_announced_at_once_and_not_again(head, django_capture_on_commit_callbacks):
    assignment = appoint(head, today() - DAY, today() + 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        acting_end(by=user(KADIS), assignment=assignment)
    assert addressed(sent("Penugasan berakhir: ")) == sorted([user(SEKRETARIS).email, user(KADIS).email])
    appointments_remind(now=noon(today() + DAY))
    assert len(sent("Penugasan berakhir: ")) == 2  # not again


def test_an_appointment_withdrawn_before_it_began_is_not_announced(head, django_capture_on_commit_callbacks):
    assignment = appoint(head, today() + 3 * DAY, today() + 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        acting_end(by=user(KADIS), assignment=assignment)
    for days in range(0, 7):
        appointments_remind(now=noon(today() + days * DAY))
    assert sent("Penugasan berakhir: ") == [] and sent("Mulai bertugas: ") == []
