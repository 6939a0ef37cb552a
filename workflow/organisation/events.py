"""The events a person can be told about, with the label the preferences form shows. Every caller of
`notify()` names one of these; the names are stable (they are stored in preferences)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "disposition_issued": _("A disposisi reaches me"),
    "step_submitted": _("A step waits for my approval"),
    "step_returned": _("My step is returned for correction"),
    "figures_handed_in": _("A unit's figures wait for my review"),
    "figures_returned": _("A unit's figures are returned"),
    "figures_due": _("Figures are due for my unit"),
    "signature_awaited": _("A document waits for my signature"),
    "document_signed": _("A document is signed"),
    "appointment_started": _("My appointment as Plh/Plt starts"),
    "appointment_ended": _("My appointment as Plh/Plt ends"),
    "step_due_soon": _("A step of mine is due soon"),
    "step_overdue": _("A step of mine is overdue"),
    "step_escalated": _("A step of my staff is long overdue"),
}


def event_label(name: str) -> str:
    return str(EVENTS.get(name, name))
