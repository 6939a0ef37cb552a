"""A run's history as a timeline: every transition of the run and its steps, with who, when and the note."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from workflow.models.run import Run, RunStep


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    text: str
    note: str = ""
    kind: str = ""


def _name(user) -> str:
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return employee.full_name if employee else user.get_username()


def run_timeline(run: Run) -> list[Event]:
    steps = {rs.pk: rs for rs in run.steps.all()}
    run_type = ContentType.objects.get_for_model(Run)
    logs = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(RunStep), object_id__in=list(steps)
    ) | StateLog.objects.filter(content_type=run_type, object_id=run.pk)
    events = [
        Event(
            run.started_at,
            _name(run.started_by),
            _("Run started for %(period)s") % {"period": run.period_obj.label},
            kind="start",
        )
    ]
    for log in logs.select_related("by__employee").order_by("timestamp", "pk"):
        if log.content_type_id == run_type.pk:
            text = {"finish": _("Run finished"), "cancel": _("Run cancelled")}.get(log.transition, log.transition)
        else:
            run_step = steps[log.object_id]
            label = _("step %(n)d") % {"n": run_step.step.number}
            if run_step.attempt > 1:
                label += " " + _("(attempt %(a)d)") % {"a": run_step.attempt}
            text = {
                "activate": _("Disposisi issued for %(step)s"),
                "submit": _("%(step)s submitted"),
                "approve": _("%(step)s approved"),
                "send_back": _("%(step)s returned for correction"),
            }.get(log.transition, log.transition) % {"step": label}
        note = log.description if log.transition != "activate" else ""
        events.append(Event(log.timestamp, _name(log.by), capfirst(text), note or "", kind=log.transition))
    for run_step in steps.values():
        disposition = getattr(run_step, "disposition", None)
        if disposition is not None and disposition.read_at:
            events.append(
                Event(
                    disposition.read_at,
                    _name(disposition.read_by),
                    _("Disposisi for step %(n)d read") % {"n": run_step.step.number},
                    kind="read",
                )
            )
    return sorted(events, key=lambda event: event.at)
