"""Steps are reminded on the working calendar: one working day before a deadline longer than a
day, once overdue, and escalated to the supervisor after REMINDER_ESCALATE_AFTER_DAYS working days;
each once, never on a day off, however often (or however concurrently) the scheduler runs."""

import datetime
import threading
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from reports.management.commands import worker
from sopkinerja.common.periods import Period
from workflow import permissions
from workflow.models import Agency, RunStep, SentReminder, SopVersion
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.reminders import steps_remind
from workflow.runs.services import run_start
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, user
from .workflow_helpers import complete_current, current

WIB = ZoneInfo("Asia/Jakarta")
# Monday 15 June 2026; Tuesday 16 June is Tahun Baru Islam, a national holiday.
MONDAY = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=WIB)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, minute, tzinfo=WIB)


def step_three_in_progress(sop002) -> RunStep:
    """Padang Panjang's 2026-TW1 run started on Monday 08:00; steps 1 and 2 (1 hari each) done by
    08:10, so step 3 (2 hari) is in hand from 08:10, due two working days later past the holiday."""
    run = run_start(version=sop002, period=Period.parse("2026-TW1"), user=user("padangpanjang.kadis"), now=MONDAY)
    complete_current(run, answer="Ya", now=at(15, 8, 5))
    complete_current(run, answer="Ya", now=at(15, 8, 10))
    run_step = current(run)
    assert run_step.step.number == 3 and run_step.state == RunStep.State.ACTIVE
    return run_step


def reminders_of(run_step) -> list[tuple[str, datetime.datetime]]:
    rows = SentReminder.objects.filter(key__endswith=f":run_step={run_step.pk}").order_by("sent_at")
    return [(row.event, row.sent_at.astimezone(WIB)) for row in rows]


def addresses(position) -> set[str]:
    return {u.email for u in permissions.recipients(position) if u.email}


def test_a_step_walked_through_a_week_is_reminded_once_of_each_kind_on_working_days_only(sop002, settings):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 2
    run_step = step_three_in_progress(sop002)
    assert run_step.due_at == at(18, 8, 10)  # Mon + 2 working days, Tuesday being a holiday
    mail.outbox.clear()
    moment = at(15, 8, 30)
    while moment < at(23, 12):  # every half hour, nights, the holiday and the weekend included
        steps_remind(now=moment)
        moment += datetime.timedelta(minutes=30)

    assert reminders_of(run_step) == [
        ("step_due_soon", at(17, 8, 30)),  # one working day before: Wednesday, not the holiday
        ("step_overdue", at(18, 8, 30)),
        ("step_escalated", at(22, 8, 30)),  # two working days overdue: Monday, not the weekend
    ]
    calendar = WorkingCalendar.for_agency(sop002.sop.agency)
    assert all(calendar.is_working_day(sent.date()) for _event, sent in reminders_of(run_step))
    mine = [m for m in mail.outbox if f"langkah 3, {run_step.run}" in m.subject]
    assert [m.subject.split(":")[0] for m in mine] == [
        "Tenggat satu hari kerja lagi",
        "Melewati tenggat",
        "Terlambat 2 hari kerja",
    ]
    executor = run_step.step.executor.position
    assert set(mine[0].to) == set(mine[1].to) == addresses(executor)
    assert set(mine[2].to) == addresses(executor.supervisor)
    assert "/runs/" in mine[0].body or str(run_step.run_id) in mine[0].body


def test_a_step_of_one_working_day_or_less_gets_no_reminder_before_its_deadline(sop002):
    run = run_start(version=sop002, period=Period.parse("2026-TW1"), user=user("padangpanjang.kadis"), now=MONDAY)
    first = current(run)  # 1 hari: due Wednesday 08:00, Tuesday being a holiday
    assert first.due_at == at(17, 8)
    for moment in [at(15, hour) for hour in range(9, 17)] + [at(17, 7, 30), at(17, 7, 59)]:
        steps_remind(now=moment)
    assert [event for event, _sent in reminders_of(first)] == []
    steps_remind(now=at(17, 9))
    assert [event for event, _sent in reminders_of(first)] == ["step_overdue"]


def test_a_submitted_step_is_not_reminded_however_late(sop002):
    run_step = step_three_in_progress(sop002)
    complete_current(run_step.run, answer="Ya", now=at(15, 9))
    assert steps_remind(now=at(24, 9)) >= 0
    assert reminders_of(run_step) == []


def test_send_reminders_replays_a_moment_and_sends_nothing_twice(sop002, capsys):
    run_step = step_three_in_progress(sop002)
    call_command("send_reminders", "--now", "2026-06-22T09:00:00+07:00")
    first = reminders_of(run_step)
    call_command("send_reminders", "--now", "2026-06-22T09:00:00+07:00")
    assert reminders_of(run_step) == first
    assert [event for event, _sent in first] == ["step_overdue", "step_escalated"]
    assert "steps " in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_running_at_once_send_each_reminder_once():
    if not Agency.objects.exists():  # an earlier transactional test emptied the database
        load_all(password=PASSWORD, today=TODAY)
    version = SopVersion.objects.get(sop__agency__slug="padang-panjang", status=SopVersion.Status.EFFECTIVE)
    run_step = step_three_in_progress(version)
    mail.outbox.clear()
    barrier = threading.Barrier(4)
    outcomes: list[int] = []

    def scheduler():
        try:
            barrier.wait()
            outcomes.append(steps_remind(now=at(22, 9)))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [event for event, _sent in reminders_of(run_step)] == ["step_overdue", "step_escalated"]
    mine = [m for m in mail.outbox if f"langkah 3, {run_step.run}" in m.subject]
    assert len(mine) == 2
    assert len(outcomes) == 4


class OneRound(threading.Event):
    """A supervisor that stops after the first round of the reminders loop."""

    def wait(self, timeout=None):
        self.set()
        return True


def test_the_worker_sends_the_reminders_that_are_due_on_its_interval(sop002, monkeypatch):
    run_step = step_three_in_progress(sop002)
    monkeypatch.setattr(worker, "connection", SimpleNamespace(close=lambda: None))  # the test's own transaction
    monkeypatch.setattr(timezone, "now", lambda: at(22, 9))
    worker.send_reminders_every(900, OneRound())
    assert [event for event, _sent in reminders_of(run_step)] == ["step_overdue", "step_escalated"]
