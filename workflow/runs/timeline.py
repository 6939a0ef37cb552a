"""A run's history as a timeline: every transition of the run and its steps, with who, when and the note."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from workflow.runs.selectors import RunPage


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    text: str
    note: str = ""
    kind: str = ""


def run_timeline(run: RunPage) -> list[Event]:
    """The run's start, its logged transitions and the disposisi read, oldest first."""
    attempts = {attempt.pk: attempt for attempt in run.attempts}
    started = _("Run started for %(period)s") % {"period": run.period.label}
    events = [Event(run.started_at, run.started_by, started, kind="start")]
    for log in run.history:
        if log.attempt_id is None:
            text = {"finish": _("Run finished"), "cancel": _("Run cancelled")}.get(log.transition, log.transition)
        else:
            attempt = attempts[log.attempt_id]
            label = _("step %(n)d") % {"n": attempt.number}
            if attempt.attempt > 1:
                label += " " + _("(attempt %(a)d)") % {"a": attempt.attempt}
            text = {
                "activate": _("Disposisi issued for %(step)s"),
                "submit": _("%(step)s submitted"),
                "approve": _("%(step)s approved"),
                "send_back": _("%(step)s returned for correction"),
            }.get(log.transition, log.transition) % {"step": label}
        note = log.note if log.transition != "activate" else ""
        events.append(Event(log.at, log.by, capfirst(text), note, kind=log.transition))
    for attempt in run.attempts:
        disposition = attempt.disposition
        if disposition is not None and disposition.read_at:
            events.append(
                Event(
                    disposition.read_at,
                    disposition.read_by,
                    _("Disposisi for step %(n)d read") % {"n": attempt.number},
                    kind="read",
                )
            )
    return sorted(events, key=lambda event: event.at)
