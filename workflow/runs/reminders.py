"""The scheduled reminders about work, on the agency's working calendar (docs/reminders.md).

`manage.py send_reminders` calls these; each reminder is sent once per step and kind, and per unit
and quarter for the figures, through workflow.organisation.reminders.reminder_send. Nothing is sent
on a day the agency does not work (weekends, holidays, cuti bersama, its own days off): what fell
due meanwhile goes out on the next working day.

- step_due_soon: one working day before a step's deadline (RunStep.due_at, from the Mutu Baku's
  Waktu), for steps whose Waktu is longer than one working day; to whoever performs the step.
- step_overdue: once the deadline has passed and the step is not submitted; to the same people.
- step_escalated: REMINDER_ESCALATE_AFTER_DAYS working days after the deadline; to the supervisor
  of the step's position.
- figures_due: REMINDER_FIGURES_BEFORE_DAYS working days before the agency's deadline for the
  quarter that has just ended (Agency.figures_due_days working days after it), to each responsible
  unit that has not handed its figures in. The deadline needs the calendar, which lives here: the
  runs pass it down to the performance layer's message.
"""

import datetime
from collections.abc import Iterator

from django.conf import settings

from reports.performance import notifications as figures_notifications
from reports.performance.selectors import units_missing_figures
from sopkinerja.common.periods import Period
from workflow.models.organisation import Agency
from workflow.models.run import RunStep
from workflow.organisation.reminders import reminder_send, reminders_sent
from workflow.runs import notifications
from workflow.runs.calendar import WorkingCalendar
from workflow.sop.waktu import TimeUnit


def step_reminder_key(event: str, run_step: RunStep) -> str:
    return f"{event}:run_step={run_step.pk}"


def _step_reminders_due(run_step: RunStep, calendar: WorkingCalendar, now: datetime.datetime) -> Iterator[str]:
    """The kinds of reminder this active attempt is due for at `now` (sent or not)."""
    due = run_step.due_at
    longer_than_a_day = run_step.standard_minutes > calendar.minutes_per_day
    if longer_than_a_day and calendar.days_before(due, 1) <= now < due:
        yield "step_due_soon"
    if now > due:
        yield "step_overdue"
    escalate_after = settings.REMINDER_ESCALATE_AFTER_DAYS
    supervised = run_step.step.executor.position.supervisor_id is not None
    if supervised and now >= calendar.add(due, escalate_after, TimeUnit.DAY):
        yield "step_escalated"


def steps_remind(*, now: datetime.datetime) -> int:
    """Send the step reminders due at `now` that have not been sent; the number sent.

    Guarantees: only attempts being performed (active, in a run in progress, with a deadline) are
    reminded; each (attempt, kind) at most once, however often or concurrently this runs; nothing
    on the agency's days off.
    """
    attempts = (
        RunStep.objects.in_active_runs()
        .filter(state=RunStep.State.ACTIVE, due_at__isnull=False)
        .select_related("run__sop__agency", "step__executor__position__agency")
        .order_by("due_at", "pk")
    )
    calendars: dict[int, WorkingCalendar] = {}
    found = []
    for run_step in attempts:
        agency = run_step.run.sop.agency
        if agency.pk not in calendars:
            calendars[agency.pk] = WorkingCalendar.for_agency(agency)
        calendar = calendars[agency.pk]
        if not calendar.is_working_day(now.astimezone(calendar.zone).date()):
            continue
        found += [(event, run_step) for event in _step_reminders_due(run_step, calendar, now)]
    sent_already = reminders_sent(step_reminder_key(event, run_step) for event, run_step in found)
    sent = 0
    for event, run_step in found:
        key = step_reminder_key(event, run_step)
        if key in sent_already:
            continue
        message = _step_message(event, run_step, key, now)
        sent += reminder_send(event=event, key=key, agency=run_step.run.sop.agency, now=now, send=message)
    return sent


def _step_message(event: str, run_step: RunStep, key: str, now: datetime.datetime):
    if event == "step_due_soon":
        return lambda: notifications.step_due_soon(run_step, key=key, now=now)
    if event == "step_overdue":
        return lambda: notifications.step_overdue(run_step, key=key, now=now)
    days = settings.REMINDER_ESCALATE_AFTER_DAYS
    return lambda: notifications.step_escalated(run_step, key=key, now=now, days=days)


def quarter_just_ended(today: datetime.date) -> Period:
    """The last quarter that ended before `today`: on 15 July 2026, 2026-TW2."""
    number = (today.month - 1) // 3  # quarters wholly before this month's quarter
    return Period.quarter(today.year, number) if number else Period.quarter(today.year - 1, 4)


def quarter_last_day(period: Period) -> datetime.date:
    month = 3 * period.number
    return datetime.date(period.year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)


def figures_deadline(agency: Agency, period: Period, calendar: WorkingCalendar | None = None) -> datetime.datetime:
    """The end of working hours on the agency's figures_due_days-th working day after the quarter."""
    calendar = calendar or WorkingCalendar.for_agency(agency)
    day = quarter_last_day(period)
    for _ in range(agency.figures_due_days):
        day = calendar.next_working_day(day)
    return datetime.datetime.combine(day, calendar.ends, calendar.zone)


def figures_remind(*, now: datetime.datetime) -> int:
    """Tell each unit that has not handed in the figures of the quarter just ended, once, some
    working days before the agency's deadline (REMINDER_FIGURES_BEFORE_DAYS); the number sent.

    Guarantees: only units responsible for an indicator with a target that year and whose quarter is
    not submitted or approved (units_missing_figures); once per unit and quarter; only on working days,
    from the reminder day up to the deadline.
    """
    sent = 0
    for agency in Agency.objects.order_by("pk"):
        calendar = WorkingCalendar.for_agency(agency)
        today = now.astimezone(calendar.zone).date()
        if not calendar.is_working_day(today):
            continue
        period = quarter_just_ended(today)
        deadline = figures_deadline(agency, period, calendar)
        reminder_day = calendar.days_before(deadline, settings.REMINDER_FIGURES_BEFORE_DAYS).date()
        if not reminder_day <= today or now > deadline:
            continue
        for unit in units_missing_figures(agency, period):
            key = f"figures_due:unit={unit.pk}:{period}"

            def message(unit=unit, key=key, period=period, deadline=deadline) -> int:
                return figures_notifications.figures_due(unit=unit, period=period, deadline=deadline, key=key, now=now)

            sent += reminder_send(event="figures_due", key=key, agency=agency, now=now, send=message)
    return sent
