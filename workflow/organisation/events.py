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


# The e-mail template of each event (what WhatsApp and Telegram receive is its subject line and the
# link to the page). An agency admin reads them on the page "Pesan pemberitahuan".
TEMPLATES = {
    "disposition_issued": ("workflow/email/disposition_issued.txt",),
    "step_submitted": ("workflow/email/step_submitted.txt",),
    "step_returned": ("workflow/email/step_returned.txt",),
    "figures_handed_in": ("reports/email/figures_handed_in.txt",),
    "figures_returned": ("reports/email/figures_returned.txt",),
    "figures_due": ("reports/email/figures_due.txt",),
    "signature_awaited": ("reports/email/signature_awaited.txt", "workflow/email/sop_draft_submitted.txt"),
    "document_signed": ("reports/email/document_signed.txt",),
    "appointment_started": ("workflow/email/appointment.txt",),
    "appointment_ended": ("workflow/email/appointment.txt",),
    "step_due_soon": ("workflow/email/step_reminder.txt",),
    "step_overdue": ("workflow/email/step_reminder.txt",),
    "step_escalated": ("workflow/email/step_reminder.txt",),
}


def event_label(name: str) -> str:
    return str(EVENTS.get(name, name))
